import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';

/** The largest value of an `integer` column (PostgreSQL int4); ids and counts above it cannot be stored. */
export const MAX_SQL_INT = 2_147_483_647;

/** Escapes LIKE's wildcards (`%`, `_`) and the escape character itself, so `text` matches literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A LIKE pattern matching values that contain `text` anywhere, wildcards in `text` taken literally. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}

/**
 * `expr like pattern escape '\'`. The ESCAPE clause is needed on SQLite, which has no default escape
 * character (PostgreSQL defaults to backslash), so an escaped `_` or `%` would otherwise never match.
 */
export function likeEscaped(expr: Expression<string>, pattern: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${expr} like ${pattern} escape '\\'`;
}
