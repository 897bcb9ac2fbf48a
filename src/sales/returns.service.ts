import type { Db } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { lockItems, lockSerials } from '../db/lock-order.js';
import type { NewSerialEventRow } from '../db/schema.js';
import type { Principal } from '../auth/auth.service.js';
import { conflict, invalid, notFound, type FieldError } from '../shared/errors.js';
import { nowIso } from '../shared/time.js';
import { nextDocumentNumber } from '../shared/document-numbers.js';
import { requireActiveLocation } from '../locations/locations.service.js';
import { stockRepository } from '../stock/stock.repository.js';
import { serialsRepository } from '../serials/serials.repository.js';
import { CountDeltas } from '../serials/serial-ledger.js';
import { statusLabel } from '../serials/serial-status.js';
import { removeUpTo } from '../stock/stock-moves.js';
import { salesRepository } from './sales.repository.js';
import {
  DISPOSITION_EFFECT,
  isAwaitingDisposition,
  returnSerialViews,
  type ReturnDisposition,
} from './return-views.js';

export function createReturnsService(db: Db) {
  const service = {
    /**
     * Takes serials back against a completed sale: only a unit sold on that sale, to that customer, can
     * come back. It becomes Returned at the chosen location with condition notes and the quantity rises;
     * its disposition (Restock, Damaged, Scrapped) follows on the same return: see dispose.
     */
    async create(
      principal: Principal,
      input: {
        saleId: number;
        locationId: number;
        notes?: string | undefined;
        serials: { serialId: number; conditionNotes?: string | undefined }[];
      },
    ) {
      const sale = await salesRepository.findSale(db, input.saleId);
      if (!sale) throw notFound('Sale', input.saleId);
      if (sale.status !== 'completed') {
        throw conflict(
          'SALE_NOT_COMPLETED',
          `Sale ${sale.number} is ${sale.status}; only a completed sale can take returns.`,
        );
      }
      const location = await requireActiveLocation(db, input.locationId);
      const onSale = new Map((await salesRepository.lineSerials(db, sale.id)).map((s) => [s.id, s]));
      const errors: FieldError[] = [];
      if (input.serials.length === 0)
        errors.push({ field: 'serials', code: 'empty', message: 'Choose the serials that come back.' });
      const seen = new Set<number>();
      for (const entry of input.serials) {
        const s = onSale.get(entry.serialId);
        if (!s) {
          errors.push({
            field: String(entry.serialId),
            code: 'not_on_sale',
            message: `Serial ${entry.serialId} was not sold on ${sale.number}.`,
          });
        } else if (seen.has(s.id)) {
          errors.push({
            field: s.serial_number,
            code: 'duplicate_in_entry',
            message: `${s.serial_number} is entered more than once.`,
          });
        } else if (s.status !== 'sold' || s.customer_id !== sale.customer_id) {
          errors.push({
            field: s.serial_number,
            code: 'not_sold',
            message: `${s.serial_number} is ${statusLabel(s.status)}, not Sold to ${sale.customer_name}.`,
          });
        } else if (s.last_document_type !== 'sale' || s.last_document_number !== sale.number) {
          // Returned, restocked and sold again since: it comes back against the sale it is out on now.
          errors.push({
            field: s.serial_number,
            code: 'not_sold',
            message: `${s.serial_number} was sold again after ${sale.number} (${s.last_document_number ?? 'another document'}); return it against that sale.`,
          });
        }
        seen.add(entry.serialId);
      }
      if (errors.length > 0)
        throw invalid('RETURN_REJECTED', `Nothing was returned: ${errors.length} problem(s).`, errors);

      const id = await inTransaction(db, async (tx) => {
        const number = await nextDocumentNumber(tx, 'customer_return', 'RT-');
        await lockItems(
          tx,
          input.serials.map((e) => onSale.get(e.serialId)!.item_id),
        );
        await lockSerials(
          tx,
          input.serials.map((e) => e.serialId),
        );
        const at = nowIso();
        const lines = input.serials.map((e) => ({
          serialId: e.serialId,
          conditionNotes: e.conditionNotes?.trim() ?? '',
        }));
        const returnId = await salesRepository.insertReturn(
          tx,
          {
            number,
            saleId: sale.id,
            locationId: location.id,
            at,
            userId: principal.userId,
            notes: input.notes?.trim() ?? '',
          },
          lines,
        );
        const events: NewSerialEventRow[] = [];
        const counts = new CountDeltas();
        const perItem = new Map<number, number>();
        for (const line of lines) {
          const s = onSale.get(line.serialId)!;
          const changed = await serialsRepository.updateManyInStatus(tx, [s.id], 'sold', {
            status: 'returned',
            location_id: location.id,
            ...(line.conditionNotes && { condition_notes: line.conditionNotes }),
            last_document_type: 'return',
            last_document_number: number,
            updated_at: at,
            updated_by: principal.userId,
          });
          if (changed !== 1) {
            throw conflict(
              'SERIAL_NOT_AVAILABLE',
              `${s.serial_number} was changed by someone else at the same moment. Reload and try again.`,
            );
          }
          events.push({
            serial_id: s.id,
            item_id: s.item_id,
            kind: 'returned',
            at,
            user_id: principal.userId,
            document_type: 'return',
            document_number: number,
            from_location_id: s.location_id,
            to_location_id: location.id,
            from_status: 'sold',
            to_status: 'returned',
            customer_id: sale.customer_id,
            data: line.conditionNotes ? JSON.stringify({ conditionNotes: line.conditionNotes }) : null,
          });
          counts.move(
            s.item_id,
            { locationId: s.location_id, status: 'sold' },
            { locationId: location.id, status: 'returned' },
          );
          perItem.set(s.item_id, (perItem.get(s.item_id) ?? 0) + 1);
        }
        // Stock before serial counts, the order sales and receipts use, so they cannot deadlock.
        for (const [itemId, n] of [...perItem].sort((a, b) => a[0] - b[0])) {
          await stockRepository.addQuantity(tx, itemId, location.id, n);
        }
        await serialsRepository.insertEvents(tx, events);
        await counts.apply(tx);
        return returnId;
      });
      return service.get(id);
    },

    /**
     * Decides what becomes of units still Returned on this return, all or nothing: Restock puts the unit
     * back In Stock for a new sale, Damaged keeps it on the shelf apart, Scrapped writes it off. Each clears
     * the customer and the warranty (the history keeps the sale; the next sale starts a new warranty).
     * Scrapping also lowers the quantity on hand: the return raised it for a unit that is now thrown away.
     */
    async dispose(
      principal: Principal,
      returnId: number,
      input: { serials: { serialId: number; disposition: ReturnDisposition; note?: string | undefined }[] },
    ) {
      const r = await salesRepository.findReturn(db, returnId);
      if (!r) throw notFound('Return', returnId);
      // Read and checked inside the transaction; each update is conditional on the version read here, so a
      // concurrent transfer or edit of the unit makes this answer 409 rather than write from stale values.
      await inTransaction(db, async (tx) => {
        const onReturn = new Map((await salesRepository.returnLines(tx, [r.id])).map((s) => [s.id, s]));
        const errors: FieldError[] = [];
        if (input.serials.length === 0)
          errors.push({
            field: 'serials',
            code: 'empty',
            message: 'Choose the returned serials to dispose of.',
          });
        const seen = new Set<number>();
        for (const entry of input.serials) {
          const s = onReturn.get(entry.serialId);
          if (!s) {
            errors.push({
              field: String(entry.serialId),
              code: 'not_on_return',
              message: `Serial ${entry.serialId} did not come back on ${r.number}.`,
            });
          } else if (seen.has(s.id)) {
            errors.push({
              field: s.serial_number,
              code: 'duplicate_in_entry',
              message: `${s.serial_number} is entered more than once.`,
            });
          } else if (!isAwaitingDisposition(s, r.id)) {
            errors.push({
              field: s.serial_number,
              code: 'not_returned',
              message:
                s.status === 'returned'
                  ? `${s.serial_number} came back again on a later return; dispose of it there.`
                  : `${s.serial_number} is ${statusLabel(s.status)} already; only a Returned unit gets a disposition.`,
            });
          }
          seen.add(entry.serialId);
        }
        if (errors.length > 0)
          throw invalid('DISPOSITION_REJECTED', `Nothing was changed: ${errors.length} problem(s).`, errors);

        await lockItems(
          tx,
          input.serials.map((e) => onReturn.get(e.serialId)!.item_id),
        );
        await lockSerials(
          tx,
          input.serials.map((e) => e.serialId),
        );
        const at = nowIso();
        const events: NewSerialEventRow[] = [];
        const counts = new CountDeltas();
        const scrapped = new Map<string, { itemId: number; locationId: number; n: number }>();
        for (const entry of input.serials) {
          const s = onReturn.get(entry.serialId)!;
          const effect = DISPOSITION_EFFECT[entry.disposition];
          const changed = await salesRepository.updateReturnedSerial(tx, s.id, s.version, {
            status: effect.status,
            customer_id: null,
            warranty_end_date: null,
            // The disposition is the latest document to use the unit (a transfer may have come between).
            last_document_type: 'return',
            last_document_number: r.number,
            updated_at: at,
            updated_by: principal.userId,
          });
          if (!changed) {
            throw conflict(
              'SERIAL_NOT_AVAILABLE',
              `${s.serial_number} was changed by someone else at the same moment. Reload and try again.`,
            );
          }
          const note = entry.note?.trim();
          events.push({
            serial_id: s.id,
            item_id: s.item_id,
            kind: effect.kind,
            at,
            user_id: principal.userId,
            document_type: 'return',
            document_number: r.number,
            from_location_id: s.location_id,
            to_location_id: s.location_id,
            from_status: 'returned',
            to_status: effect.status,
            data: JSON.stringify({
              ...(note && { note }),
              previousCustomerId: s.customer_id,
              previousWarrantyEndDate: s.warranty_end_date,
            }),
          });
          counts.move(
            s.item_id,
            { locationId: s.location_id, status: 'returned' },
            { locationId: s.location_id, status: effect.status },
          );
          if (entry.disposition === 'scrapped') {
            const key = `${s.item_id}|${s.location_id}`;
            const m = scrapped.get(key) ?? { itemId: s.item_id, locationId: s.location_id, n: 0 };
            m.n += 1;
            scrapped.set(key, m);
          }
        }
        // Stock before serial counts, in one (item, location) order, as sales and returns do.
        const moves = [...scrapped.values()].sort(
          (a, b) => a.itemId - b.itemId || a.locationId - b.locationId,
        );
        for (const m of moves) await removeUpTo(tx, m.itemId, m.locationId, m.n);
        await serialsRepository.insertEvents(tx, events);
        await counts.apply(tx);
      });
      return service.get(r.id);
    },

    async get(id: number) {
      const r = await salesRepository.findReturn(db, id);
      if (!r) throw notFound('Return', id);
      const serials = await returnSerialViews(db, [r]);
      return {
        id: r.id,
        number: r.number,
        saleId: r.sale_id,
        saleNumber: r.sale_number,
        customerName: r.customer_name,
        locationId: r.location_id,
        locationCode: r.location_code,
        at: r.at,
        username: r.username,
        notes: r.notes,
        serials: serials.get(r.id) ?? [],
      };
    },
  };
  return service;
}

export type ReturnsService = ReturnType<typeof createReturnsService>;
