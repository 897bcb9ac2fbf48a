import type { Executor } from '../db/database.js';
import { sql } from 'kysely';
import { containsPattern, likeEscaped } from '../shared/sql.js';
import { foldForSearch, prefixKey, startsWith } from '../shared/prefix-search.js';

/** A partner's name as the pickers and the duplicate check compare it: spaces dropped, case folded. */
const nameKey = (db: Executor) => prefixKey(db, sql<string>`replace(${sql.ref('name')}, ' ', '')`);

/** The typed text folded the way nameKey folds a stored name (the same spaces dropped). */
export const foldPartnerName = (db: Executor, text: string) => foldForSearch(db, text.replace(/ +/g, ''));

/** Suppliers and customers have the same shape: name, contact, notes. */
export type PartnerTable = 'suppliers' | 'customers';

export const partnersRepository = {
  list(
    db: Executor,
    table: PartnerTable,
    q: { search?: string | undefined; afterName?: [string, number]; limit: number },
  ) {
    let query = db.selectFrom(table).select(['id', 'name', 'contact', 'notes']);
    if (q.search) {
      const pattern = containsPattern(q.search.toLowerCase());
      // Contact too: a caller often gives a phone number or e-mail address, not the name on file.
      query = query.where((eb) =>
        eb.or([
          likeEscaped(eb.fn<string>('lower', ['name']), pattern),
          likeEscaped(eb.fn<string>('lower', ['contact']), pattern),
        ]),
      );
    }
    if (q.afterName) {
      const [name, id] = q.afterName;
      query = query.where((eb) =>
        eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', id)])]),
      );
    }
    return query.orderBy('name').orderBy('id').limit(q.limit).execute();
  },

  /** Names starting with `prefix`, ignoring case and spaces, by that key: an index range scan. */
  searchByPrefix(db: Executor, table: PartnerTable, prefix: string, limit: number) {
    const key = nameKey(db);
    return db
      .selectFrom(table)
      .select(['id', 'name', 'contact', 'notes'])
      .where(startsWith(key, foldPartnerName(db, prefix)))
      .orderBy(key)
      .orderBy('id')
      .limit(limit)
      .execute();
  },

  /** Partners whose name is `name` once case and spaces are ignored (likely duplicates). */
  findByNameKey(db: Executor, table: PartnerTable, name: string, limit: number) {
    return db
      .selectFrom(table)
      .select(['id', 'name', 'contact', 'notes'])
      .where(nameKey(db), '=', foldPartnerName(db, name))
      .orderBy('id')
      .limit(limit)
      .execute();
  },

  findById(db: Executor, table: PartnerTable, id: number) {
    return db
      .selectFrom(table)
      .select(['id', 'name', 'contact', 'notes'])
      .where('id', '=', id)
      .executeTakeFirst();
  },

  async insert(
    db: Executor,
    table: PartnerTable,
    p: { name: string; contact: string; notes: string; at: string },
  ) {
    const row = await db
      .insertInto(table)
      .values({ name: p.name, contact: p.contact, notes: p.notes, created_at: p.at })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },

  async update(
    db: Executor,
    table: PartnerTable,
    id: number,
    patch: { name?: string; contact?: string; notes?: string },
  ) {
    if (Object.values(patch).every((v) => v === undefined)) return;
    await db.updateTable(table).set(patch).where('id', '=', id).execute();
  },
};
