import type { Executor } from '../db/database.js';
import type { ItemsTable } from '../db/schema.js';
import type { Updateable } from 'kysely';
import { sql } from 'kysely';
import { containsPattern, likeEscaped } from '../shared/sql.js';
import { foldForSearch, prefixKey, startsWith } from '../shared/prefix-search.js';
import { PRESENT_STATUSES } from '../serials/serial-status.js';

/** The sort keys of the Items list; each pages by (key, sku). */
export type ItemListSort = 'sku' | 'name' | 'quantityOnHand' | 'serialsPresent' | 'mismatch';

const SORT_COLUMNS: Record<ItemListSort, string> = {
  sku: 'sku',
  name: 'name',
  quantityOnHand: 'quantity_on_hand',
  serialsPresent: 'serials_present',
  mismatch: 'mismatch',
};

export interface ItemStockRow {
  id: number;
  sku: string;
  name: string;
  part_type_id: number | null;
  primary_location_id: number | null;
  track_serials: number;
  quantity_on_hand: number | string;
  serials_present: number | string;
  mismatch: number | string;
}

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

  /**
   * Items whose SKU starts with `prefix` (by SKU), then those whose name does (by name), ignoring case:
   * two index range scans that stop at the limit, whatever the size of the catalogue.
   */
  async searchByPrefix(db: Executor, prefix: string, limit: number) {
    const folded = foldForSearch(db, prefix);
    const skuKey = prefixKey(db, sql.ref('sku'));
    const nameKey = prefixKey(db, sql.ref('name'));
    const bySku = await db
      .selectFrom('items')
      .selectAll()
      .where(startsWith(skuKey, folded))
      .orderBy(skuKey)
      .orderBy('id')
      .limit(limit)
      .execute();
    if (bySku.length >= limit || folded === '') return bySku;
    const byName = await db
      .selectFrom('items')
      .selectAll()
      .where(startsWith(nameKey, folded))
      .orderBy(nameKey)
      .orderBy('id')
      .limit(limit)
      .execute();
    const seen = new Set(bySku.map((r) => r.id));
    return [...bySku, ...byName.filter((r) => !seen.has(r.id))].slice(0, limit);
  },

  /**
   * The Items list: each item with its quantity on hand and serials present, read from the counters
   * (stock_levels, serial_counts), never by counting serials. The mismatch is only an item's that tracks
   * serials. Keyset page by (sort key, sku).
   */
  listWithStock(
    db: Executor,
    q: {
      prefix?: string | undefined;
      mismatchOnly: boolean;
      sort: ItemListSort;
      descending: boolean;
      after?: [string | number, string] | undefined;
      limit: number;
    },
  ) {
    const present = sql.join(PRESENT_STATUSES.map((s) => sql`${s}`));
    const col = sql.ref(`t.${SORT_COLUMNS[q.sort]}`);
    const filters = [sql`1 = 1`];
    if (q.prefix) {
      const folded = foldForSearch(db, q.prefix);
      filters.push(
        sql`(${startsWith(prefixKey(db, sql.ref('t.sku')), folded)} or ${startsWith(prefixKey(db, sql.ref('t.name')), folded)})`,
      );
    }
    if (q.mismatchOnly) filters.push(sql`t.mismatch <> 0`);
    if (q.after) {
      const [value, sku] = q.after;
      filters.push(
        q.descending
          ? sql`(${col} < ${value} or (${col} = ${value} and t.sku < ${sku}))`
          : sql`(${col} > ${value} or (${col} = ${value} and t.sku > ${sku}))`,
      );
    }
    const dir = sql.raw(q.descending ? 'desc' : 'asc');
    return sql<ItemStockRow>`
      select * from (
        select s.*,
          case when s.track_serials = 1 then s.quantity_on_hand - s.serials_present else 0 end as mismatch
        from (
          select i.id, i.sku, i.name, i.part_type_id, i.primary_location_id, i.track_serials,
            coalesce((select sum(l.quantity) from stock_levels l where l.item_id = i.id), 0) as quantity_on_hand,
            case when i.track_serials = 1 then coalesce((select sum(c.count) from serial_counts c
              where c.item_id = i.id and c.status in (${present})), 0) else 0 end as serials_present
          from items i
        ) s
      ) t
      where ${sql.join(filters, sql` and `)}
      order by ${col} ${dir}, t.sku ${dir}
      limit ${q.limit}`
      .execute(db)
      .then((r) => r.rows);
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
