import { sql, type SqlBool } from 'kysely';
import { insertInChunks, type BulkInsert } from '../db/bulk-insert.js';
import type { Executor } from '../db/database.js';
import type { NewSerialEventRow, NewSerialRow, SerialRow } from '../db/schema.js';

/** Rows per multi-row INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const INSERT_CHUNK = 1000;

const SERIAL_COLUMNS = [
  'item_id',
  'serial_number',
  'status',
  'version',
  'location_id',
  'date_received',
  'condition_notes',
  'source_document_type',
  'source_document_number',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
] as const;

/** What every serial created by one call shares: item, source document, time and user. */
export interface NewSerialsContext {
  itemId: number;
  dateReceived: string;
  sourceType: string;
  sourceNumber: string | null;
  at: string;
  userId: number | null;
}

export interface NewSerialEntryRow {
  serialNumber: string;
  locationId: number;
  conditionNotes: string;
}

const eventInsert: BulkInsert<NewSerialEventRow> = {
  table: 'serial_events',
  columns: [
    'serial_id',
    'item_id',
    'kind',
    'at',
    'user_id',
    'document_type',
    'document_number',
    'from_location_id',
    'to_location_id',
    'from_status',
    'to_status',
    'customer_id',
    'data',
  ],
  values: (e, out) =>
    out.push(
      e.serial_id,
      e.item_id,
      e.kind,
      e.at,
      e.user_id ?? null,
      e.document_type ?? null,
      e.document_number ?? null,
      e.from_location_id ?? null,
      e.to_location_id ?? null,
      e.from_status ?? null,
      e.to_status ?? null,
      e.customer_id ?? null,
      e.data ?? null,
    ),
};

export type SerialSort = 'serialNumber' | 'dateReceived' | 'status';

export interface SerialListQuery {
  itemId: number;
  statuses?: string[] | undefined;
  locationId?: number | undefined;
  text?: string | undefined;
  /** Warranty ends within [from, to] (YYYY-MM-DD, inclusive). */
  warrantyEndBetween?: [string, string] | undefined;
  sort: SerialSort;
  direction: 'asc' | 'desc';
  after?: (string | number)[] | undefined;
  limit: number;
  /** Exact custom value per field (canonical text); null = the serial has no value for the field. */
  customFilters?: { fieldId: number; value: string | null; plan: 'by_value' | 'by_serial' }[] | undefined;
}

const serialColumns = [
  'serials.id',
  'serials.item_id',
  'serials.serial_number',
  'serials.status',
  'serials.location_id',
  'serials.customer_id',
  'serials.warranty_end_date',
  'serials.date_received',
  'serials.condition_notes',
  'serials.source_document_type',
  'serials.source_document_number',
  'serials.last_document_type',
  'serials.last_document_number',
  'serials.version',
  'serials.created_at',
  'serials.created_by',
  'serials.updated_at',
  'serials.updated_by',
  'locations.code as location_code',
  'customers.name as customer_name',
] as const;

export type SerialWithRefs = Awaited<ReturnType<typeof serialsRepository.findById>> & object;

/** A serial with its location code, customer name and its item's SKU and Track Serials flag. */
export type SerialWithItemRow = SerialRow & {
  location_code: string;
  customer_name: string | null;
  item_sku: string;
  item_track_serials: number;
};

/** Keys of each sort, in order; the last key is unique within an item so the cursor is exact. */
const sortKeys = {
  serialNumber: ['serials.serial_number'],
  dateReceived: ['serials.date_received', 'serials.serial_number'],
  status: ['serials.status', 'serials.serial_number'],
} as const;

/** What a lookup match shows, by current number here and by former number in serial-corrections. */
export const LOOKUP_COLUMNS = [
  'serials.id',
  'serials.serial_number',
  'serials.status',
  'serials.item_id',
  'items.sku',
  'items.name as item_name',
  'items.track_serials',
  'locations.code as location_code',
] as const;

export const serialsRepository = {
  sortKeyArity(sort: SerialSort): number {
    return sortKeys[sort].length;
  },

  sortKeyOf(
    sort: SerialSort,
    row: { serial_number: string; date_received: string; id: number; status: string },
  ) {
    if (sort === 'serialNumber') return [row.serial_number];
    if (sort === 'dateReceived') return [row.date_received, row.serial_number];
    return [row.status, row.serial_number];
  },

  findById(db: Executor, id: number) {
    return db
      .selectFrom('serials')
      .innerJoin('locations', 'locations.id', 'serials.location_id')
      .leftJoin('customers', 'customers.id', 'serials.customer_id')
      .select(serialColumns)
      .where('serials.id', '=', id)
      .executeTakeFirst();
  },

  /** findById plus the item's SKU and Track Serials flag, in one query (the single-serial edit path). */
  async findWithItemById(db: Executor, id: number): Promise<SerialWithItemRow | undefined> {
    // Plain SQL: building and compiling this 24-column join with the query builder was a quarter of a
    // status change's time.
    const { rows } = await sql<SerialWithItemRow>`
      select "serials".*, "locations"."code" as "location_code", "customers"."name" as "customer_name",
        "items"."sku" as "item_sku", "items"."track_serials" as "item_track_serials"
      from "serials"
      inner join "items" on "items"."id" = "serials"."item_id"
      inner join "locations" on "locations"."id" = "serials"."location_id"
      left join "customers" on "customers"."id" = "serials"."customer_id"
      where "serials"."id" = ${id}`.execute(db);
    return rows[0];
  },

  findManyByIds(db: Executor, ids: number[]) {
    return db
      .selectFrom('serials')
      .innerJoin('locations', 'locations.id', 'serials.location_id')
      .leftJoin('customers', 'customers.id', 'serials.customer_id')
      .select(serialColumns)
      .where('serials.id', 'in', ids)
      .execute();
  },

  /** Keyset page of one item's serials; `after` is the sort key of the last row already shown. */
  listByItem(db: Executor, q: SerialListQuery) {
    const keys = sortKeys[q.sort];
    let query = db
      .selectFrom('serials')
      .innerJoin('locations', 'locations.id', 'serials.location_id')
      .leftJoin('customers', 'customers.id', 'serials.customer_id')
      .select(serialColumns)
      .where('serials.item_id', '=', q.itemId);
    // Voided serials (entered in error) show only when their status is asked for.
    if (q.statuses && q.statuses.length > 0) query = query.where('serials.status', 'in', q.statuses);
    else query = query.where('serials.void_key', '=', 0);
    if (q.locationId !== undefined) query = query.where('serials.location_id', '=', q.locationId);
    if (q.text) {
      // Serial numbers starting with the text: served by the (item_id, serial_number) index at any size,
      // where a "contains" search would scan every serial of the item.
      query = query
        .where('serials.serial_number', '>=', q.text)
        .where('serials.serial_number', '<', `${q.text}\u{10FFFF}`);
    }
    if (q.warrantyEndBetween) {
      query = query
        .where('serials.warranty_end_date', '>=', q.warrantyEndBetween[0])
        .where('serials.warranty_end_date', '<=', q.warrantyEndBetween[1]);
    }
    for (const f of q.customFilters ?? []) {
      // A rare value starts from the (field_id, value) index and sorts the few matches; a common one (or
      // "no value") walks the serials in page order and probes the (serial_id, field_id) key, so a page
      // costs about its own rows either way. SQLite's planner cannot make this choice itself.
      if (f.value !== null && f.plan === 'by_value') {
        query = query.where(
          'serials.id',
          'in',
          db
            .selectFrom('serial_custom_values')
            .select('serial_custom_values.serial_id')
            .where('serial_custom_values.field_id', '=', f.fieldId)
            .where('serial_custom_values.value', '=', f.value),
        );
        continue;
      }
      const value = f.value;
      query = query.where((eb) => {
        const probe = eb
          .selectFrom('serial_custom_values as v')
          .select('v.serial_id')
          .whereRef('v.serial_id', '=', 'serials.id')
          .where('v.field_id', '=', f.fieldId);
        return value === null ? eb.not(eb.exists(probe)) : eb.exists(probe.where('v.value', '=', value));
      });
    }
    if (q.after) {
      // Row-value comparison, which both SQLite and PostgreSQL answer from the (item_id, key…) index.
      const cmp = sql.raw(q.direction === 'asc' ? '>' : '<');
      const cols = sql.join(keys.map((k) => sql.ref(k)));
      const vals = sql.join(q.after.slice(0, keys.length).map((v) => sql`${v}`));
      query = query.where(sql<SqlBool>`(${cols}) ${cmp} (${vals})`);
    }
    for (const key of keys) query = query.orderBy(key, q.direction);
    return query.limit(q.limit).execute();
  },

  /** Serial counts per status (and location) for an item, from the maintained counter table. */
  countsByItem(db: Executor, itemId: number) {
    return db
      .selectFrom('serial_counts')
      .select(['location_id', 'status', 'count'])
      .where('item_id', '=', itemId)
      .where('count', '<>', 0)
      .execute();
  },

  /** Every serial record of an item but the voided ones (entered in error, they are no unit's record). */
  async countAllByItem(db: Executor, itemId: number): Promise<number> {
    const row = await db
      .selectFrom('serial_counts')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('count'), eb.lit(0)).as('n'))
      .where('item_id', '=', itemId)
      .where('status', '<>', 'voided')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  /** Exact or prefix lookup across all items; byte-wise collation lets both use serials_serial_idx. */
  lookup(db: Executor, value: string, mode: 'exact' | 'prefix', limit: number, sku?: string) {
    let query = db
      .selectFrom('serials')
      .innerJoin('items', 'items.id', 'serials.item_id')
      .innerJoin('locations', 'locations.id', 'serials.location_id')
      .select(LOOKUP_COLUMNS)
      .where('serials.void_key', '=', 0);
    query =
      mode === 'exact'
        ? query.where('serials.serial_number', '=', value)
        : query
            .where('serials.serial_number', '>=', value)
            .where('serials.serial_number', '<', `${value}\u{10FFFF}`);
    if (sku !== undefined) query = query.where('items.sku', '=', sku);
    return query.orderBy('serials.serial_number').orderBy('serials.id').limit(limit).execute();
  },

  /** The highest serial numbers of an item that start with `prefix`, by the (item_id, serial_number) index. */
  async highestWithPrefix(db: Executor, itemId: number, prefix: string, limit: number): Promise<string[]> {
    const rows = await db
      .selectFrom('serials')
      .select('serial_number')
      .where('item_id', '=', itemId)
      .where('void_key', '=', 0)
      .where('serial_number', '>=', prefix)
      .where('serial_number', '<', `${prefix}\u{10FFFF}`)
      .orderBy('serial_number', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => r.serial_number);
  },

  /** The serial most recently created for an item (what `~` continues from). */
  async latestOfItem(db: Executor, itemId: number): Promise<string | null> {
    const row = await db
      .selectFrom('serials')
      .select('serial_number')
      .where('item_id', '=', itemId)
      .where('void_key', '=', 0)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.serial_number ?? null;
  },

  async existingNumbers(db: Executor, itemId: number, numbers: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < numbers.length; i += INSERT_CHUNK) {
      const rows = await db
        .selectFrom('serials')
        .select('serial_number')
        .where('item_id', '=', itemId)
        .where('serial_number', 'in', numbers.slice(i, i + INSERT_CHUNK))
        .where('void_key', '=', 0)
        .execute();
      for (const r of rows) found.add(r.serial_number);
    }
    return found;
  },

  /**
   * Inserts new In Stock serials straight from the entries, without a row object per serial (the bulk path
   * creates 10,000 at a time); returns the new ids in the order of `entries`.
   */
  async insertNewInStock(
    db: Executor,
    ctx: NewSerialsContext,
    entries: readonly NewSerialEntryRow[],
  ): Promise<number[]> {
    const spec: BulkInsert<NewSerialEntryRow> = {
      table: 'serials',
      columns: SERIAL_COLUMNS,
      values: (e, out) =>
        out.push(
          ctx.itemId,
          e.serialNumber,
          'in_stock',
          1,
          e.locationId,
          ctx.dateReceived,
          e.conditionNotes,
          ctx.sourceType,
          ctx.sourceNumber,
          ctx.at,
          ctx.userId,
          ctx.at,
          ctx.userId,
        ),
    };
    const inserted = await insertInChunks<NewSerialEntryRow, { id: number; serial_number: string }>(
      db,
      spec,
      entries,
      { chunk: INSERT_CHUNK, returning: ['id', 'serial_number'] },
    );
    // RETURNING's order is not promised: ids are matched by serial number (unique among an item's live
    // serials, and the rows of one call belong to one item).
    const byNumber = new Map(inserted.map((r) => [r.serial_number, r.id]));
    return entries.map((e) => byNumber.get(e.serialNumber)!);
  },

  /** The "created" history rows of serials just inserted (`ids` in the order of `entries`). */
  async insertCreatedEvents(
    db: Executor,
    ctx: NewSerialsContext,
    entries: readonly NewSerialEntryRow[],
    ids: readonly number[],
    dataOf: (index: number) => string | null,
  ): Promise<void> {
    // The columns of every history row, in eventInsert's order; a created row has no "from" side.
    const spec: BulkInsert<NewSerialEntryRow> = {
      table: eventInsert.table,
      columns: eventInsert.columns,
      values: (e, out, i) =>
        out.push(
          ids[i],
          ctx.itemId,
          'created',
          ctx.at,
          ctx.userId,
          ctx.sourceType,
          ctx.sourceNumber,
          null,
          e.locationId,
          null,
          'in_stock',
          null,
          dataOf(i),
        ),
    };
    await insertInChunks(db, spec, entries, { chunk: INSERT_CHUNK });
  },

  async insertEvents(db: Executor, events: NewSerialEventRow[]): Promise<void> {
    await insertInChunks(db, eventInsert, events, { chunk: INSERT_CHUNK });
  },

  /**
   * Applies count deltas keyed by item, location and status: one multi-row upsert per 1,000 keys (keys are
   * distinct, as PostgreSQL requires of one upsert).
   */
  async adjustCounts(
    db: Executor,
    deltas: Iterable<{ itemId: number; locationId: number; status: string; delta: number }>,
  ): Promise<void> {
    const rows = [...deltas].filter((d) => d.delta !== 0);
    // A fixed order keeps PostgreSQL row locks ordered (rows are upserted in this order), so concurrent
    // writers cannot deadlock here.
    rows.sort(
      (a, b) => a.itemId - b.itemId || a.locationId - b.locationId || a.status.localeCompare(b.status),
    );
    // A sql template: it runs in every serial change, and compiles in a quarter of the query builder's time.
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const values = rows
        .slice(i, i + INSERT_CHUNK)
        .map((d) => sql`(${d.itemId}, ${d.locationId}, ${d.status}, ${d.delta})`);
      await sql`insert into "serial_counts" ("item_id", "location_id", "status", "count")
        values ${sql.join(values)}
        on conflict ("item_id", "location_id", "status")
        do update set "count" = "serial_counts"."count" + "excluded"."count"`.execute(db);
    }
  },

  /** Optimistic update: applies only if the row still has `version`; returns whether it did. */
  async updateIfVersion(
    db: Executor,
    id: number,
    version: number,
    patch: Partial<
      Pick<
        NewSerialRow,
        | 'status'
        | 'condition_notes'
        | 'location_id'
        | 'warranty_end_date'
        | 'customer_id'
        | 'last_document_type'
        | 'last_document_number'
      >
    > & {
      updated_at: string;
      updated_by: number;
    },
  ): Promise<boolean> {
    // A sql template, as in adjustCounts: this runs in every single-serial edit.
    const set = Object.entries(patch)
      .filter(([, value]) => value !== undefined)
      .map(([column, value]) => sql`${sql.ref(column)} = ${value}`);
    const result = await sql`update "serials" set ${sql.join(set)}, "version" = ${version + 1}
      where "id" = ${id} and "version" = ${version}`.execute(db);
    return Number(result.numAffectedRows) === 1;
  },

  findByNumbers(db: Executor, itemId: number, numbers: string[]) {
    if (numbers.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('serials')
      .innerJoin('locations', 'locations.id', 'serials.location_id')
      .leftJoin('customers', 'customers.id', 'serials.customer_id')
      .select(serialColumns)
      .where('serials.item_id', '=', itemId)
      .where('serials.serial_number', 'in', numbers)
      .where('serials.void_key', '=', 0)
      .execute();
  },

  /**
   * Sets fields on serials that are still in `expectedStatus`, as one conditional update; returns how many
   * changed. Callers compare with the number asked for: fewer means someone else got there first.
   */
  async updateManyInStatus(
    db: Executor,
    ids: number[],
    expectedStatus: string,
    set: Partial<
      Pick<
        NewSerialRow,
        | 'status'
        | 'location_id'
        | 'customer_id'
        | 'warranty_end_date'
        | 'condition_notes'
        | 'last_document_type'
        | 'last_document_number'
      >
    > & { updated_at: string; updated_by: number },
  ): Promise<number> {
    let changed = 0;
    for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
      const result = await db
        .updateTable('serials')
        .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
        .where('id', 'in', ids.slice(i, i + INSERT_CHUNK))
        .where('status', '=', expectedStatus)
        .executeTakeFirst();
      changed += Number(result.numUpdatedRows);
    }
    return changed;
  },

  /** Moves serials that are still at `fromLocationId` in a movable status; returns how many moved. */
  async moveMany(
    db: Executor,
    /** Serial ids, or ids with the version read: then a serial changed since that read is not moved. */
    serials: readonly number[] | readonly { id: number; version: number }[],
    move: {
      fromLocationId: number;
      toLocationId: number;
      movableStatuses: readonly string[];
      documentType: string;
      documentNumber: string;
      at: string;
      userId: number;
    },
  ): Promise<number> {
    let moved = 0;
    for (let i = 0; i < serials.length; i += INSERT_CHUNK) {
      const chunk = serials.slice(i, i + INSERT_CHUNK);
      const result = await db
        .updateTable('serials')
        .set((eb) => ({
          location_id: move.toLocationId,
          last_document_type: move.documentType,
          last_document_number: move.documentNumber,
          updated_at: move.at,
          updated_by: move.userId,
          version: eb('version', '+', 1),
        }))
        .where((eb) =>
          typeof chunk[0] === 'number'
            ? eb('id', 'in', chunk as number[])
            : eb(
                eb.refTuple('id', 'version'),
                'in',
                (chunk as { id: number; version: number }[]).map((s) => eb.tuple(s.id, s.version)),
              ),
        )
        .where('location_id', '=', move.fromLocationId)
        .where('status', 'in', move.movableStatuses)
        .executeTakeFirst();
      moved += Number(result.numUpdatedRows);
    }
    return moved;
  },

  events(db: Executor, serialId: number) {
    return db
      .selectFrom('serial_events')
      .leftJoin('users', 'users.id', 'serial_events.user_id')
      .leftJoin('locations as from_loc', 'from_loc.id', 'serial_events.from_location_id')
      .leftJoin('locations as to_loc', 'to_loc.id', 'serial_events.to_location_id')
      .leftJoin('customers', 'customers.id', 'serial_events.customer_id')
      .select([
        'serial_events.id',
        'serial_events.kind',
        'serial_events.at',
        'serial_events.user_id',
        'users.username',
        'serial_events.document_type',
        'serial_events.document_number',
        'serial_events.from_location_id',
        'from_loc.code as from_location_code',
        'serial_events.to_location_id',
        'to_loc.code as to_location_code',
        'serial_events.from_status',
        'serial_events.to_status',
        'serial_events.customer_id',
        'customers.name as customer_name',
        'serial_events.data',
      ])
      .where('serial_events.serial_id', '=', serialId)
      .orderBy('serial_events.id')
      .execute();
  },

  /**
   * Keyset page of the serials sold to a customer, most recently changed first; `after` is the last row's
   * [updated_at, id]. Served by serials_customer_updated_idx: a page costs its own rows, not a scan.
   */
  listByCustomer(db: Executor, q: { customerId: number; after?: [string, number]; limit: number }) {
    let query = db
      .selectFrom('serials')
      .innerJoin('items', 'items.id', 'serials.item_id')
      .innerJoin('locations', 'locations.id', 'serials.location_id')
      .select([
        'serials.id',
        'serials.serial_number',
        'serials.item_id',
        'items.sku as item_sku',
        'items.name as item_name',
        'serials.status',
        'serials.warranty_end_date',
        'serials.last_document_type',
        'serials.last_document_number',
        'serials.location_id',
        'locations.code as location_code',
        'serials.updated_at',
      ])
      .where('serials.customer_id', '=', q.customerId);
    if (q.after) {
      const [updatedAt, id] = q.after;
      query = query.where(
        sql<SqlBool>`(${sql.ref('serials.updated_at')}, ${sql.ref('serials.id')}) < (${updatedAt}, ${id})`,
      );
    }
    return query.orderBy('serials.updated_at', 'desc').orderBy('serials.id', 'desc').limit(q.limit).execute();
  },
};
