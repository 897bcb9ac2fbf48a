import type { Db, Executor } from '../db/database.js';
import type { NewSerialEventRow } from '../db/schema.js';
import type { Principal } from '../auth/auth.service.js';
import { conflict, invalid, notFound, type FieldError } from '../shared/errors.js';
import { nowIso, todayIso } from '../shared/time.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { nextDocumentNumber } from '../shared/document-numbers.js';
import { partnersRepository } from '../partners/partners.repository.js';
import { itemsRepository } from '../items/items.repository.js';
import { locationsRepository } from '../locations/locations.repository.js';
import { stockRepository } from '../stock/stock.repository.js';
import { removeUpTo } from '../stock/stock-moves.js';
import { serialsRepository } from '../serials/serials.repository.js';
import { CountDeltas } from '../serials/serial-ledger.js';
import { normalizeSerialNumber } from '../serials/serial-numbers.js';
import { statusLabel } from '../serials/serial-status.js';
import { addMonths } from '../serials/warranty.js';
import { salesRepository } from './sales.repository.js';
import { returnSerialViews } from './return-views.js';

export interface SaleLineInput {
  itemId: number;
  /** Serialized items: the units sold, by id or by serial number. */
  serialIds?: number[] | undefined;
  serialNumbers?: string[] | undefined;
  /** Items without serials: how many, from which location. */
  quantity?: number | undefined;
  locationId?: number | undefined;
  unitPrice?: number | undefined;
}

export const SALE_STATUSES = ['open', 'completed', 'cancelled'] as const;

const stale = (what: string) =>
  conflict(
    'SERIAL_NOT_AVAILABLE',
    `${what} was taken by another sale or changed at the same moment. Reload and try again.`,
  );

export function createSalesService(db: Db) {
  /** Resolves every line's serials and checks them, reporting every problem at once. */
  async function prepareLines(lines: SaleLineInput[]) {
    const errors: FieldError[] = [];
    const prepared: {
      input: SaleLineInput;
      item: NonNullable<Awaited<ReturnType<typeof itemsRepository.findById>>>;
      serialIds: number[];
    }[] = [];
    const seen = new Set<number>();
    for (const [i, line] of lines.entries()) {
      const lf = `lines[${i}]`;
      const item = await itemsRepository.findById(db, line.itemId);
      if (!item) {
        errors.push({
          field: `${lf}.itemId`,
          code: 'unknown_item',
          message: `Line ${i + 1}: item ${line.itemId} does not exist.`,
        });
        continue;
      }
      if (item.track_serials !== 1) {
        if (!line.quantity || line.quantity < 1 || !line.locationId) {
          errors.push({
            field: lf,
            code: 'quantity_required',
            message: `Line ${i + 1} (${item.sku}): give a quantity and the location it leaves from.`,
          });
        } else {
          const loc = await locationsRepository.findById(db, line.locationId);
          if (!loc)
            errors.push({
              field: `${lf}.locationId`,
              code: 'unknown_location',
              message: `Location ${line.locationId} does not exist.`,
            });
        }
        prepared.push({ input: line, item, serialIds: [] });
        continue;
      }
      const byId = line.serialIds?.length ? await serialsRepository.findManyByIds(db, line.serialIds) : [];
      const numbers = (line.serialNumbers ?? []).map(normalizeSerialNumber);
      const byNumber = await serialsRepository.findByNumbers(db, item.id, numbers);
      const found = new Map(byNumber.map((s) => [s.serial_number, s]));
      for (const n of numbers) {
        if (!found.has(n))
          errors.push({
            field: n || `${lf}.serialNumbers`,
            code: 'not_found',
            message: `Serial "${n}" does not exist for ${item.sku}.`,
          });
      }
      for (const id of line.serialIds ?? []) {
        if (!byId.some((s) => s.id === id))
          errors.push({ field: String(id), code: 'not_found', message: `Serial ${id} does not exist.` });
      }
      // One entry per serial as entered (the lookups return each row once), so a unit scanned twice is
      // caught as duplicate_in_entry below instead of silently counted once.
      const serials = [
        ...(line.serialIds ?? []).flatMap((id) => byId.filter((s) => s.id === id)),
        ...numbers.flatMap((n) => (found.has(n) ? [found.get(n)!] : [])),
      ];
      if (serials.length === 0 && !line.serialIds?.length && numbers.length === 0) {
        errors.push({
          field: lf,
          code: 'no_serials',
          message: `Line ${i + 1} (${item.sku}): scan or pick the serial of every unit sold.`,
        });
      }
      const entered = (line.serialIds?.length ?? 0) + numbers.length;
      if (line.quantity !== undefined && entered > 0 && line.quantity !== entered) {
        errors.push({
          field: `${lf}.quantity`,
          code: 'quantity_mismatch',
          message: `Line ${i + 1} (${item.sku}): ${line.quantity} unit(s) but ${entered} serial(s) entered; one serial per unit sold.`,
        });
      }
      for (const s of serials) {
        if (s.item_id !== item.id) {
          errors.push({
            field: s.serial_number,
            code: 'wrong_item',
            message: `${s.serial_number} is not a serial of ${item.sku}.`,
          });
        } else if (seen.has(s.id)) {
          errors.push({
            field: s.serial_number,
            code: 'duplicate_in_entry',
            message: `${s.serial_number} is entered more than once.`,
          });
        } else if (s.status !== 'in_stock') {
          errors.push({
            field: s.serial_number,
            code: 'not_available',
            message: `${s.serial_number} is ${statusLabel(s.status)}, not In Stock, and cannot be sold.`,
          });
        }
        seen.add(s.id);
      }
      prepared.push({ input: line, item, serialIds: serials.map((s) => s.id) });
    }
    return { errors, prepared };
  }

  /** Reserved → Sold with customer, warranty, Used On, and quantity on hand lowered; inside `tx`. */
  async function completeInTx(tx: Executor, principal: Principal, saleId: number) {
    const sale = await salesRepository.findSale(tx, saleId);
    if (!sale) throw notFound('Sale', saleId);
    const at = nowIso();
    const saleDate = todayIso();
    if (!(await salesRepository.setStatusIf(tx, saleId, 'open', 'completed', at, saleDate))) {
      throw conflict(
        'SALE_NOT_OPEN',
        `Sale ${sale.number} is ${sale.status}; only an open sale can be completed.`,
      );
    }
    const lines = await salesRepository.lines(tx, saleId);
    const serials = await salesRepository.lineSerials(tx, saleId);
    const counts = new CountDeltas();
    const events: NewSerialEventRow[] = [];
    // Quantity changes are applied after the loop in one (item, location) order, so two sales completed
    // at the same moment wait for each other instead of deadlocking on stock rows.
    const stockMoves: { itemId: number; locationId: number; n: number; plain?: (typeof lines)[number] }[] =
      [];
    for (const line of lines) {
      const lineSerials = serials.filter((s) => s.sale_line_id === line.id);
      if (line.track_serials !== 1 || lineSerials.length === 0) {
        if (line.location_id === null) continue;
        stockMoves.push({
          itemId: line.item_id,
          locationId: line.location_id,
          n: line.quantity,
          plain: line,
        });
        continue;
      }
      const warrantyEnd = line.warranty_months > 0 ? addMonths(saleDate, line.warranty_months) : null;
      const changed = await serialsRepository.updateManyInStatus(
        tx,
        lineSerials.map((s) => s.id),
        'reserved',
        {
          status: 'sold',
          customer_id: sale.customer_id,
          warranty_end_date: warrantyEnd,
          last_document_type: 'sale',
          last_document_number: sale.number,
          updated_at: at,
          updated_by: principal.userId,
        },
      );
      if (changed !== lineSerials.length) throw stale(`A serial of sale ${sale.number}`);
      const perLocation = new Map<number, number>();
      for (const s of lineSerials) {
        events.push({
          serial_id: s.id,
          item_id: s.item_id,
          kind: 'sold',
          at,
          user_id: principal.userId,
          document_type: 'sale',
          document_number: sale.number,
          from_location_id: s.location_id,
          to_location_id: s.location_id,
          from_status: 'reserved',
          to_status: 'sold',
          customer_id: sale.customer_id,
          data: JSON.stringify({ warrantyEndDate: warrantyEnd }),
        });
        counts.move(
          s.item_id,
          { locationId: s.location_id, status: 'reserved' },
          { locationId: s.location_id, status: 'sold' },
        );
        perLocation.set(s.location_id, (perLocation.get(s.location_id) ?? 0) + 1);
      }
      for (const [locationId, n] of perLocation) stockMoves.push({ itemId: line.item_id, locationId, n });
    }
    stockMoves.sort((a, b) => a.itemId - b.itemId || a.locationId - b.locationId);
    for (const move of stockMoves) {
      const line = move.plain;
      if (!line) {
        await removeUpTo(tx, move.itemId, move.locationId, move.n);
        continue;
      }
      const left = await stockRepository.addQuantity(tx, move.itemId, move.locationId, -move.n);
      if (left < 0) {
        throw invalid(
          'INSUFFICIENT_STOCK',
          `Line ${line.line_no} (${line.sku}): only ${left + line.quantity} on hand at that location; ${line.quantity} needed.`,
        );
      }
    }
    await serialsRepository.insertEvents(tx, events);
    await counts.apply(tx);
  }

  const service = {
    /**
     * Creates a sale. Its serials are Reserved at once, so two sales cannot take the same unit; with
     * `complete` the sale is completed in the same transaction.
     */
    async create(
      principal: Principal,
      input: {
        customerId: number;
        notes?: string | undefined;
        lines: SaleLineInput[];
        complete?: boolean | undefined;
      },
    ) {
      const errors: FieldError[] = [];
      if (!(await partnersRepository.findById(db, 'customers', input.customerId))) {
        errors.push({
          field: 'customerId',
          code: 'unknown_customer',
          message: `Customer ${input.customerId} does not exist.`,
        });
      }
      if (input.lines.length === 0)
        errors.push({ field: 'lines', code: 'empty', message: 'Add at least one line.' });
      const { errors: lineErrors, prepared } = await prepareLines(input.lines);
      errors.push(...lineErrors);
      if (errors.length > 0)
        throw invalid('SALE_REJECTED', `The sale was not saved: ${errors.length} problem(s).`, errors);
      const id = await db.transaction().execute(async (tx) => {
        const number = await nextDocumentNumber(tx, 'sale', 'S-');
        const at = nowIso();
        const saleId = await salesRepository.insertSale(tx, {
          number,
          customerId: input.customerId,
          notes: input.notes?.trim() ?? '',
          at,
          userId: principal.userId,
        });
        const events: NewSerialEventRow[] = [];
        const counts = new CountDeltas();
        for (const [i, p] of prepared.entries()) {
          await salesRepository.insertLine(
            tx,
            {
              saleId,
              lineNo: i + 1,
              itemId: p.item.id,
              quantity: p.serialIds.length || (p.input.quantity ?? 0),
              locationId: p.serialIds.length ? null : (p.input.locationId ?? null),
              unitPriceCents: Math.round((p.input.unitPrice ?? 0) * 100),
            },
            p.serialIds,
          );
          if (p.serialIds.length === 0) continue;
          const changed = await serialsRepository.updateManyInStatus(tx, p.serialIds, 'in_stock', {
            status: 'reserved',
            last_document_type: 'sale',
            last_document_number: number,
            updated_at: at,
            updated_by: principal.userId,
          });
          if (changed !== p.serialIds.length) throw stale(`A serial of ${p.item.sku}`);
          for (const s of await serialsRepository.findManyByIds(tx, p.serialIds)) {
            events.push({
              serial_id: s.id,
              item_id: s.item_id,
              kind: 'reserved',
              at,
              user_id: principal.userId,
              document_type: 'sale',
              document_number: number,
              from_location_id: s.location_id,
              to_location_id: s.location_id,
              from_status: 'in_stock',
              to_status: 'reserved',
              customer_id: input.customerId,
            });
            counts.move(
              s.item_id,
              { locationId: s.location_id, status: 'in_stock' },
              { locationId: s.location_id, status: 'reserved' },
            );
          }
        }
        await serialsRepository.insertEvents(tx, events);
        await counts.apply(tx);
        if (input.complete) await completeInTx(tx, principal, saleId);
        return saleId;
      });
      return service.get(id);
    },

    async complete(principal: Principal, saleId: number) {
      await db.transaction().execute((tx) => completeInTx(tx, principal, saleId));
      return service.get(saleId);
    },

    /** Cancels an open sale: its Reserved serials go back In Stock. */
    async cancel(principal: Principal, saleId: number) {
      await db.transaction().execute(async (tx) => {
        const sale = await salesRepository.findSale(tx, saleId);
        if (!sale) throw notFound('Sale', saleId);
        const at = nowIso();
        if (!(await salesRepository.setStatusIf(tx, saleId, 'open', 'cancelled', at))) {
          throw conflict(
            'SALE_NOT_OPEN',
            `Sale ${sale.number} is ${sale.status}; only an open sale can be cancelled.`,
          );
        }
        const serials = await salesRepository.lineSerials(tx, saleId);
        if (serials.length === 0) return;
        const changed = await serialsRepository.updateManyInStatus(
          tx,
          serials.map((s) => s.id),
          'reserved',
          {
            status: 'in_stock',
            updated_at: at,
            updated_by: principal.userId,
          },
        );
        if (changed !== serials.length) throw stale(`A serial of sale ${sale.number}`);
        const counts = new CountDeltas();
        await serialsRepository.insertEvents(
          tx,
          serials.map((s) => {
            counts.move(
              s.item_id,
              { locationId: s.location_id, status: 'reserved' },
              { locationId: s.location_id, status: 'in_stock' },
            );
            return {
              serial_id: s.id,
              item_id: s.item_id,
              kind: 'released',
              at,
              user_id: principal.userId,
              document_type: 'sale',
              document_number: sale.number,
              from_location_id: s.location_id,
              to_location_id: s.location_id,
              from_status: 'reserved',
              to_status: 'in_stock',
              data: JSON.stringify({ note: 'Sale cancelled' }),
            };
          }),
        );
        await counts.apply(tx);
      });
      return service.get(saleId);
    },

    async get(id: number) {
      const sale = await salesRepository.findSale(db, id);
      if (!sale) throw notFound('Sale', id);
      const [lines, serials, returns] = await Promise.all([
        salesRepository.lines(db, id),
        salesRepository.lineSerials(db, id),
        salesRepository.returnsOfSale(db, id),
      ]);
      const returnSerials = await returnSerialViews(db, returns);
      return {
        id: sale.id,
        number: sale.number,
        customerId: sale.customer_id,
        customerName: sale.customer_name,
        status: sale.status as (typeof SALE_STATUSES)[number],
        saleDate: sale.sale_date,
        notes: sale.notes,
        createdAt: sale.created_at,
        lines: lines.map((l) => ({
          id: l.id,
          lineNo: l.line_no,
          itemId: l.item_id,
          itemSku: l.sku,
          itemName: l.item_name,
          quantity: l.quantity,
          locationId: l.location_id,
          unitPrice: l.unit_price_cents / 100,
          serials: serials
            .filter((s) => s.sale_line_id === l.id)
            .map((s) => ({ id: s.id, serialNumber: s.serial_number, status: s.status })),
        })),
        returns: returns.map((r) => ({
          id: r.id,
          number: r.number,
          locationId: r.location_id,
          locationCode: r.location_code,
          at: r.at,
          username: r.username,
          notes: r.notes,
          serials: returnSerials.get(r.id) ?? [],
        })),
      };
    },

    async list(q: { status?: string | undefined; cursor?: string | undefined; limit: number }) {
      const before = q.cursor ? Number(decodeCursor(q.cursor, 1)[0]) : undefined;
      const rows = await salesRepository.listSales(db, {
        status: q.status,
        beforeId: before,
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return {
        sales: page.map((s) => ({
          id: s.id,
          number: s.number,
          customerId: s.customer_id,
          customerName: s.customer_name,
          status: s.status as (typeof SALE_STATUSES)[number],
          saleDate: s.sale_date,
          notes: s.notes,
          createdAt: s.created_at,
        })),
        nextCursor: rows.length > q.limit ? encodeCursor([page.at(-1)!.id]) : null,
      };
    },
  };
  return service;
}

export type SalesService = ReturnType<typeof createSalesService>;
