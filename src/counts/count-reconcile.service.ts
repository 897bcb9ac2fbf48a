import type { Db, Executor } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { lockItems, lockSerials } from '../db/lock-order.js';
import type { NewSerialEventRow } from '../db/schema.js';
import type { Principal } from '../auth/auth.service.js';
import { conflict, invalid, notFound, type FieldError } from '../shared/errors.js';
import { nowIso, todayIso } from '../shared/time.js';
import { reserveCounterValues } from '../shared/document-numbers.js';
import { requireActiveLocation } from '../locations/locations.service.js';
import { itemsRepository } from '../items/items.repository.js';
import { serialsRepository } from '../serials/serials.repository.js';
import { CountDeltas, createSerialsInTx } from '../serials/serial-ledger.js';
import { MOVABLE_STATUSES, PRESENT_STATUSES, statusLabel } from '../serials/serial-status.js';
import { stockRepository } from '../stock/stock.repository.js';
import { recordTransfers } from '../transfers/transfers.service.js';
import { countsRepository, type CountEntryRow } from './counts.repository.js';
import { FOUND_RESULTS } from './count-review.js';
import { countClosed, loadCount, type ReconcileResult } from './counts.service.js';

export interface ReconcileChoices {
  /** Misplaced units: transfer them to where they were found, or leave their records as they are. */
  misplaced: 'transfer' | 'leave';
  /** Expected units not found: mark them Missing, or leave them. */
  notFound: 'mark_missing' | 'leave';
  /** Missing units found: back In Stock where they were found, or leave them Missing. */
  foundMissing: 'mark_found' | 'leave';
  /** Unknown serials to add, each to a chosen item (the others are left). */
  addUnknown: { serialNumber: string; itemId: number }[];
  /** Quantity on hand: set to the units counted by a stock adjustment naming the count, or leave it. */
  quantity: 'set_to_counted' | 'leave';
}

/** Statuses a count may turn Missing: Reserved belongs to its sale, Returned to its return's disposition. */
const CAN_GO_MISSING: readonly string[] = ['in_stock', 'damaged'];
const MAX_SKIPPED_KEPT = 1000;
const present = new Set<string>(PRESENT_STATUSES);
const movable = new Set<string>(MOVABLE_STATUSES);

const formatNumber = (prefix: string, n: number) => `${prefix}${String(n).padStart(6, '0')}`;

async function takeNumbers(tx: Executor, series: string, prefix: string, n: number): Promise<string[]> {
  if (n === 0) return [];
  const first = await reserveCounterValues(tx, series, n, 0);
  return Array.from({ length: n }, (_, i) => formatNumber(prefix, first + i));
}

/** The unknown serials to add, checked against the count's entries and the items before anything is written. */
async function checkAdditions(
  tx: Executor,
  choices: ReconcileChoices,
  entries: CountEntryRow[],
): Promise<{ serialNumber: string; itemId: number; sku: string; locationId: number }[]> {
  const unknown = new Map(entries.filter((e) => e.result === 'unknown').map((e) => [e.serial_number, e]));
  const items = new Map(
    (await itemsRepository.findManyByIds(tx, [...new Set(choices.addUnknown.map((a) => a.itemId))])).map(
      (i) => [i.id, i],
    ),
  );
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const out = [];
  for (const [i, a] of choices.addUnknown.entries()) {
    const field = `addUnknown[${i}]`;
    const entry = unknown.get(a.serialNumber);
    const item = items.get(a.itemId);
    if (!entry) {
      errors.push({
        field,
        code: 'not_unknown',
        message: `${a.serialNumber} is not an unknown serial of this count.`,
      });
    } else if (seen.has(a.serialNumber)) {
      errors.push({ field, code: 'duplicate', message: `${a.serialNumber} is listed twice.` });
    } else if (!item) {
      errors.push({ field, code: 'unknown_item', message: `No item with id ${a.itemId}.` });
    } else if (item.track_serials !== 1) {
      errors.push({ field, code: 'tracking_off', message: `${item.sku} does not track serials.` });
    } else {
      out.push({
        serialNumber: a.serialNumber,
        itemId: item.id,
        sku: item.sku,
        locationId: entry.location_id,
      });
    }
    seen.add(a.serialNumber);
  }
  if (errors.length > 0) {
    throw invalid('INVALID_RECONCILE', 'Nothing was reconciled: check the unknown serials to add.', errors);
  }
  return out;
}

export function createCountReconcileService(db: Db) {
  return {
    /**
     * Reconciles an open count in one transaction, each choice explicit, then closes it. Every unit is
     * re-checked under its item's lock: what changed since it was scanned (a sale, a transfer) is skipped and
     * reported with the reason. Lock order (db/lock-order.ts): the count, the counters, the items, the serials,
     * then quantity on hand and serial counts.
     */
    async reconcile(principal: Principal, countId: number, choices: ReconcileChoices) {
      await inTransaction(db, async (tx) => {
        const status = await countsRepository.statusForWrite(tx, countId, 'update');
        if (!status) throw notFound('Count', countId);
        const count = await loadCount(tx, countId);
        if (status !== 'open') throw countClosed(count.number);
        if (choices.misplaced === 'transfer') await countsRepository.holdCounter(tx, 'transfer');
        if (choices.quantity === 'set_to_counted') await countsRepository.holdCounter(tx, 'stock_adjustment');

        // The items this reconcile may write, read first so they can be locked before anything is decided.
        const first = await countsRepository.entries(tx, countId);
        const additions = await checkAdditions(tx, choices, first);
        const itemIds = new Set<number>();
        for (const e of first) if (e.item_id !== null) itemIds.add(e.item_id);
        for (const a of additions) itemIds.add(a.itemId);
        for (const s of await countsRepository.expectedSerials(tx, countId, PRESENT_STATUSES))
          itemIds.add(s.item_id);
        const scope = count.allItems ? null : new Set(count.items.map((i) => i.id));
        for (const q of await countsRepository.stockLevels(tx, countId)) {
          if (scope === null || scope.has(q.item_id)) itemIds.add(q.item_id);
        }
        const lockedItems = [...itemIds];
        await lockItems(tx, lockedItems);

        // Under the item locks nothing else changes these serials: this is the state the reconcile acts on.
        const entries = await countsRepository.entries(tx, countId);
        const expected = await countsRepository.expectedSerials(tx, countId, PRESENT_STATUSES, lockedItems);
        await lockSerials(tx, [
          ...expected.map((s) => s.id),
          ...entries.flatMap((e) => (e.serial_id === null ? [] : [e.serial_id])),
        ]);

        const at = nowIso();
        const userId = principal.userId;
        const doc = { documentType: 'count', documentNumber: count.number, at, userId };
        const skipped: ReconcileResult['skipped'] = [];
        let skippedTotal = 0;
        const skip = (serialNumber: string, sku: string | null, code: string, reason: string) => {
          skippedTotal++;
          if (skipped.length < MAX_SKIPPED_KEPT) skipped.push({ serialNumber, sku, code, reason });
        };
        const events: NewSerialEventRow[] = [];
        const counts = new CountDeltas();
        /** Status after this reconcile, for the quantity counted. */
        const statusAfter = new Map<number, string>();
        const result: ReconcileResult = {
          transfers: [],
          markedMissing: 0,
          markedFound: 0,
          added: 0,
          adjustments: [],
          skipped,
          skippedTotal: 0,
        };

        // 1. Misplaced units: one transfer per source and destination, through the transfer documents.
        if (choices.misplaced === 'transfer') {
          const groups = new Map<string, { from: number; to: number; serials: CountEntryRow[] }>();
          for (const e of entries) {
            if (e.result !== 'misplaced' || e.serial_id === null) continue;
            if (e.now_void_key !== 0 || e.now_status === null || !movable.has(e.now_status)) {
              skip(
                e.serial_number,
                e.sku,
                'not_movable',
                `${e.serial_number} is ${statusLabel(e.now_void_key ? 'voided' : (e.now_status ?? ''))} now and was not transferred.`,
              );
              continue;
            }
            if (e.now_location_id === e.location_id) {
              skip(
                e.serial_number,
                e.sku,
                'already_there',
                `${e.serial_number} is already recorded at ${e.location_code}.`,
              );
              continue;
            }
            if (e.now_location_id !== e.recorded_location_id) {
              skip(
                e.serial_number,
                e.sku,
                'moved_meanwhile',
                `${e.serial_number} was moved to ${e.now_location_code ?? '?'} after it was scanned; not transferred.`,
              );
              continue;
            }
            const key = `${e.location_id}|${e.now_location_id}`;
            const g = groups.get(key) ?? { from: e.now_location_id!, to: e.location_id, serials: [] };
            g.serials.push(e);
            groups.set(key, g);
          }
          const ordered = [...groups.values()].sort((a, b) => a.to - b.to || a.from - b.from);
          const numbers = await takeNumbers(tx, 'transfer', 'TR-', ordered.length);
          const byDestination = new Map<
            number,
            {
              number: string;
              fromLocationId: number;
              serials: { id: number; item_id: number; status: string }[];
            }[]
          >();
          for (const [k, g] of ordered.entries()) {
            const serials = g.serials.map((e) => ({ id: e.serial_id!, version: e.now_version! }));
            const moved = await serialsRepository.moveMany(tx, serials, {
              fromLocationId: g.from,
              toLocationId: g.to,
              movableStatuses: MOVABLE_STATUSES,
              ...doc,
            });
            if (moved !== serials.length) {
              throw conflict(
                'CONCURRENT_UPDATE',
                'Serials changed while the count was reconciled. Try again.',
              );
            }
            const list = byDestination.get(g.to) ?? [];
            list.push({
              number: numbers[k]!,
              fromLocationId: g.from,
              serials: g.serials.map((e) => ({
                id: e.serial_id!,
                item_id: e.item_id!,
                status: e.now_status!,
              })),
            });
            byDestination.set(g.to, list);
          }
          for (const [to, documents] of byDestination) {
            await recordTransfers(tx, userId, {
              at,
              toLocationId: to,
              note: `Count ${count.number}`,
              documents,
            });
          }
          result.transfers = numbers;
        }

        // 2. Expected units not found become Missing.
        const foundIds = new Set(entries.flatMap((e) => (e.serial_id === null ? [] : [e.serial_id])));
        if (choices.notFound === 'mark_missing') {
          const ids: number[] = [];
          for (const s of expected) {
            if (foundIds.has(s.id)) continue;
            if (!CAN_GO_MISSING.includes(s.status)) {
              skip(
                s.serial_number,
                s.sku,
                `not_found_${s.status}`,
                s.status === 'reserved'
                  ? `${s.serial_number} was not found but is Reserved by an open sale: complete or cancel the sale first.`
                  : `${s.serial_number} was not found but is ${statusLabel(s.status)}: choose its disposition on its return first.`,
              );
              continue;
            }
            ids.push(s.id);
            statusAfter.set(s.id, 'missing');
            events.push({
              serial_id: s.id,
              item_id: s.item_id,
              kind: 'marked_missing',
              at,
              user_id: userId,
              document_type: 'count',
              document_number: count.number,
              from_location_id: s.location_id,
              to_location_id: s.location_id,
              from_status: s.status,
              to_status: 'missing',
              data: null,
            });
            counts.move(
              s.item_id,
              { locationId: s.location_id, status: s.status },
              { locationId: s.location_id, status: 'missing' },
            );
          }
          const changed = await countsRepository.setStatus(tx, ids, CAN_GO_MISSING, {
            status: 'missing',
            ...doc,
          });
          if (changed !== ids.length) {
            throw conflict('CONCURRENT_UPDATE', 'Serials changed while the count was reconciled. Try again.');
          }
          result.markedMissing = ids.length;
        }

        // 3. Missing units found: back In Stock where they were found.
        if (choices.foundMissing === 'mark_found') {
          const byLocation = new Map<number, number[]>();
          for (const e of entries) {
            if (e.serial_id === null || !FOUND_RESULTS.includes(e.result)) continue;
            if (e.now_status !== 'missing' || e.now_void_key !== 0) {
              if (e.result === 'missing') {
                skip(
                  e.serial_number,
                  e.sku,
                  'not_missing',
                  `${e.serial_number} is ${statusLabel(e.now_void_key ? 'voided' : (e.now_status ?? ''))} now, no longer Missing.`,
                );
              }
              continue;
            }
            const list = byLocation.get(e.location_id) ?? [];
            list.push(e.serial_id);
            byLocation.set(e.location_id, list);
            statusAfter.set(e.serial_id, 'in_stock');
            events.push({
              serial_id: e.serial_id,
              item_id: e.item_id!,
              kind: 'found',
              at,
              user_id: userId,
              document_type: 'count',
              document_number: count.number,
              from_location_id: e.now_location_id,
              to_location_id: e.location_id,
              from_status: 'missing',
              to_status: 'in_stock',
              data: null,
            });
            counts.move(
              e.item_id!,
              { locationId: e.now_location_id!, status: 'missing' },
              { locationId: e.location_id, status: 'in_stock' },
            );
          }
          for (const [locationId, ids] of byLocation) {
            const changed = await countsRepository.setStatus(tx, ids, ['missing'], {
              status: 'in_stock',
              locationId,
              ...doc,
            });
            if (changed !== ids.length) {
              throw conflict(
                'CONCURRENT_UPDATE',
                'Serials changed while the count was reconciled. Try again.',
              );
            }
            result.markedFound += ids.length;
          }
        }
        await serialsRepository.insertEvents(tx, events);
        await counts.apply(tx);

        // 4. Unknown serials added to the chosen items, where they were found.
        const addedAt = new Map<string, number>(); // item|location → units added
        const byItem = new Map<number, typeof additions>();
        for (const a of additions) byItem.set(a.itemId, [...(byItem.get(a.itemId) ?? []), a]);
        for (const [itemId, list] of [...byItem].sort((a, b) => a[0] - b[0])) {
          const taken = await serialsRepository.existingNumbers(
            tx,
            itemId,
            list.map((a) => a.serialNumber),
          );
          const fresh = list.filter((a) => {
            if (!taken.has(a.serialNumber)) return true;
            skip(
              a.serialNumber,
              a.sku,
              'exists_now',
              `${a.sku} has a serial ${a.serialNumber} by now; not added again.`,
            );
            return false;
          });
          if (fresh.length === 0) continue;
          const ids = await createSerialsInTx(tx, {
            itemId,
            entries: fresh.map((a) => ({
              serialNumber: a.serialNumber,
              locationId: a.locationId,
              conditionNotes: '',
            })),
            source: { type: 'count', number: count.number },
            userId,
            at,
            dateReceived: todayIso(),
          });
          await countsRepository.setUsedOn(tx, ids, 'count', count.number);
          for (const a of fresh) {
            const key = `${a.itemId}|${a.locationId}`;
            addedAt.set(key, (addedAt.get(key) ?? 0) + 1);
          }
          result.added += fresh.length;
        }

        // 5. Quantity on hand set to the units counted, per item and location, by stock adjustments.
        if (choices.quantity === 'set_to_counted') {
          const counted = new Map<string, number>(addedAt);
          for (const e of entries) {
            if (e.serial_id === null || e.item_id === null || !FOUND_RESULTS.includes(e.result)) continue;
            if (scope !== null && !scope.has(e.item_id)) continue;
            const now = statusAfter.get(e.serial_id) ?? (e.now_void_key ? 'voided' : e.now_status);
            if (now === null || !present.has(now)) continue;
            const key = `${e.item_id}|${e.location_id}`;
            counted.set(key, (counted.get(key) ?? 0) + 1);
          }
          const onHand = new Map<string, { qty: number; sku: string }>();
          for (const q of await countsRepository.stockLevels(tx, countId)) {
            if (!itemIds.has(q.item_id)) continue;
            onHand.set(`${q.item_id}|${q.location_id}`, { qty: q.quantity, sku: q.sku });
          }
          const skus = new Map(
            (await itemsRepository.findManyByIds(tx, lockedItems)).map((i) => [i.id, i.sku]),
          );
          const codes = new Map(count.locations.map((l) => [l.id, l.code]));
          const changes = [...new Set([...counted.keys(), ...onHand.keys()])]
            .map((key) => {
              const [itemId, locationId] = key.split('|').map(Number) as [number, number];
              return { itemId, locationId, delta: (counted.get(key) ?? 0) - (onHand.get(key)?.qty ?? 0) };
            })
            .filter((c) => c.delta !== 0)
            .sort((a, b) => a.itemId - b.itemId || a.locationId - b.locationId);
          const numbers = await takeNumbers(tx, 'stock_adjustment', 'ADJ-', changes.length);
          for (const [k, c] of changes.entries()) {
            const number = numbers[k]!;
            await stockRepository.addQuantity(tx, c.itemId, c.locationId, c.delta);
            await stockRepository.insertAdjustment(tx, {
              number,
              itemId: c.itemId,
              locationId: c.locationId,
              delta: c.delta,
              reason: `Count ${count.number}: quantity set to the ${(counted.get(`${c.itemId}|${c.locationId}`) ?? 0).toLocaleString('en-US')} counted`,
              userId,
              at,
            });
            result.adjustments.push({
              number,
              sku: skus.get(c.itemId) ?? String(c.itemId),
              locationCode: codes.get(c.locationId) ?? String(c.locationId),
              delta: c.delta,
            });
          }
        }
        result.skippedTotal = skippedTotal;
        await countsRepository.close(tx, countId, { userId, at, result: JSON.stringify(result) });
      });
      return loadCount(db, countId);
    },

    /** A Missing unit found outside a count (the lookup, the Serial Detail): back In Stock at a location. */
    async markFound(principal: Principal, serialId: number, input: { locationId: number }) {
      return inTransaction(db, async (tx) => {
        const serial = await serialsRepository.findById(tx, serialId);
        if (!serial) throw notFound('Serial', serialId);
        const location = await requireActiveLocation(tx, input.locationId);
        await lockItems(tx, [serial.item_id]);
        await lockSerials(tx, [serialId]);
        const now = await serialsRepository.findById(tx, serialId);
        if (now?.status !== 'missing') {
          throw conflict(
            'NOT_MISSING',
            `${serial.serial_number} is ${statusLabel(now?.status ?? serial.status)}, not Missing: nothing to mark found.`,
          );
        }
        const at = nowIso();
        const changed = await countsRepository.setStatus(tx, [serialId], ['missing'], {
          status: 'in_stock',
          locationId: location.id,
          documentType: now.last_document_type,
          documentNumber: now.last_document_number,
          at,
          userId: principal.userId,
        });
        if (changed !== 1)
          throw conflict('STALE_SERIAL', 'The serial changed at the same time. Reload and try again.');
        await serialsRepository.insertEvents(tx, [
          {
            serial_id: serialId,
            item_id: now.item_id,
            kind: 'found',
            at,
            user_id: principal.userId,
            document_type: null,
            document_number: null,
            from_location_id: now.location_id,
            to_location_id: location.id,
            from_status: 'missing',
            to_status: 'in_stock',
            data: null,
          },
        ]);
        await new CountDeltas()
          .move(
            now.item_id,
            { locationId: now.location_id, status: 'missing' },
            { locationId: location.id, status: 'in_stock' },
          )
          .apply(tx);
        return {
          id: serialId,
          status: 'in_stock' as const,
          locationId: location.id,
          locationCode: location.code,
        };
      });
    },
  };
}

export type CountReconcileService = ReturnType<typeof createCountReconcileService>;
