import type { Db } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { lockItems } from '../db/lock-order.js';
import type { Principal } from '../auth/auth.service.js';
import { invalid, notFound } from '../shared/errors.js';
import { nowIso } from '../shared/time.js';
import { nextDocumentNumber } from '../shared/document-numbers.js';
import { decodeIdCursor, encodeCursor } from '../shared/cursor.js';
import { requireActiveLocation } from '../locations/locations.service.js';
import { locationsRepository } from '../locations/locations.repository.js';
import { itemsRepository } from '../items/items.repository.js';
import { serialsRepository } from '../serials/serials.repository.js';
import { PRESENT_STATUSES } from '../serials/serial-status.js';
import { stockRepository } from './stock.repository.js';

export interface StockLine {
  locationId: number;
  locationCode: string;
  quantityOnHand: number;
  /** Serials physically at the location: In Stock, Reserved, Returned, Damaged. */
  serialsPresent: number;
  /** quantityOnHand − serialsPresent: positive = units without a serial, negative = more serials than stock. */
  mismatch: number;
}

export function createStockService(db: Db) {
  const service = {
    /** Quantity on hand against serials present, per location, with the mismatch either way. */
    async summary(itemId: number) {
      const item = await itemsRepository.findById(db, itemId);
      if (!item) throw notFound('Item', itemId);
      const [levels, counts] = await Promise.all([
        stockRepository.levelsByItem(db, itemId),
        serialsRepository.countsByItem(db, itemId),
      ]);
      const byLocation = new Map<number, { qty: number; present: number }>();
      for (const l of levels) byLocation.set(l.location_id, { qty: l.quantity, present: 0 });
      const present = new Set<string>(PRESENT_STATUSES);
      for (const c of counts) {
        if (!present.has(c.status)) continue;
        const entry = byLocation.get(c.location_id) ?? { qty: 0, present: 0 };
        entry.present += Number(c.count);
        byLocation.set(c.location_id, entry);
      }
      const locations = new Map(
        (await locationsRepository.findManyByIds(db, [...byLocation.keys()])).map((l) => [l.id, l.code]),
      );
      const lines: StockLine[] = [...byLocation.entries()]
        .map(([locationId, v]) => ({
          locationId,
          locationCode: locations.get(locationId) ?? String(locationId),
          quantityOnHand: v.qty,
          serialsPresent: v.present,
          mismatch: v.qty - v.present,
        }))
        .filter((l) => l.quantityOnHand !== 0 || l.serialsPresent !== 0)
        .sort((a, b) => (a.locationCode < b.locationCode ? -1 : a.locationCode > b.locationCode ? 1 : 0));
      const quantityOnHand = lines.reduce((n, l) => n + l.quantityOnHand, 0);
      const serialsPresent = lines.reduce((n, l) => n + l.serialsPresent, 0);
      return {
        itemId,
        trackSerials: item.track_serials === 1,
        quantityOnHand,
        serialsPresent,
        mismatch: quantityOnHand - serialsPresent,
        locations: lines,
      };
    },

    async adjust(
      principal: Principal,
      input: { itemId: number; locationId: number; delta: number; reason: string },
    ) {
      if (!Number.isInteger(input.delta) || input.delta === 0) {
        throw invalid('INVALID_QUANTITY', 'The adjustment must be a whole number other than zero.', [
          { field: 'delta', code: 'invalid', message: 'Use a positive or negative whole number' },
        ]);
      }
      const reason = input.reason.trim();
      if (!reason) {
        throw invalid(
          'REASON_REQUIRED',
          'Say why the quantity changes (count correction, damage, opening stock…).',
          [{ field: 'reason', code: 'required', message: 'A reason is required' }],
        );
      }
      return inTransaction(db, async (tx) => {
        const item = await itemsRepository.findById(tx, input.itemId);
        if (!item) throw notFound('Item', input.itemId);
        const location = await requireActiveLocation(tx, input.locationId);
        // Lock order (db/lock-order.ts): the counter, the item, then its quantity on hand.
        const number = await nextDocumentNumber(tx, 'stock_adjustment', 'ADJ-');
        await lockItems(tx, [input.itemId]);
        const quantity = await stockRepository.addQuantity(tx, input.itemId, input.locationId, input.delta);
        if (quantity < 0) {
          throw invalid(
            'NEGATIVE_STOCK',
            `This would leave ${quantity} of ${item.sku} at ${location.code}; only ${quantity - input.delta} are on hand there.`,
            [
              {
                field: 'delta',
                code: 'negative_stock',
                message: `At most ${input.delta - quantity} can be removed`,
              },
            ],
          );
        }
        const at = nowIso();
        const id = await stockRepository.insertAdjustment(tx, {
          ...input,
          reason,
          number,
          userId: principal.userId,
          at,
        });
        return {
          id,
          number,
          itemId: input.itemId,
          locationId: input.locationId,
          locationCode: location.code,
          delta: input.delta,
          reason,
          userId: principal.userId,
          username: principal.username,
          at,
          quantityOnHand: quantity,
        };
      });
    },

    async listAdjustments(q: { itemId?: number | undefined; cursor?: string | undefined; limit: number }) {
      const before = q.cursor ? decodeIdCursor(q.cursor) : undefined;
      const rows = await stockRepository.listAdjustments(db, {
        itemId: q.itemId,
        beforeId: before,
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return {
        adjustments: page.map((r) => ({
          id: r.id,
          number: r.number,
          itemId: r.item_id,
          locationId: r.location_id,
          locationCode: r.location_code,
          delta: r.delta,
          reason: r.reason,
          userId: r.user_id,
          username: r.username,
          at: r.at,
        })),
        nextCursor: rows.length > q.limit ? encodeCursor([page.at(-1)!.id]) : null,
      };
    },
  };
  return service;
}

export type StockService = ReturnType<typeof createStockService>;
