import type { Db } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { lockItems } from '../db/lock-order.js';
import type { Principal } from '../auth/auth.service.js';
import { conflict, invalid, notFound, type FieldError } from '../shared/errors.js';
import { isUniqueViolation } from '../shared/db-errors.js';
import { businessDateOf, nowIso } from '../shared/time.js';
import { nextDocumentNumber } from '../shared/document-numbers.js';
import { locationsRepository } from '../locations/locations.repository.js';
import { itemsRepository } from '../items/items.repository.js';
import { stockRepository } from '../stock/stock.repository.js';
import { serialsRepository } from '../serials/serials.repository.js';
import { createSerialsInTx } from '../serials/serial-ledger.js';
import { normalizeSerialNumber, checkSerialNumbers } from '../serials/serial-numbers.js';
import { expandSerialPlanInTx, nextPatternSerials } from '../serials/serial-numbering.js';
import {
  expandSerialPlan,
  parseSerialExpression,
  type SerialExpressionPlan,
} from '../serial-expressions/serial-expression.js';
import { purchasingRepository } from './purchasing.repository.js';
import type { PurchasingService } from './purchasing.service.js';

export interface ReceiptAllocation {
  locationId: number;
  quantity: number;
  /** One serial per unit, for a serialized item. */
  serials?: string[] | undefined;
  /** Number the units from the item's serial pattern instead. */
  autoNumber?: boolean | undefined;
  /** Or an expression (README grammar) making one serial per unit; `~` is resolved inside the receipt. */
  serialExpression?: string | undefined;
}

export interface ReceiptLineInput {
  lineId: number;
  allocations: ReceiptAllocation[];
}

const RECEIVABLE = new Set(['open', 'partially_received']);

export function createReceivingService(db: Db, purchasing: PurchasingService) {
  return {
    /**
     * Receives units on a purchase order, split across locations, all or nothing. A serialized line needs
     * exactly one serial per unit (or automatic numbering); every rejected serial gets its own reason.
     * Quantity on hand and the serials (Source = the PO) are written in the same transaction.
     */
    async receive(principal: Principal, orderId: number, input: { lines: ReceiptLineInput[] }) {
      const po = await purchasingRepository.findOrder(db, orderId);
      if (!po) throw notFound('Purchase order', orderId);
      if (!RECEIVABLE.has(po.status)) {
        throw conflict(
          'PO_NOT_RECEIVABLE',
          `Purchase order ${po.number} is ${po.status.replace('_', ' ')}; only open orders can be received.`,
        );
      }
      const poLines = new Map((await purchasingRepository.lines(db, orderId)).map((l) => [l.id, l]));
      const locationIds = [...new Set(input.lines.flatMap((l) => l.allocations.map((a) => a.locationId)))];
      const locations = new Map(
        (await locationsRepository.findManyByIds(db, locationIds)).map((l) => [l.id, l]),
      );
      const errors: FieldError[] = [];
      if (input.lines.length === 0)
        errors.push({ field: 'lines', code: 'empty', message: 'Receive at least one line.' });

      // Serials typed for each item, with where they were typed, to find duplicates across the whole entry.
      const typed = new Map<number, { serial: string; field: string }[]>();
      const seenLines = new Set<number>();
      // Allocations given as an expression: the serials it made, or its plan when `~` waits for the transaction.
      const literal = new Map<ReceiptAllocation, string[]>();
      const plans = new Map<ReceiptAllocation, SerialExpressionPlan>();
      for (const [i, line] of input.lines.entries()) {
        const poLine = poLines.get(line.lineId);
        const lf = `lines[${i}]`;
        if (!poLine) {
          errors.push({
            field: `${lf}.lineId`,
            code: 'unknown_line',
            message: `Line ${line.lineId} is not on purchase order ${po.number}.`,
          });
          continue;
        }
        if (seenLines.has(line.lineId)) {
          errors.push({
            field: `${lf}.lineId`,
            code: 'duplicate_line',
            message: `Line ${poLine.line_no} (${poLine.sku}) is listed twice; split it with allocations instead.`,
          });
        }
        seenLines.add(line.lineId);
        if (line.allocations.length === 0) {
          errors.push({
            field: `${lf}.allocations`,
            code: 'empty',
            message: `Line ${poLine.line_no} (${poLine.sku}): say how many units go where.`,
          });
        }
        const total = line.allocations.reduce((n, a) => n + a.quantity, 0);
        const open = poLine.quantity_ordered - poLine.quantity_received;
        if (total > open) {
          errors.push({
            field: `${lf}.allocations`,
            code: 'over_receipt',
            message: `Line ${poLine.line_no} (${poLine.sku}): receiving ${total} would exceed the ${poLine.quantity_ordered} ordered; ${open} still to receive.`,
          });
        }
        for (const [j, a] of line.allocations.entries()) {
          const af = `${lf}.allocations[${j}]`;
          const loc = locations.get(a.locationId);
          if (!loc || loc.active !== 1) {
            errors.push({
              field: `${af}.locationId`,
              code: 'bad_location',
              message: loc ? `Location ${loc.code} is inactive.` : `Location ${a.locationId} does not exist.`,
            });
          }
          if (poLine.track_serials !== 1) {
            if (a.serials?.length || a.autoNumber) {
              errors.push({
                field: `${af}.serials`,
                code: 'not_serialized',
                message: `${poLine.sku} does not track serials; receive a quantity only.`,
              });
            }
            continue;
          }
          if (
            [a.autoNumber, a.serials?.length, a.serialExpression !== undefined].filter(Boolean).length > 1
          ) {
            errors.push({
              field: `${af}.serials`,
              code: 'serials_and_auto',
              message:
                'Give the serials one way: a list, an expression, or automatic numbering, not two of them.',
            });
            continue;
          }
          if (a.autoNumber) continue;
          let serials = a.serials ?? [];
          if (a.serialExpression !== undefined) {
            const parsed = parseSerialExpression(a.serialExpression, { quantity: a.quantity });
            if (!parsed.ok) {
              for (const e of parsed.errors) errors.push({ ...e, field: `${af}.serialExpression` });
              continue;
            }
            // With `~` the serials are made inside the transaction, after the item's latest serial then.
            if (parsed.plan.usesNext) {
              plans.set(a, parsed.plan);
              continue;
            }
            const expanded = expandSerialPlan(parsed.plan, null);
            if (!expanded.ok) {
              for (const e of expanded.errors) errors.push({ ...e, field: `${af}.serialExpression` });
              continue;
            }
            serials = expanded.serials;
            literal.set(a, serials);
          }
          if (serials.length !== a.quantity) {
            errors.push({
              field: `${af}.serials`,
              code: 'serial_count',
              message: `${poLine.sku} at ${loc?.code ?? a.locationId}: ${a.quantity} unit(s) need exactly one serial each; ${serials.length} entered.`,
            });
          }
          const list = typed.get(poLine.item_id) ?? [];
          serials.forEach((s, k) => list.push({ serial: s, field: `${af}.serials[${k}]` }));
          typed.set(poLine.item_id, list);
        }
      }

      for (const [itemId, list] of typed) {
        const checked = checkSerialNumbers(list.map((t) => t.serial));
        for (const e of checked.errors) {
          const at = Number(/\[(\d+)\]/.exec(e.field)?.[1] ?? 0);
          errors.push({
            field: list[at]!.field,
            code: e.code === 'duplicate_in_list' ? 'duplicate_in_entry' : e.code,
            message: e.message,
          });
        }
        const existing = await serialsRepository.existingNumbers(db, itemId, checked.serials.filter(Boolean));
        const sku = [...poLines.values()].find((l) => l.item_id === itemId)?.sku ?? String(itemId);
        list.forEach((t) => {
          const s = normalizeSerialNumber(t.serial);
          if (existing.has(s))
            errors.push({
              field: t.field,
              code: 'already_exists',
              message: `Serial "${s}" already exists for ${sku}.`,
            });
        });
      }
      if (errors.length > 0) {
        throw invalid(
          'RECEIPT_REJECTED',
          `Nothing was received: ${errors.length} problem(s). Fix them and receive again.`,
          errors,
        );
      }

      const at = nowIso();
      try {
        const result = await inTransaction(db, async (tx) => {
          // Still receivable, and locked so that a close (or another receipt) of this order waits its turn.
          if (!(await purchasingRepository.lockIfStatus(tx, orderId, [...RECEIVABLE], at))) {
            throw conflict(
              'PO_NOT_RECEIVABLE',
              `Purchase order ${po.number} was closed or changed meanwhile; reload it. Nothing was received.`,
            );
          }
          for (const line of input.lines) {
            const total = line.allocations.reduce((n, a) => n + a.quantity, 0);
            if (!(await purchasingRepository.addReceived(tx, line.lineId, total))) {
              const poLine = poLines.get(line.lineId)!;
              throw conflict(
                'OVER_RECEIPT',
                `Line ${poLine.line_no} (${poLine.sku}) was received by someone else meanwhile; reload the purchase order.`,
              );
            }
          }
          const number = await nextDocumentNumber(tx, 'receipt', 'RC-');
          // Lock order (db/lock-order.ts): the order and its counter above, then every item received.
          await lockItems(
            tx,
            input.lines.map((l) => poLines.get(l.lineId)!.item_id),
          );
          const receiptId = await purchasingRepository.insertReceipt(
            tx,
            { number, orderId, at, userId: principal.userId },
            input.lines.flatMap((l) =>
              l.allocations.map((a) => ({
                lineId: l.lineId,
                locationId: a.locationId,
                quantity: a.quantity,
              })),
            ),
          );
          // Quantity in one (item, location) order, as sales do, so concurrent writers wait instead of deadlocking.
          const additions = input.lines
            .flatMap((l) =>
              l.allocations.map((a) => ({
                itemId: poLines.get(l.lineId)!.item_id,
                locationId: a.locationId,
                quantity: a.quantity,
              })),
            )
            .sort((x, y) => x.itemId - y.itemId || x.locationId - y.locationId);
          for (const add of additions)
            await stockRepository.addQuantity(tx, add.itemId, add.locationId, add.quantity);
          // Serials item by item in id order (the order serial counts are locked in by sales, cancellations and
          // transfers), so they cannot deadlock with this receipt; the answer keeps the order of the entry.
          const perLine = input.lines.map(
            () => [] as { id: number; serialNumber: string; itemId: number; locationId: number }[],
          );
          const itemOf = (i: number) => poLines.get(input.lines[i]!.lineId)!.item_id;
          // Where the next `~` of an item continues within this receipt (after the one before it).
          const nextAfter = new Map<number, string>();
          const byItem = input.lines.map((_, i) => i).sort((x, y) => itemOf(x) - itemOf(y) || x - y);
          for (const i of byItem) {
            const line = input.lines[i]!;
            const poLine = poLines.get(line.lineId)!;
            const entries: { serialNumber: string; locationId: number; conditionNotes: string }[] = [];
            for (const a of line.allocations) {
              if (poLine.track_serials !== 1) continue;
              const plan = plans.get(a);
              let serials: string[];
              if (a.autoNumber) {
                const item = (await itemsRepository.findById(tx, poLine.item_id))!;
                serials = await nextPatternSerials(tx, item, a.quantity);
              } else if (plan) {
                const item = (await itemsRepository.findById(tx, poLine.item_id))!;
                const made = await expandSerialPlanInTx(tx, item, plan, nextAfter.get(item.id));
                if (made.lastNext !== null) nextAfter.set(item.id, made.lastNext);
                serials = made.serials;
              } else serials = (literal.get(a) ?? a.serials ?? []).map(normalizeSerialNumber);
              for (const s of serials)
                entries.push({ serialNumber: s, locationId: a.locationId, conditionNotes: '' });
            }
            if (entries.length === 0) continue;
            const ids = await createSerialsInTx(tx, {
              itemId: poLine.item_id,
              entries,
              source: { type: 'purchase_order', number: po.number },
              userId: principal.userId,
              at,
              dateReceived: businessDateOf(at),
            });
            entries.forEach((e, k) =>
              perLine[i]!.push({
                id: ids[k]!,
                serialNumber: e.serialNumber,
                itemId: poLine.item_id,
                locationId: e.locationId,
              }),
            );
          }
          const created = perLine.flat();
          await purchasingRepository.linkReceiptSerials(
            tx,
            receiptId,
            created.map((c) => c.id),
          );
          const lines = await purchasingRepository.lines(tx, orderId);
          const complete = lines.every((l) => l.quantity_received >= l.quantity_ordered);
          await purchasingRepository.setStatus(tx, orderId, complete ? 'received' : 'partially_received', at);
          return { receipt: { id: receiptId, number }, serials: created };
        });
        return { ...result, purchaseOrder: await purchasing.get(orderId) };
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw conflict(
            'SERIAL_EXISTS',
            'One of these serials was created by someone else at the same moment. Nothing was received; try again.',
          );
        }
        throw err;
      }
    },
  };
}

export type ReceivingService = ReturnType<typeof createReceivingService>;
