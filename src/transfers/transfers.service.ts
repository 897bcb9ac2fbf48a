import type { Db } from '../db/database.js';
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
      const serialIds = [...new Set(input.serialIds)];
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
      if (input.fromLocationId === input.toLocationId) {
        throw invalid('SAME_LOCATION', 'The destination must differ from the source location.', [
          { field: 'toLocationId', code: 'same_location', message: 'Pick another location' },
        ]);
      }
      const result = await db.transaction().execute(async (tx) => {
        // Moving units *out of* an inactive location is how it gets emptied: the source only has to exist.
        const fromLoc = await locationsRepository.findById(tx, input.fromLocationId);
        if (!fromLoc) {
          throw invalid('UNKNOWN_LOCATION', `Location ${input.fromLocationId} does not exist.`, [
            { field: 'fromLocationId', code: 'unknown_location', message: 'No such location' },
          ]);
        }
        const to = await requireActiveLocation(tx, input.toLocationId, 'toLocationId');
        const rows = await serialsRepository.findManyByIds(tx, serialIds);
        const byId = new Map(rows.map((r) => [r.id, r]));
        const items = new Map(
          (await itemsRepository.findManyByIds(tx, [...new Set(rows.map((r) => r.item_id))])).map((i) => [
            i.id,
            i,
          ]),
        );
        const errors: FieldError[] = [];
        for (const id of serialIds) {
          const s = byId.get(id);
          const item = s ? items.get(s.item_id) : undefined;
          if (!s) {
            errors.push({ field: String(id), code: 'not_found', message: `Serial ${id} does not exist.` });
          } else if (item?.track_serials !== 1) {
            errors.push({
              field: s.serial_number,
              code: 'tracking_off',
              message: `${s.serial_number}: ${item?.sku ?? 'its item'} does not track serials (Track Serials is off).`,
            });
          } else if (s.location_id !== fromLoc.id) {
            errors.push({
              field: s.serial_number,
              code: 'wrong_location',
              message: `${s.serial_number} is at ${s.location_code}, not at ${fromLoc.code}.`,
            });
          } else if (!isSerialStatus(s.status) || !STATUS_INFO[s.status].movable) {
            errors.push({
              field: s.serial_number,
              code: 'not_movable',
              message: `${s.serial_number} is ${isSerialStatus(s.status) ? STATUS_INFO[s.status].label : s.status} and cannot be transferred.`,
            });
          }
        }
        if (errors.length > 0) {
          throw conflict(
            'TRANSFER_REJECTED',
            `Nothing was transferred: ${errors.length} serial(s) cannot move.`,
            errors,
          );
        }
        const number = await nextDocumentNumber(tx, 'transfer', 'TR-');
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
        const id = await transfersRepository.insert(
          tx,
          {
            number,
            at,
            userId: principal.userId,
            fromLocationId: fromLoc.id,
            toLocationId: to.id,
            note: input.note?.trim() ?? '',
          },
          serialIds,
        );
        const events: NewSerialEventRow[] = [];
        const counts = new CountDeltas();
        const perItem = new Map<number, number>();
        for (const sid of serialIds) {
          const s = byId.get(sid)!;
          events.push({
            serial_id: sid,
            item_id: s.item_id,
            kind: 'transferred',
            at,
            user_id: principal.userId,
            document_type: 'transfer',
            document_number: number,
            from_location_id: fromLoc.id,
            to_location_id: to.id,
            from_status: s.status,
            to_status: s.status,
            data: input.note?.trim() ? JSON.stringify({ note: input.note.trim() }) : null,
          });
          counts.move(
            s.item_id,
            { locationId: fromLoc.id, status: s.status },
            { locationId: to.id, status: s.status },
          );
          perItem.set(s.item_id, (perItem.get(s.item_id) ?? 0) + 1);
        }
        await serialsRepository.insertEvents(tx, events);
        await counts.apply(tx);
        // Quantity on hand follows the units as far as the source has it: serials added without stock
        // (a mismatch the stock view already shows) never drive the source below zero.
        for (const [itemId, n] of [...perItem.entries()].sort((a, b) => a[0] - b[0])) {
          const moved = await removeUpTo(tx, itemId, fromLoc.id, n);
          if (moved > 0) await stockRepository.addQuantity(tx, itemId, to.id, moved);
        }
        return id;
      });
      return service.get(result);
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
