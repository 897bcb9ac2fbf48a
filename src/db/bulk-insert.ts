import { CompiledQuery } from 'kysely';
import type { Executor } from './database.js';

/**
 * Multi-row INSERTs written as SQL text with the values passed flat. The query builder makes and compiles
 * an object per value (13,000 for 1,000 serials), a quarter of a bulk create's time and most of its garbage;
 * the text here is the same for every full chunk, so SQLite's statement cache reuses the prepared statement.
 */
export interface BulkInsert<R> {
  table: string;
  columns: readonly string[];
  /** Pushes the row's values in `columns` order (null, not undefined, for no value); `index` is its place in the list. */
  values: (row: R, out: unknown[], index: number) => void;
}

/** PostgreSQL numbers its parameters ($1), SQLite does not (?): a compiled query tells the dialect. */
function numbersParameters(db: Executor): boolean {
  return db
    .selectNoFrom((eb) => eb.val(0).as('x'))
    .compile()
    .sql.includes('$1');
}

function insertText(spec: BulkInsert<unknown>, rows: number, numbered: boolean, returning: string): string {
  const width = spec.columns.length;
  const tuples = new Array<string>(rows);
  if (numbered) {
    for (let r = 0; r < rows; r++) {
      const slots = new Array<string>(width);
      for (let c = 0; c < width; c++) slots[c] = `$${r * width + c + 1}`;
      tuples[r] = `(${slots.join(', ')})`;
    }
  } else {
    tuples.fill(`(${new Array<string>(width).fill('?').join(', ')})`);
  }
  const into = `insert into "${spec.table}" (${spec.columns.map((c) => `"${c}"`).join(', ')})`;
  return `${into} values ${tuples.join(', ')}${returning}`;
}

/**
 * Inserts `rows` in chunks of `chunk` rows; with `returning` (column names) it answers the returned rows,
 * chunk after chunk. Table and column names come from code, never from input.
 */
export async function insertInChunks<R, Out = never>(
  db: Executor,
  spec: BulkInsert<R>,
  rows: readonly R[],
  options: { chunk: number; returning?: readonly string[] },
): Promise<Out[]> {
  const numbered = numbersParameters(db);
  const returning = options.returning
    ? ` returning ${options.returning.map((c) => `"${c}"`).join(', ')}`
    : '';
  const out: Out[] = [];
  let fullChunkText: string | undefined;
  for (let i = 0; i < rows.length; i += options.chunk) {
    const n = Math.min(options.chunk, rows.length - i);
    const text =
      n === options.chunk
        ? (fullChunkText ??= insertText(spec as BulkInsert<unknown>, n, numbered, returning))
        : insertText(spec as BulkInsert<unknown>, n, numbered, returning);
    const params: unknown[] = [];
    for (let k = i; k < i + n; k++) spec.values(rows[k]!, params, k);
    const result = await db.executeQuery<Out>(CompiledQuery.raw(text, params));
    if (options.returning) for (const r of result.rows) out.push(r);
  }
  return out;
}
