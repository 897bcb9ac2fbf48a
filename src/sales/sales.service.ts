import type { Db } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { lockItems, lockSerials } from '../db/lock-order.js';
import type { NewSerialEventRow } from '../db/schema.js';
import type { Principal } from '../auth/auth.service.js';
import { conflict, invalid, notFound, type FieldError } from '../shared/errors.js';
import { nowIso } from '../shared/time.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { nextDocumentNumber } from '../shared/document-numbers.js';
import { partnersRepository } from '../partners/partners.repository.js';
import { serialsRepository } from '../serials/serials.repository.js';
import { CountDeltas } from '../serials/serial-ledger.js';
import { salesRepository } from './sales.repository.js';
import { returnSerialViews } from './return-views.js';
import { prepareSaleLines, type SaleLineInput } from './sale-lines.js';
import { completeSaleInTx, serialTakenMeanwhile } from './sale-completion.js';

export type { SaleLineInput } from './sale-lines.js';

export const SALE_STATUSES = ['open', 'completed', 'cancelled'] as const;

export function createSalesService(db: Db) {
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
      const { errors: lineErrors, prepared } = await prepareSaleLines(db, input.lines);
      errors.push(...lineErrors);
      if (errors.length > 0)
        throw invalid('SALE_REJECTED', `The sale was not saved: ${errors.length} problem(s).`, errors);
      const id = await inTransaction(db, async (tx) => {
        const number = await nextDocumentNumber(tx, 'sale', 'S-');
        await lockItems(
          tx,
          prepared.map((p) => p.item.id),
        );
        await lockSerials(
          tx,
          prepared.flatMap((p) => p.serialIds),
        );
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
          if (changed !== p.serialIds.length) throw serialTakenMeanwhile(`A serial of ${p.item.sku}`);
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
        if (input.complete) await completeSaleInTx(tx, principal, saleId);
        return saleId;
      });
      return service.get(id);
    },

    async complete(principal: Principal, saleId: number) {
      await inTransaction(db, (tx) => completeSaleInTx(tx, principal, saleId));
      return service.get(saleId);
    },

    /** Cancels an open sale: its Reserved serials go back In Stock. */
    async cancel(principal: Principal, saleId: number) {
      await inTransaction(db, async (tx) => {
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
        await lockItems(
          tx,
          serials.map((s) => s.item_id),
        );
        await lockSerials(
          tx,
          serials.map((s) => s.id),
        );
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
        if (changed !== serials.length) throw serialTakenMeanwhile(`A serial of sale ${sale.number}`);
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
