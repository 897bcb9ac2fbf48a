import type { Executor } from '../db/database.js';
import { lockItems, lockSerials } from '../db/lock-order.js';
import type { NewSerialEventRow } from '../db/schema.js';
import type { Principal } from '../auth/auth.service.js';
import { conflict, invalid, notFound } from '../shared/errors.js';
import { nowIso, todayIso } from '../shared/time.js';
import { stockRepository } from '../stock/stock.repository.js';
import { removeUpTo } from '../stock/stock-moves.js';
import { serialsRepository } from '../serials/serials.repository.js';
import { CountDeltas } from '../serials/serial-ledger.js';
import { addMonths } from '../serials/warranty.js';
import { salesRepository } from './sales.repository.js';

export const serialTakenMeanwhile = (what: string) =>
  conflict(
    'SERIAL_NOT_AVAILABLE',
    `${what} was taken by another sale or changed at the same moment. Reload and try again.`,
  );

/** Reserved → Sold with customer, warranty, Used On, and quantity on hand lowered; inside `tx`. */
export async function completeSaleInTx(tx: Executor, principal: Principal, saleId: number) {
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
  // The sale row (level 1) is locked by the status flip above; then its items and serials, in lock order.
  await lockItems(
    tx,
    lines.map((l) => l.item_id),
  );
  await lockSerials(
    tx,
    serials.map((s) => s.id),
  );
  const counts = new CountDeltas();
  const events: NewSerialEventRow[] = [];
  // Quantity changes are applied after the loop in one (item, location) order, so two sales completed
  // at the same moment wait for each other instead of deadlocking on stock rows.
  const stockMoves: { itemId: number; locationId: number; n: number; plain?: (typeof lines)[number] }[] = [];
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
    if (changed !== lineSerials.length) throw serialTakenMeanwhile(`A serial of sale ${sale.number}`);
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
