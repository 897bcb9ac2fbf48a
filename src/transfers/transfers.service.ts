import type { Db, Executor } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { lockItems, lockSerials } from '../db/lock-order.js';
import type { NewSerialEventRow } from '../db/schema.js';
import type { Principal } from '../auth/auth.service.js';
import { conflict, invalid, notFound, type FieldError } from '../shared/errors.js';
import { nowIso } from '../shared/time.js';
import { nextDocumentNumber } from '../shared/document-numbers.js';
import { decodeIdCursor, encodeCursor } from '../shared/cursor.js';
import { requireActiveLocation } from '../locations/locations.service.js';
import { locationsRepository } from '../locations/locations.repository.js';
import { itemsRepository } from '../items/items.repository.js';
import { serialsRepository } from '../serials/serials.repository.js';
import { CountDeltas } from '../serials/serial-ledger.js';
import { isSerialStatus, MOVABLE_STATUSES, STATUS_INFO } from '../serials/serial-status.js';
import { stockRepository } from '../stock/stock.repository.js';
import { removeUpTo } from '../stock/stock-moves.js';
import { transfersRepository } from './transfers.repository.js';
import { MAX_TRANSFER_SERIALS } from './transfers.schemas.js';

type TransferRow = NonNullable<Awaited<ReturnType<typeof transfersRepository.findById>>>;
const toTransferView = (t: TransferRow) => ({
  id: t.id,
  number: t.number,
  at: t.at,
  userId: t.user_id,
  username: t.username,
  fromLocationId: t.from_location_id,
  fromLocationCode: t.from_location_code,
  toLocationId: t.to_location_id,
  toLocationCode: t.to_location_code,
  note: t.note,
});

type SerialReadRow = Awaited<ReturnType<typeof serialsRepository.findManyByIds>>[number];
type ItemReadRow = Awaited<ReturnType<typeof itemsRepository.findManyByIds>>[number];

/** The requested ids once each; refuses an empty or oversized request before any database work. */
function requestedSerials(ids: number[]): number[] {
  const serialIds = [...new Set(ids)];
  if (serialIds.length === 0) {
    throw invalid('NO_SERIALS', 'Select at least one serial to transfer.', [
      { field: 'serialIds', code: 'empty', message: 'Nothing selected' },
    ]);
  }
  if (serialIds.length > MAX_TRANSFER_SERIALS) {
    throw invalid(
      'TOO_MANY_SERIALS',
      `One transfer moves at most ${MAX_TRANSFER_SERIALS} serials; split it.`,
    );
  }
  return serialIds;
}

async function readSerials(tx: Executor, serialIds: number[]) {
  const rows = await serialsRepository.findManyByIds(tx, serialIds);
  const items = new Map(
    (await itemsRepository.findManyByIds(tx, [...new Set(rows.map((r) => r.item_id))])).map((i) => [i.id, i]),
  );
  return { byId: new Map(rows.map((r) => [r.id, r])), items };
}

/**
 * The reasons, one per serial, why a transfer cannot take these serials; `placeError` is the location rule of
 * the form used (not at the stated source, or already at the destination).
 */
function transferRefusals(
  serialIds: number[],
  byId: Map<number, SerialReadRow>,
  items: Map<number, ItemReadRow>,
  placeError: (s: SerialReadRow) => FieldError | null,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const id of serialIds) {
    const s = byId.get(id);
    const item = s ? items.get(s.item_id) : undefined;
    const misplaced = s ? placeError(s) : null;
    if (!s) {
      errors.push({ field: String(id), code: 'not_found', message: `Serial ${id} does not exist.` });
    } else if (item?.track_serials !== 1) {
      errors.push({
        field: s.serial_number,
        code: 'tracking_off',
        message: `${s.serial_number}: ${item?.sku ?? 'its item'} does not track serials (Track Serials is off).`,
      });
    } else if (misplaced) {
      errors.push(misplaced);
    } else if (!isSerialStatus(s.status) || !STATUS_INFO[s.status].movable) {
      errors.push({
        field: s.serial_number,
        code: 'not_movable',
        message: `${s.serial_number} is ${statusLabel(s.status)} and cannot be transferred.`,
      });
    }
  }
  return errors;
}

const statusLabel = (status: string) => (isSerialStatus(status) ? STATUS_INFO[status].label : status);

const rejected = (errors: FieldError[]) =>
  conflict('TRANSFER_REJECTED', `Nothing was transferred: ${errors.length} serial(s) cannot move.`, errors);

/**
 * Writes the documents of serials already moved: the transfer rows with their lines, one history row per
 * serial, the serial counts and the quantity on hand. Returns the transfer ids in the documents' order.
 * A count's reconcile (counts/) records its transfers here too.
 */
export async function recordTransfers(
  tx: Executor,
  userId: number,
  t: {
    at: string;
    toLocationId: number;
    note: string;
    documents: {
      number: string;
      fromLocationId: number;
      serials: Pick<SerialReadRow, 'id' | 'item_id' | 'status'>[];
    }[];
  },
): Promise<number[]> {
  const ids: number[] = [];
  const events: NewSerialEventRow[] = [];
  const counts = new CountDeltas();
  // item → source location → units moved
  const perItem = new Map<number, Map<number, number>>();
  for (const doc of t.documents) {
    ids.push(
      await transfersRepository.insert(
        tx,
        {
          number: doc.number,
          at: t.at,
          userId,
          fromLocationId: doc.fromLocationId,
          toLocationId: t.toLocationId,
          note: t.note,
        },
        doc.serials.map((s) => s.id),
      ),
    );
    for (const s of doc.serials) {
      events.push({
        serial_id: s.id,
        item_id: s.item_id,
        kind: 'transferred',
        at: t.at,
        user_id: userId,
        document_type: 'transfer',
        document_number: doc.number,
        from_location_id: doc.fromLocationId,
        to_location_id: t.toLocationId,
        from_status: s.status,
        to_status: s.status,
        data: t.note ? JSON.stringify({ note: t.note }) : null,
      });
      counts.move(
        s.item_id,
        { locationId: doc.fromLocationId, status: s.status },
        { locationId: t.toLocationId, status: s.status },
      );
      const sources = perItem.get(s.item_id) ?? new Map<number, number>();
      sources.set(doc.fromLocationId, (sources.get(doc.fromLocationId) ?? 0) + 1);
      perItem.set(s.item_id, sources);
    }
  }
  await serialsRepository.insertEvents(tx, events);
  await counts.apply(tx);
  // Quantity on hand follows the units as far as each source has it: serials added without stock
  // (a mismatch the stock view already shows) never drive a source below zero.
  for (const [itemId, sources] of [...perItem.entries()].sort((a, b) => a[0] - b[0])) {
    let arrived = 0;
    for (const [fromId, n] of [...sources.entries()].sort((a, b) => a[0] - b[0])) {
      arrived += await removeUpTo(tx, itemId, fromId, n);
    }
    if (arrived > 0) await stockRepository.addQuantity(tx, itemId, t.toLocationId, arrived);
  }
  return ids;
}

/**
 * The 409 for a conditional move that left some serials behind, naming each one that changed (the ones that
 * did move carry this document's number by now) and what it is now.
 */
async function changedMeanwhile(tx: Executor, serials: SerialReadRow[], number: string) {
  const now = new Map(
    (
      await serialsRepository.findManyByIds(
        tx,
        serials.map((s) => s.id),
      )
    ).map((r) => [r.id, r]),
  );
  const errors: FieldError[] = [];
  for (const s of serials) {
    const r = now.get(s.id);
    if (r?.last_document_number === number) continue;
    errors.push({
      field: s.serial_number,
      code: 'changed_meanwhile',
      message: r
        ? `${s.serial_number} was changed by someone else at the same time (now ${statusLabel(r.status)} at ${r.location_code}).`
        : `${s.serial_number} was deleted by someone else at the same time.`,
    });
  }
  return conflict(
    'STALE_SERIAL',
    `Nothing was transferred: ${errors.length} serial(s) were changed by someone else at the same time. Reload and try again.`,
    errors,
  );
}

export function createTransfersService(db: Db) {
  const service = {
    /**
     * Moves serials from one location to another as one document. All or nothing: a serial that is not
     * at the source or not in a movable status fails the whole transfer with a reason per serial. The
     * quantity on hand moves with the units (as far as the source has it), so a transfer never creates
     * a quantity/serial mismatch and never leaves a negative quantity.
     */
    async transfer(
      principal: Principal,
      input: { fromLocationId: number; toLocationId: number; serialIds: number[]; note?: string | undefined },
    ) {
      const serialIds = requestedSerials(input.serialIds);
      if (input.fromLocationId === input.toLocationId) {
        throw invalid('SAME_LOCATION', 'The destination must differ from the source location.', [
          { field: 'toLocationId', code: 'same_location', message: 'Pick another location' },
        ]);
      }
      const result = await inTransaction(db, async (tx) => {
        // Moving units *out of* an inactive location is how it gets emptied: the source only has to exist.
        const fromLoc = await locationsRepository.findById(tx, input.fromLocationId);
        if (!fromLoc) {
          throw invalid('UNKNOWN_LOCATION', `Location ${input.fromLocationId} does not exist.`, [
            { field: 'fromLocationId', code: 'unknown_location', message: 'No such location' },
          ]);
        }
        const to = await requireActiveLocation(tx, input.toLocationId, 'toLocationId');
        const { byId, items } = await readSerials(tx, serialIds);
        const errors = transferRefusals(serialIds, byId, items, (s) =>
          s.location_id === fromLoc.id
            ? null
            : {
                field: s.serial_number,
                code: 'wrong_location',
                message: `${s.serial_number} is at ${s.location_code}, not at ${fromLoc.code}.`,
              },
        );
        if (errors.length > 0) throw rejected(errors);
        const number = await nextDocumentNumber(tx, 'transfer', 'TR-');
        await lockItems(tx, items.keys());
        await lockSerials(tx, serialIds);
        const at = nowIso();
        const moved = await serialsRepository.moveMany(tx, serialIds, {
          fromLocationId: fromLoc.id,
          toLocationId: to.id,
          movableStatuses: MOVABLE_STATUSES,
          documentType: 'transfer',
          documentNumber: number,
          at,
          userId: principal.userId,
        });
        if (moved !== serialIds.length) {
          throw conflict(
            'STALE_SERIAL',
            'Some of these serials were changed by someone else at the same time. Reload and try again.',
          );
        }
        // Re-read under the row locks the move just took: a concurrent status change to another movable
        // status (e.g. Damaged) may have landed after the first read; history and counts need the real one.
        for (const r of await serialsRepository.findManyByIds(tx, serialIds)) byId.set(r.id, r);
        const [id] = await recordTransfers(tx, principal.userId, {
          at,
          toLocationId: to.id,
          note: input.note?.trim() ?? '',
          documents: [
            { number, fromLocationId: fromLoc.id, serials: serialIds.map((sid) => byId.get(sid)!) },
          ],
        });
        return id!;
      });
      return service.get(result);
    },

    /**
     * Moves serials from wherever each one is to one destination: one transfer document per source
     * location, all in one transaction. Every serial must still be exactly as read (location, status,
     * version) when it moves, so a concurrent change fails the whole request with 409 and nothing moves.
     */
    async transferFromEachSource(
      principal: Principal,
      input: { toLocationId: number; serialIds: number[]; note?: string | undefined },
    ) {
      const serialIds = requestedSerials(input.serialIds);
      const ids = await inTransaction(db, async (tx) => {
        const to = await requireActiveLocation(tx, input.toLocationId, 'toLocationId');
        const { byId, items } = await readSerials(tx, serialIds);
        // A unit already at the destination is refused like one not at the stated source in the other
        // form: the request names units to move, and this one would not move.
        const errors = transferRefusals(serialIds, byId, items, (s) =>
          s.location_id === to.id
            ? {
                field: s.serial_number,
                code: 'already_at_destination',
                message: `${s.serial_number} is already at ${to.code}.`,
              }
            : null,
        );
        if (errors.length > 0) throw rejected(errors);

        const bySource = new Map<number, SerialReadRow[]>();
        for (const sid of serialIds) {
          const s = byId.get(sid)!;
          const group = bySource.get(s.location_id);
          if (group) group.push(s);
          else bySource.set(s.location_id, [s]);
        }
        // Numbered in location code order, so the documents read in the order a user expects.
        const sources = [...bySource.entries()].sort(
          (x, y) => x[1][0]!.location_code.localeCompare(y[1][0]!.location_code) || x[0] - y[0],
        );
        // Lock order (db/lock-order.ts): every number first, then the items, then the serials.
        const numbers: string[] = [];
        for (let i = 0; i < sources.length; i++)
          numbers.push(await nextDocumentNumber(tx, 'transfer', 'TR-'));
        await lockItems(tx, items.keys());
        await lockSerials(tx, serialIds);
        const at = nowIso();
        const documents: { number: string; fromLocationId: number; serials: SerialReadRow[] }[] = [];
        for (const [k, [fromLocationId, serials]] of sources.entries()) {
          const number = numbers[k]!;
          // Conditional on the version read above: a serial changed since then is not moved.
          const moved = await serialsRepository.moveMany(tx, serials, {
            fromLocationId,
            toLocationId: to.id,
            movableStatuses: MOVABLE_STATUSES,
            documentType: 'transfer',
            documentNumber: number,
            at,
            userId: principal.userId,
          });
          if (moved !== serials.length) throw await changedMeanwhile(tx, serials, number);
          documents.push({ number, fromLocationId, serials });
        }
        return recordTransfers(tx, principal.userId, {
          at,
          toLocationId: to.id,
          note: input.note?.trim() ?? '',
          documents,
        });
      });
      const transfers = [];
      for (const id of ids) transfers.push(await service.get(id));
      return { transfers };
    },

    async get(id: number) {
      const t = await transfersRepository.findById(db, id);
      if (!t) throw notFound('Transfer', id);
      const lines = await transfersRepository.lines(db, id);
      return {
        ...toTransferView(t),
        serials: lines.map((l) => ({
          id: l.id,
          serialNumber: l.serial_number,
          itemId: l.item_id,
          itemSku: l.sku,
        })),
      };
    },

    async list(q: { cursor?: string | undefined; limit: number }) {
      const before = q.cursor ? decodeIdCursor(q.cursor) : undefined;
      const rows = await transfersRepository.list(db, { beforeId: before, limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      return {
        transfers: page.map(toTransferView),
        nextCursor: rows.length > q.limit ? encodeCursor([page.at(-1)!.id]) : null,
      };
    },
  };
  return service;
}

export type TransfersService = ReturnType<typeof createTransfersService>;
