import type { Db } from '../db/database.js';
import type { Principal } from '../auth/auth.service.js';
import { conflict, invalid, notFound, type FieldError } from '../shared/errors.js';
import { nowIso } from '../shared/time.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { nextFreeDocumentNumber } from '../shared/document-numbers.js';
import { isUniqueViolation } from '../shared/db-errors.js';
import { readSettings } from '../settings/settings.service.js';
import { partnersRepository } from '../partners/partners.repository.js';
import { itemsRepository } from '../items/items.repository.js';
import { purchasingRepository } from './purchasing.repository.js';

export const PO_STATUSES = ['draft', 'open', 'partially_received', 'received', 'closed'] as const;
export type PoStatus = (typeof PO_STATUSES)[number];

/** Manual status moves; receiving moves open → partially_received → received by itself. */
const MANUAL_MOVES: Record<PoStatus, PoStatus[]> = {
  draft: ['open', 'closed'],
  open: ['closed'],
  partially_received: ['closed'],
  received: ['closed'],
  closed: [],
};

export interface NewOrderLine {
  itemId: number;
  quantityOrdered: number;
  unitCost?: number | undefined;
}

const toLineRows = (lines: NewOrderLine[]) =>
  lines.map((l) => ({
    itemId: l.itemId,
    quantityOrdered: l.quantityOrdered,
    unitCostCents: Math.round((l.unitCost ?? 0) * 100),
  }));

export function createPurchasingService(db: Db) {
  async function checkLines(lines: NewOrderLine[]): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    if (lines.length === 0) errors.push({ field: 'lines', code: 'empty', message: 'Add at least one line.' });
    for (const [i, line] of lines.entries()) {
      if (!(await itemsRepository.findById(db, line.itemId))) {
        errors.push({
          field: `lines[${i}].itemId`,
          code: 'unknown_item',
          message: `Line ${i + 1}: item ${line.itemId} does not exist.`,
        });
      }
    }
    return errors;
  }

  const service = {
    async create(
      principal: Principal,
      input: {
        supplierId: number;
        notes?: string | undefined;
        status?: 'draft' | 'open' | undefined;
        lines: NewOrderLine[];
      },
    ) {
      const errors: FieldError[] = [];
      if (!(await partnersRepository.findById(db, 'suppliers', input.supplierId))) {
        errors.push({
          field: 'supplierId',
          code: 'unknown_supplier',
          message: `Supplier ${input.supplierId} does not exist.`,
        });
      }
      errors.push(...(await checkLines(input.lines)));
      if (errors.length > 0)
        throw invalid(
          'INVALID_PURCHASE_ORDER',
          'The purchase order was not saved: fix the problems listed.',
          errors,
        );
      const id = await db
        .transaction()
        .execute(async (tx) => {
          const { purchaseOrderPrefix } = await readSettings(tx);
          const number = await nextFreeDocumentNumber(
            tx,
            'purchase_orders',
            `purchase_order:${purchaseOrderPrefix}`,
            purchaseOrderPrefix,
            0,
          );
          const at = nowIso();
          const orderId = await purchasingRepository.insertOrder(tx, {
            number,
            supplierId: input.supplierId,
            status: input.status ?? 'open',
            notes: input.notes?.trim() ?? '',
            at,
            userId: principal.userId,
          });
          await purchasingRepository.insertLines(tx, orderId, toLineRows(input.lines));
          return orderId;
        })
        .catch((err: unknown) => {
          // Only a prefix changed at the same moment can make two series meet on one number.
          if (isUniqueViolation(err))
            throw conflict(
              'PO_NUMBER_TAKEN',
              'Another purchase order took the same number at the same moment. Save it again.',
            );
          throw err;
        });
      return service.get(id);
    },

    async get(id: number) {
      const po = await purchasingRepository.findOrder(db, id);
      if (!po) throw notFound('Purchase order', id);
      const [lines, receiptRows] = await Promise.all([
        purchasingRepository.lines(db, id),
        purchasingRepository.receipts(db, id),
      ]);
      const receipts = new Map<
        number,
        {
          id: number;
          number: string;
          at: string;
          username: string;
          lines: { lineId: number; locationId: number; locationCode: string; quantity: number }[];
        }
      >();
      for (const r of receiptRows) {
        const entry = receipts.get(r.id) ?? {
          id: r.id,
          number: r.number,
          at: r.at,
          username: r.username,
          lines: [],
        };
        entry.lines.push({
          lineId: r.purchase_order_line_id,
          locationId: r.location_id,
          locationCode: r.location_code,
          quantity: r.quantity,
        });
        receipts.set(r.id, entry);
      }
      return {
        id: po.id,
        number: po.number,
        supplierId: po.supplier_id,
        supplierName: po.supplier_name,
        status: po.status as PoStatus,
        notes: po.notes,
        createdAt: po.created_at,
        updatedAt: po.updated_at,
        lines: lines.map((l) => ({
          id: l.id,
          lineNo: l.line_no,
          itemId: l.item_id,
          itemSku: l.sku,
          itemName: l.item_name,
          trackSerials: l.track_serials === 1,
          quantityOrdered: l.quantity_ordered,
          quantityReceived: l.quantity_received,
          unitCost: l.unit_cost_cents / 100,
        })),
        receipts: [...receipts.values()],
      };
    },

    async list(q: {
      status?: string | undefined;
      supplierId?: number | undefined;
      cursor?: string | undefined;
      limit: number;
    }) {
      const before = q.cursor ? Number(decodeCursor(q.cursor, 1)[0]) : undefined;
      const rows = await purchasingRepository.listOrders(db, {
        status: q.status,
        supplierId: q.supplierId,
        beforeId: before,
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return {
        purchaseOrders: page.map((p) => ({
          id: p.id,
          number: p.number,
          supplierId: p.supplier_id,
          supplierName: p.supplier_name,
          status: p.status as PoStatus,
          notes: p.notes,
          createdAt: p.created_at,
          updatedAt: p.updated_at,
        })),
        nextCursor: rows.length > q.limit ? encodeCursor([page.at(-1)!.id]) : null,
      };
    },

    /**
     * Notes can be written at any time; lines (replaced as a whole) only while the order is a Draft, before
     * any move the same request makes (so a draft's lines can be fixed and the order opened in one go).
     */
    async update(
      id: number,
      patch: {
        status?: PoStatus | undefined;
        notes?: string | undefined;
        lines?: NewOrderLine[] | undefined;
      },
    ) {
      if (patch.lines !== undefined) {
        const errors = await checkLines(patch.lines);
        if (errors.length > 0)
          throw invalid(
            'INVALID_PURCHASE_ORDER',
            'The purchase order was not saved: fix the problems listed.',
            errors,
          );
      }
      await db.transaction().execute(async (tx) => {
        const po = await purchasingRepository.findOrder(tx, id);
        if (!po) throw notFound('Purchase order', id);
        const at = nowIso();
        if (patch.lines !== undefined) {
          // Conditional on Draft (and a row lock on PostgreSQL): an order opened meanwhile keeps its lines.
          if (!(await purchasingRepository.lockIfStatus(tx, id, ['draft'], at))) {
            throw conflict(
              'PO_NOT_DRAFT',
              `Purchase order ${po.number} is ${po.status.replace('_', ' ')}; its lines can be changed only while it is a draft.`,
            );
          }
          await purchasingRepository.replaceLines(tx, id, toLineRows(patch.lines));
        }
        if (patch.status !== undefined && patch.status !== po.status) {
          const allowed = MANUAL_MOVES[po.status as PoStatus] ?? [];
          if (!allowed.includes(patch.status)) {
            throw conflict(
              'ILLEGAL_PO_STATUS',
              `Purchase order ${po.number} is ${po.status.replace('_', ' ')} and cannot be set to ${patch.status.replace('_', ' ')}.`,
            );
          }
          // Only from a status the move is legal from: a concurrent close is never undone (a receipt moving
          // open → partially received meanwhile does not stop a close).
          const to = patch.status;
          const from = PO_STATUSES.filter((st) => MANUAL_MOVES[st].includes(to));
          if (!(await purchasingRepository.setStatusIf(tx, id, from, to, at))) {
            throw conflict(
              'ILLEGAL_PO_STATUS',
              `Purchase order ${po.number} was changed by someone else at the same moment. Reload it and try again.`,
            );
          }
        }
        if (patch.notes !== undefined) await purchasingRepository.updateNotes(tx, id, patch.notes.trim(), at);
      });
      return service.get(id);
    },
  };
  return service;
}

export type PurchasingService = ReturnType<typeof createPurchasingService>;
