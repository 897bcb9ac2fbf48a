import type { Executor } from '../db/database.js';

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
