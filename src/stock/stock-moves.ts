import type { Executor } from '../db/database.js';
import { stockRepository } from './stock.repository.js';

/**
 * Takes up to `n` units off the quantity on hand at a location, never below zero, and returns how many it
 * took. Units that leave with a serial but were never counted in stock (a mismatch the stock view shows)
 * must not drive the quantity negative.
 */
export async function removeUpTo(
  tx: Executor,
  itemId: number,
  locationId: number,
  n: number,
): Promise<number> {
  const left = await stockRepository.addQuantity(tx, itemId, locationId, -n);
  const shortfall = left < 0 ? Math.min(n, -left) : 0;
  if (shortfall > 0) await stockRepository.addQuantity(tx, itemId, locationId, shortfall);
  return n - shortfall;
}
