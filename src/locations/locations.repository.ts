import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import { foldForSearch, prefixKey, startsWith } from '../shared/prefix-search.js';

export const locationsRepository = {
  list(db: Executor, opts: { includeInactive: boolean }) {
    let q = db.selectFrom('locations').selectAll().orderBy('code');
    if (!opts.includeInactive) q = q.where('active', '=', 1);
    return q.execute();
  },

  /** Active locations whose code starts with `prefix` (by code), then those whose name does, ignoring case. */
  async searchByPrefix(db: Executor, prefix: string, limit: number) {
    const folded = foldForSearch(db, prefix);
    const codeKey = prefixKey(db, sql.ref('code'));
    const nameKey = prefixKey(db, sql.ref('name'));
    const byCode = await db
      .selectFrom('locations')
      .selectAll()
      .where(startsWith(codeKey, folded))
      .where('active', '=', 1)
      .orderBy(codeKey)
      .orderBy('id')
      .limit(limit)
      .execute();
    if (byCode.length >= limit || folded === '') return byCode;
    const byName = await db
      .selectFrom('locations')
      .selectAll()
      .where(startsWith(nameKey, folded))
      .where('active', '=', 1)
      .orderBy(nameKey)
      .orderBy('id')
      .limit(limit)
      .execute();
    const seen = new Set(byCode.map((r) => r.id));
    return [...byCode, ...byName.filter((r) => !seen.has(r.id))].slice(0, limit);
  },

  findById(db: Executor, id: number) {
    return db.selectFrom('locations').selectAll().where('id', '=', id).executeTakeFirst();
  },

  findManyByIds(db: Executor, ids: number[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db.selectFrom('locations').selectAll().where('id', 'in', ids).execute();
  },

  async insert(db: Executor, l: { code: string; name: string; at: string }): Promise<number> {
    const row = await db
      .insertInto('locations')
      .values({ code: l.code, name: l.name, active: 1, created_at: l.at, updated_at: l.at })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },

  async update(
    db: Executor,
    id: number,
    patch: { code?: string; name?: string; active?: boolean; at: string },
  ) {
    await db
      .updateTable('locations')
      .set({
        ...(patch.code !== undefined && { code: patch.code }),
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.active !== undefined && { active: patch.active ? 1 : 0 }),
        updated_at: patch.at,
      })
      .where('id', '=', id)
      .execute();
  },
};
