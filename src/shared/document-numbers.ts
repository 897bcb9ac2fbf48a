import type { Executor } from '../db/database.js';
import type { DB } from '../db/schema.js';

/**
 * Next number of a document series, atomically: the upsert takes a row lock on PostgreSQL and SQLite
 * writers are serialised, so two documents created at the same moment never share a number.
 */
export async function nextDocumentNumber(
  db: Executor,
  series: string,
  prefix: string,
  width = 6,
): Promise<string> {
  const row = await db
    .insertInto('document_sequences')
    .values({ name: series, next_value: 1 })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet((eb) => ({ next_value: eb('document_sequences.next_value', '+', 1) })),
    )
    .returning('next_value')
    .executeTakeFirstOrThrow();
  return `${prefix}${String(row.next_value).padStart(width, '0')}`;
}

/** Document tables whose `number` column is unique. */
export type NumberedTable = keyof {
  [T in keyof DB as DB[T] extends { number: string } ? T : never]: true;
};

/**
 * Next number of a series that no row of `table` has yet. A series whose prefix the settings can change
 * (`1-` then `1-1`) may produce a number an earlier series already gave (`1-1` + 1 = `1-11`): those values
 * are skipped, and stay used up once the transaction commits, instead of failing every new document.
 */
export async function nextFreeDocumentNumber(
  db: Executor,
  table: NumberedTable,
  series: string,
  prefix: string,
  width = 6,
): Promise<string> {
  for (;;) {
    const number = await nextDocumentNumber(db, series, prefix, width);
    const taken = await db.selectFrom(table).select('number').where('number', '=', number).executeTakeFirst();
    if (!taken) return number;
  }
}

/**
 * Reserves `count` consecutive values of a counter, atomically, and returns the first. `initial` is the
 * value before the first reservation (e.g. the highest serial already numbered by hand).
 */
export async function reserveCounterValues(
  db: Executor,
  series: string,
  count: number,
  initial: number,
): Promise<number> {
  const row = await db
    .insertInto('document_sequences')
    .values({ name: series, next_value: initial + count })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet((eb) => ({ next_value: eb('document_sequences.next_value', '+', count) })),
    )
    .returning('next_value')
    .executeTakeFirstOrThrow();
  return row.next_value - count + 1;
}
