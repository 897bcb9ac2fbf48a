import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../database.js';

type AnyDb = Kysely<unknown>;

/**
 * Prefix search for the pickers (items by SKU or name, customers and suppliers by name, locations by code
 * or name), case-insensitive, as index range scans: the keys of `src/shared/prefix-search.ts`, byte-ordered
 * (PostgreSQL `collate "C"`, so `>=`/`<` ranges and ORDER BY use the index whatever the database's locale).
 * A partner's key ignores spaces too: "bob  smith" finds "Bob Smith", and the same key spots a likely
 * duplicate name before a second one is created.
 */
const INDEXES: [name: string, table: string, key: string, tieBreak: boolean][] = [
  ['items_sku_prefix_idx', 'items', 'lower(sku)', false],
  ['items_name_prefix_idx', 'items', 'lower(name)', true],
  ['customers_name_key_idx', 'customers', "lower(replace(name, ' ', ''))", true],
  ['suppliers_name_key_idx', 'suppliers', "lower(replace(name, ' ', ''))", true],
  ['locations_code_prefix_idx', 'locations', 'lower(code)', false],
  ['locations_name_prefix_idx', 'locations', 'lower(name)', true],
];

export function migration0014PrefixSearch(dialect: Dialect): Migration {
  const pg = dialect === 'postgres';
  return {
    async up(db: AnyDb) {
      for (const [name, table, key, tieBreak] of INDEXES) {
        const column = pg ? `(${key} collate "C")` : key;
        const columns = tieBreak ? `${column}, id` : column;
        await sql`create index ${sql.id(name)} on ${sql.id(table)} (${sql.raw(columns)})`.execute(db);
      }
    },
    async down(db: AnyDb) {
      for (const [name] of INDEXES) await db.schema.dropIndex(name).execute();
    },
  };
}
