import { CompiledQuery, sql, type Insertable, type SqlBool } from 'kysely';
import type { Executor } from '../db/database.js';
import type { ImportErrorsTable, ImportRowsTable, ImportRowValuesTable, ImportsTable } from '../db/schema.js';

/** Rows per multi-row INSERT: 10 columns × 1000 stays under both databases' bound-parameter limits. */
const CHUNK = 1000;

const STAGING_COLUMNS = [
  'import_id',
  'line',
  'item_id',
  'serial_number',
  'location_id',
  'status',
  'date_received',
  'warranty_end_date',
  'condition_notes',
  'event_data',
] as const;
/** PostgreSQL numbers its parameters ($1), SQLite does not (?): the compiled form tells the dialect. */
export function isPostgres(db: Executor): boolean {
  return db.selectFrom('imports').select('id').where('id', '=', 0).compile().sql.includes('$1');
}

const SQLITE_TUPLE = `(${STAGING_COLUMNS.map(() => '?').join(', ')})`;

/** A staged row's (item id, serial number): the commit's order and slice boundaries. */
export type StagingKey = [number, string];

/** The staged rows with keys in (after, upTo]; null ends are open. */
export interface StagingSlice {
  after: StagingKey | null;
  upTo: StagingKey | null;
}

/** The SQL condition of a slice on the staging index; `prefix` is a table alias with its dot, or ''. */
function sliceRange(prefix: string, slice: StagingSlice) {
  const key = sql.raw(`(${prefix}item_id, ${prefix}serial_number)`);
  const { after, upTo } = slice;
  return sql.join(
    [
      after ? sql`${key} > (${after[0]}, ${after[1]})` : sql`1 = 1`,
      upTo ? sql`${key} <= (${upTo[0]}, ${upTo[1]})` : sql`1 = 1`,
    ],
    sql` and `,
  );
}

export type ImportRow = NonNullable<Awaited<ReturnType<typeof importsRepository.findById>>>;
export type ImportErrorRow = Awaited<ReturnType<typeof importsRepository.listErrors>>[number];

export const importsRepository = {
  async insert(db: Executor, values: Insertable<ImportsTable>): Promise<number> {
    const row = await db.insertInto('imports').values(values).returning('id').executeTakeFirstOrThrow();
    return row.id;
  },

  findById(db: Executor, id: number) {
    return db
      .selectFrom('imports')
      .leftJoin('items', 'items.id', 'imports.item_id')
      .selectAll('imports')
      .select('items.sku as item_sku')
      .where('imports.id', '=', id)
      .executeTakeFirst();
  },

  findByNumber(db: Executor, number: string) {
    return db.selectFrom('imports').select('id').where('number', '=', number).executeTakeFirst();
  },

  /** Updates an import only while it is in `fromStatus`; false when it has moved on (cancelled, say). */
  async updateIfStatus(
    db: Executor,
    id: number,
    fromStatus: string | readonly string[],
    patch: Partial<Omit<Insertable<ImportsTable>, 'id'>>,
  ): Promise<boolean> {
    const result = await db
      .updateTable('imports')
      .set(patch)
      .where('id', '=', id)
      .where('status', 'in', typeof fromStatus === 'string' ? [fromStatus] : fromStatus)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },

  /**
   * Staging rows, a thousand per statement. Hand-written SQL with positional parameters: building a
   * million rows through the query builder cost a third of the dry run's time.
   */
  async insertRows(db: Executor, rows: Insertable<ImportRowsTable>[]): Promise<void> {
    const pg = isPostgres(db);
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const params: unknown[] = [];
      const tuples: string[] = [];
      for (const r of chunk) {
        const at = params.length;
        params.push(
          r.import_id,
          r.line,
          r.item_id ?? null,
          r.serial_number ?? null,
          r.location_id ?? null,
          r.status ?? null,
          r.date_received ?? null,
          r.warranty_end_date ?? null,
          r.condition_notes ?? '',
          r.event_data ?? null,
        );
        tuples.push(
          pg
            ? `(${Array.from({ length: STAGING_COLUMNS.length }, (_, k) => `$${at + k + 1}`).join(', ')})`
            : SQLITE_TUPLE,
        );
      }
      await db.executeQuery(
        CompiledQuery.raw(
          `insert into import_rows (${STAGING_COLUMNS.join(', ')}) values ${tuples.join(', ')}`,
          params,
        ),
      );
    }
  },

  async insertValues(db: Executor, rows: ImportRowValuesTable[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      await db
        .insertInto('import_row_values')
        .values(rows.slice(i, i + CHUNK))
        .execute();
    }
  },

  async insertErrors(db: Executor, rows: ImportErrorsTable[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      await db
        .insertInto('import_errors')
        .values(rows.slice(i, i + CHUNK))
        .execute();
    }
  },

  /**
   * PostgreSQL plans the checks and the commit's joins from table statistics, which autovacuum has not
   * gathered for rows staged a moment ago; without them it hash-joins whole tables slice after slice.
   */
  async analyzeStaging(db: Executor): Promise<void> {
    if (isPostgres(db)) await sql`analyze import_rows`.execute(db);
  },

  /** Every repeat of an item's serial number within the file, naming the line of its first occurrence. */
  async flagDuplicatesInFile(db: Executor, importId: number, column: string): Promise<void> {
    await sql`
      insert into import_errors (import_id, line, column_name, code, message, value)
      select r.import_id, r.line, cast(${column} as text), 'duplicate_in_file',
        'Serial ' || r.serial_number || ' appears more than once in the file (first on line '
          || cast(d.first_line as text) || ').', r.serial_number
      from import_rows r
      join (
        select item_id, serial_number, min(line) as first_line
        from import_rows
        where import_id = ${importId} and item_id is not null and serial_number is not null
        group by item_id, serial_number
        having count(*) > 1
      ) d on d.item_id = r.item_id and d.serial_number = r.serial_number
      where r.import_id = ${importId} and r.line > d.first_line`.execute(db);
  },

  /** Every staged serial number its item already has. */
  async flagExisting(db: Executor, importId: number, column: string): Promise<void> {
    await sql`
      insert into import_errors (import_id, line, column_name, code, message, value)
      select r.import_id, r.line, cast(${column} as text), 'already_exists',
        'Serial ' || r.serial_number || ' already exists for ' || i.sku || '.', r.serial_number
      from import_rows r
      join serials s on s.item_id = r.item_id and s.serial_number = r.serial_number and s.void_key = 0
      join items i on i.id = r.item_id
      where r.import_id = ${importId}`.execute(db);
  },

  async errorTotals(db: Executor, importId: number): Promise<{ errors: number; rows: number }> {
    const row = await db
      .selectFrom('import_errors')
      .select((eb) => [
        eb.fn.countAll<number>().as('errors'),
        eb.fn.count<number>('line').distinct().as('rows'),
      ])
      .where('import_id', '=', importId)
      .executeTakeFirstOrThrow();
    return { errors: Number(row.errors), rows: Number(row.rows) };
  },

  errorsByCode(db: Executor, importId: number) {
    return db
      .selectFrom('import_errors')
      .select((eb) => ['code', 'column_name', eb.fn.countAll<number>().as('count')])
      .where('import_id', '=', importId)
      .groupBy(['code', 'column_name'])
      .orderBy('code')
      .orderBy('column_name')
      .execute();
  },

  /**
   * Errors by line after `afterLine`: about `limit`, always whole lines, so paging by line never splits
   * one. Within a line they sort byte-wise in code, as database collations order mixed case differently.
   */
  async listErrors(db: Executor, importId: number, afterLine: number, limit: number) {
    const rows = await db
      .selectFrom('import_errors')
      .select(['line', 'column_name', 'code', 'message', 'value'])
      .where('import_id', '=', importId)
      .where('line', '>', afterLine)
      .orderBy('line')
      .limit(limit)
      .execute();
    const last = rows[rows.length - 1]?.line;
    const whole =
      last === undefined
        ? rows
        : [
            ...rows.filter((r) => r.line < last),
            ...(await db
              .selectFrom('import_errors')
              .select(['line', 'column_name', 'code', 'message', 'value'])
              .where('import_id', '=', importId)
              .where('line', '=', last)
              .execute()),
          ];
    const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return whole.sort(
      (a, b) => a.line - b.line || byteOrder(a.column_name, b.column_name) || byteOrder(a.code, b.code),
    );
  },

  /** What the error-free rows would add, per item, location and status. */
  stagedEffect(db: Executor, importId: number) {
    return db
      .selectFrom('import_rows as r')
      .select((eb) => ['r.item_id', 'r.location_id', 'r.status', eb.fn.countAll<number>().as('count')])
      .where('r.import_id', '=', importId)
      .where('r.item_id', 'is not', null)
      .where('r.location_id', 'is not', null)
      .where('r.status', 'is not', null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('import_errors as e')
              .select(eb.lit(1).as('one'))
              .whereRef('e.import_id', '=', 'r.import_id')
              .whereRef('e.line', '=', 'r.line'),
          ),
        ),
      )
      .groupBy(['r.item_id', 'r.location_id', 'r.status'])
      .execute();
  },

  /**
   * The distinct items of an import's staged rows, ascending. One index seek per item on (import_id,
   * item_id, serial_number), so a million staged rows of a few items cost a few lookups, not a scan.
   */
  async stagedItemIds(db: Executor, importId: number): Promise<{ item_id: number }[]> {
    const ids: { item_id: number }[] = [];
    let after = 0;
    for (;;) {
      const row = await db
        .selectFrom('import_rows')
        .select('item_id')
        .where('import_id', '=', importId)
        .where('item_id', '>', after)
        .orderBy('item_id')
        .limit(1)
        .executeTakeFirst();
      if (!row?.item_id) return ids;
      ids.push({ item_id: row.item_id });
      after = row.item_id;
    }
  },

  /** Staged rows of one slice whose location has been deactivated since the dry run. */
  async countInactiveLocations(db: Executor, importId: number, slice: StagingSlice): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      select count(*) as n
      from import_rows r
      join locations l on l.id = r.location_id
      where r.import_id = ${importId} and ${sliceRange('r.', slice)} and l.active <> 1`.execute(db);
    return Number(rows[0]?.n ?? 0);
  },

  /** Staged serial numbers of one slice that exist by now (created by someone else since the dry run). */
  async existingNow(db: Executor, importId: number, slice: StagingSlice, limit: number) {
    const { rows } = await sql<{ line: number; serial_number: string }>`
      select r.line, s.serial_number
      from import_rows r
      join serials s on s.item_id = r.item_id and s.serial_number = r.serial_number and s.void_key = 0
      where r.import_id = ${importId} and ${sliceRange('r.', slice)}
      order by r.line
      limit ${limit}`.execute(db);
    return rows;
  },

  /**
   * The (item, serial number) key that ends the next slice of `size` staged rows after `after`, by the
   * staging index; null when fewer rows remain (the slice then runs to the end).
   */
  async sliceEnd(
    db: Executor,
    importId: number,
    after: StagingKey | null,
    size: number,
  ): Promise<StagingKey | null> {
    const row = await db
      .selectFrom('import_rows')
      .select(['item_id', 'serial_number'])
      .where('import_id', '=', importId)
      .$if(after !== null, (q) =>
        q.where(sql<SqlBool>`(item_id, serial_number) > (${after![0]}, ${after![1]})`),
      )
      .orderBy('item_id')
      .orderBy('serial_number')
      .limit(1)
      .offset(size - 1)
      .executeTakeFirst();
    return row ? [row.item_id!, row.serial_number!] : null;
  },

  /**
   * One slice of the commit's serials, set-based: the staged rows with keys in (after, upTo], inserted in
   * (item, serial) order as createSerialsInTx does, then their "created" history rows joined back through
   * the (item, serial) index. Returns how many serials it created.
   */
  async insertSliceFromStaging(
    db: Executor,
    p: { importId: number; number: string; userId: number; at: string; today: string },
    after: StagingKey | null,
    upTo: StagingKey | null,
  ): Promise<number> {
    const range = (prefix: string) => sliceRange(prefix, { after, upTo });
    const result = await sql`
      insert into serials (item_id, serial_number, status, location_id, warranty_end_date, date_received,
        condition_notes, source_document_type, source_document_number, version,
        created_at, created_by, updated_at, updated_by)
      select item_id, serial_number, status, location_id, warranty_end_date,
        coalesce(date_received, cast(${p.today} as text)), condition_notes, 'import', cast(${p.number} as text), 1,
        cast(${p.at} as text), cast(${p.userId} as integer), cast(${p.at} as text), cast(${p.userId} as integer)
      from import_rows
      where import_id = ${p.importId} and ${range('')}
      order by item_id, serial_number`.execute(db);
    await sql`
      insert into serial_events (serial_id, item_id, kind, at, user_id, document_type, document_number,
        to_location_id, to_status, data)
      select s.id, s.item_id, 'created', cast(${p.at} as text), cast(${p.userId} as integer), 'import',
        cast(${p.number} as text), r.location_id, r.status, r.event_data
      from import_rows r
      join serials s on s.item_id = r.item_id and s.serial_number = r.serial_number and s.void_key = 0
      where r.import_id = ${p.importId} and ${range('r.')}
      order by s.id`.execute(db);
    return Number(result.numAffectedRows ?? 0);
  },

  /**
   * One slice's custom values: the file's, then the items' Default Serial Q&A where the file gave none.
   */
  async insertCustomValuesFromStaging(db: Executor, importId: number, slice: StagingSlice): Promise<void> {
    await sql`
      insert into serial_custom_values (serial_id, field_id, value)
      select s.id, v.field_id, v.value
      from import_rows r
      join import_row_values v on v.import_id = r.import_id and v.line = r.line
      join serials s on s.item_id = r.item_id and s.serial_number = r.serial_number and s.void_key = 0
      where r.import_id = ${importId} and ${sliceRange('r.', slice)}`.execute(db);
    await sql`
      insert into serial_custom_values (serial_id, field_id, value)
      select s.id, d.field_id, d.value
      from import_rows r
      join serials s on s.item_id = r.item_id and s.serial_number = r.serial_number and s.void_key = 0
      join items i on i.id = r.item_id
      join item_custom_defaults d on d.item_id = r.item_id
      join custom_field_definitions f on f.id = d.field_id and f.part_type_id = i.part_type_id
      where r.import_id = ${importId} and ${sliceRange('r.', slice)}
        and not exists (
          select 1 from import_row_values v
          where v.import_id = r.import_id and v.line = r.line and v.field_id = d.field_id
        )`.execute(db);
  },

  /** How many serials one slice adds per item, location and status (the counters' deltas). */
  async stagedCounts(db: Executor, importId: number, slice: StagingSlice) {
    const { rows } = await sql<{ item_id: number; location_id: number; status: string; count: number }>`
      select item_id, location_id, status, count(*) as count
      from import_rows
      where import_id = ${importId} and ${sliceRange('', slice)}
      group by item_id, location_id, status`.execute(db);
    return rows;
  },

  /** Deletes one slice of staged rows and their values. */
  async deleteStagingSlice(db: Executor, importId: number, slice: StagingSlice): Promise<void> {
    await sql`
      delete from import_row_values
      where import_id = ${importId} and line in (
        select line from import_rows where import_id = ${importId} and ${sliceRange('', slice)}
      )`.execute(db);
    await sql`delete from import_rows where import_id = ${importId} and ${sliceRange('', slice)}`.execute(db);
  },

  /**
   * Drops an import's staging data, `size` rows per statement with the event loop free in between (on SQLite
   * one statement over a million rows would hold the server for seconds). Each slice commits by itself: a
   * crash part way leaves the rest for the sweep of finished imports (`withLeftoverStaging`).
   */
  async deleteStaging(db: Executor, importId: number, size = 5_000): Promise<void> {
    for (;;) {
      const upTo = await importsRepository.sliceEnd(db, importId, null, size);
      await this.deleteStagingSlice(db, importId, { after: null, upTo });
      if (upTo === null) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  },

  /** Finished imports (committed, failed, cancelled) that still have staging rows: a crash cut their cleanup. */
  async withLeftoverStaging(db: Executor): Promise<{ id: number }[]> {
    return db
      .selectFrom('imports as i')
      .select('i.id')
      .where('i.status', 'in', ['committed', 'failed', 'cancelled'])
      .where((eb) =>
        eb.exists(eb.selectFrom('import_rows as r').select('r.line').whereRef('r.import_id', '=', 'i.id')),
      )
      .execute();
  },

  async deleteErrors(db: Executor, importId: number): Promise<void> {
    await db.deleteFrom('import_errors').where('import_id', '=', importId).execute();
  },

  /** Imports in `status` untouched since `before`: uploads whose server died, dry runs left waiting. */
  findStale(db: Executor, status: string, before: string) {
    return db
      .selectFrom('imports')
      .select('id')
      .where('status', '=', status)
      .where('updated_at', '<', before)
      .execute();
  },

  /** Quantity on hand and present serials per item and location, for the dry run's count comparison. */
  async stockAndSerials(
    db: Executor,
    pairs: { itemId: number; locationId: number }[],
    presentStatuses: readonly string[],
  ) {
    const itemIds = [...new Set(pairs.map((p) => p.itemId))];
    if (itemIds.length === 0) return { stock: [], serials: [] };
    const stock = await db
      .selectFrom('stock_levels')
      .select(['item_id', 'location_id', 'quantity'])
      .where('item_id', 'in', itemIds)
      .execute();
    const serials = await db
      .selectFrom('serial_counts')
      .select((eb) => ['item_id', 'location_id', eb.fn.sum<number>('count').as('count')])
      .where('item_id', 'in', itemIds)
      .where('status', 'in', presentStatuses)
      .groupBy(['item_id', 'location_id'])
      .execute();
    return { stock, serials };
  },

  /** The Default Serial Q&A values of these items that belong to their part type's fields. */
  itemDefaults(db: Executor, itemIds: number[]) {
    if (itemIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('item_custom_defaults as d')
      .innerJoin('items as i', 'i.id', 'd.item_id')
      .innerJoin('custom_field_definitions as f', (j) =>
        j.onRef('f.id', '=', 'd.field_id').onRef('f.part_type_id', '=', 'i.part_type_id'),
      )
      .select(['d.item_id', 'd.field_id', 'd.value'])
      .where('d.item_id', 'in', itemIds)
      .orderBy('d.item_id')
      .orderBy('d.field_id')
      .execute();
  },

  /** The required custom fields of these items' part types. */
  requiredFieldIds(db: Executor, itemIds: number[]) {
    if (itemIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('items as i')
      .innerJoin('custom_field_definitions as f', 'f.part_type_id', 'i.part_type_id')
      .select('f.id')
      .distinct()
      .where('i.id', 'in', itemIds)
      .where('f.required', '=', 1)
      .orderBy('f.id')
      .execute();
  },

  customFieldDefinitions(db: Executor) {
    return db
      .selectFrom('custom_field_definitions')
      .select(['id', 'part_type_id', 'name', 'type', 'choices', 'required'])
      .orderBy('part_type_id')
      .orderBy('position')
      .execute();
  },

  /** Just the SKUs of these that exist (the leading-zeros check asks for a few padded forms). */
  async existingSkus(db: Executor, skus: string[]): Promise<string[]> {
    if (skus.length === 0) return [];
    const rows = await db.selectFrom('items').select('sku').where('sku', 'in', skus).execute();
    return rows.map((r) => r.sku);
  },
};
