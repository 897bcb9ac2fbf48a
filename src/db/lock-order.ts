import { PostgresAdapter, sql } from 'kysely';
import type { Executor } from './database.js';

/**
 * The one order in which write transactions take row locks. Two transactions that lock in the same order
 * wait for each other; only opposite orders deadlock. On PostgreSQL every write path goes down this list
 * and never back up; SQLite has one writer at a time, so there the order costs nothing and the explicit
 * locks below are skipped.
 *
 *   1. The document the transaction changes (its purchase order, sale or import row), then the document
 *      counters (`document_sequences`) for new numbers: allocate every number before step 2.
 *   2. `items`, by id (lockItems). Every write to an item's serials, quantity on hand or serial counts
 *      holds its item row first, and so do changes of its Default Serial Q&A: writes of one item take turns.
      An item's own counter (`serial:<id>`, automatic serial numbers) is taken after its item row.
 *   3. `serials`, by id (lockSerials), where existing serials change.
 *   4. `stock_levels`, by (item, location).
 *   5. `serial_counts`, by (item, location, status).
 *
 * Levels 4 and 5 are written only under the item locks of level 2 (several statements may touch them, in
 * sorted order each), so they cannot close a cycle; new rows (serials, events, lines) lock nothing others
 * wait for. A deadlock that still happens (an unforeseen path) is retried by inTransaction.
 */
export const LOCK_ORDER = [
  'documents',
  'document_sequences',
  'items',
  'serials',
  'stock_levels',
  'serial_counts',
] as const;

function takesRowLocks(db: Executor): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

const sortedIds = (ids: Iterable<number>) => [...new Set(ids)].sort((a, b) => a - b);

/**
 * Level 2: row-locks these items, lowest id first, until the transaction ends. `for no key update` is the
 * lock an UPDATE of the row takes, so it also waits for (and blocks) Track Serials changes, but not the
 * foreign-key checks of rows that merely reference the item.
 */
export async function lockItems(tx: Executor, itemIds: Iterable<number>): Promise<void> {
  const ids = sortedIds(itemIds);
  if (ids.length === 0 || !takesRowLocks(tx)) return;
  // ORDER BY is applied before the rows are locked, so they are locked in id order.
  await sql`select "id" from "items" where "id" = any(${ids}::integer[]) order by "id" for no key update`.execute(
    tx,
  );
}

/** Level 3: row-locks these serials, lowest id first (after their items: lockItems first). */
export async function lockSerials(tx: Executor, serialIds: Iterable<number>): Promise<void> {
  const ids = sortedIds(serialIds);
  if (ids.length === 0 || !takesRowLocks(tx)) return;
  await sql`select "id" from "serials" where "id" = any(${ids}::integer[]) order by "id" for no key update`.execute(
    tx,
  );
}
