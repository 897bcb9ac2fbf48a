import type { Executor } from '../db/database.js';
import type { ItemsTable } from '../db/schema.js';
import type { Updateable } from 'kysely';
import { containsPattern, likeEscaped } from '../shared/sql.js';

export const itemsRepository = {
  findById(db: Executor, id: number) {
    return db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Keyset page ordered by SKU; `search` matches SKU or name. */
  list(db: Executor, q: { search?: string | undefined; afterSku?: string | undefined; limit: number }) {
    let query = db.selectFrom('items').selectAll();
    if (q.search) {
      const pattern = containsPattern(q.search.toLowerCase());
      query = query.where((eb) =>
        eb.or([
          likeEscaped(eb.fn<string>('lower', ['sku']), pattern),
          likeEscaped(eb.fn<string>('lower', ['name']), pattern),
        ]),
      );
    }
    if (q.afterSku !== undefined) query = query.where('sku', '>', q.afterSku);
    return query.orderBy('sku').limit(q.limit).execute();
  },

  async insert(db: Executor, values: Omit<ItemsTable, 'id'>): Promise<number> {
    const row = await db.insertInto('items').values(values).returning('id').executeTakeFirstOrThrow();
    return row.id;
  },

  async update(db: Executor, id: number, patch: Updateable<ItemsTable>): Promise<void> {
    await db.updateTable('items').set(patch).where('id', '=', id).execute();
  },

  /** Row-locks the item (PostgreSQL) if it tracks serials; false when it does not. */
  async lockIfTracked(db: Executor, id: number): Promise<boolean> {
    const result = await db
      .updateTable('items')
      .set((eb) => ({ track_serials: eb.ref('track_serials') }))
      .where('id', '=', id)
      .where('track_serials', '=', 1)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },

  /** Row-locks the item for the rest of the transaction (PostgreSQL; SQLite writers are serialised). */
  async lock(db: Executor, id: number): Promise<void> {
    await db
      .updateTable('items')
      .set((eb) => ({ track_serials: eb.ref('track_serials') }))
      .where('id', '=', id)
      .execute();
  },

  findManyByIds(db: Executor, ids: number[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db.selectFrom('items').selectAll().where('id', 'in', ids).execute();
  },

  findBySku(db: Executor, sku: string) {
    return db.selectFrom('items').selectAll().where('sku', '=', sku).executeTakeFirst();
  },
};
