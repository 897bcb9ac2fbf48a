import { PostgresAdapter, sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../db/database.js';

/**
 * Case-insensitive prefix search that an index answers on both databases. The key is `lower(column)`,
 * compared byte-wise (SQLite's BINARY; PostgreSQL's `collate "C"`, which the prefix indexes of migration
 * 0014 use), so "every key starting with p" is the range [p, p with its last character raised by one):
 * an index range scan, read in key order and stopped at the limit.
 */

const isPostgres = (db: Executor) => db.getExecutor().adapter instanceof PostgresAdapter;

/** The search key of a column or expression: lower(expr), byte-ordered. */
export function prefixKey(db: Executor, expr: Expression<string>): RawBuilder<string> {
  return isPostgres(db) ? sql<string>`lower(${expr}) collate "C"` : sql<string>`lower(${expr})`;
}

/**
 * The typed text as the database's lower() folds it: SQLite's lower() folds ASCII letters only (without
 * ICU), PostgreSQL's the whole of Unicode.
 */
export function foldForSearch(db: Executor, text: string): string {
  return isPostgres(db) ? text.toLowerCase() : text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** The first string after every string that starts with `prefix` (code-point, i.e. UTF-8 byte, order). */
export function prefixUpperBound(prefix: string): string | null {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    let next = last + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
    if (next <= 0x10ffff) return points.join('') + String.fromCodePoint(next);
  }
  return null;
}

/** `key starts with prefix` as an index range; `prefix` is already folded. */
export function startsWith(key: Expression<string>, prefix: string): RawBuilder<SqlBool> {
  if (prefix === '') return sql<SqlBool>`1 = 1`;
  const upper = prefixUpperBound(prefix);
  return upper === null
    ? sql<SqlBool>`${key} >= ${prefix}`
    : sql<SqlBool>`${key} >= ${prefix} and ${key} < ${upper}`;
}
