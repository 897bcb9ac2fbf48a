import { PostgresAdapter, sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { EntryResult } from './count-scan.js';

/** Ids per `in (…)` list: well under SQLite's 32,766 bound parameters. */
const CHUNK = 1000;

const isPostgres = (db: Executor) => db.getExecutor().adapter instanceof PostgresAdapter;

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

export interface CountEntryRow {
  id: number;
  serial_id: number | null;
  serial_number: string;
  location_id: number;
  location_code: string;
  result: string;
  recorded_location_id: number | null;
  recorded_status: string | null;
  username: string;
  at: string;
  /** The serial as it is now (null for an unknown serial). */
  item_id: number | null;
  sku: string | null;
  now_location_id: number | null;
  now_location_code: string | null;
  now_status: string | null;
  now_version: number | null;
  now_void_key: number | null;
}

export interface ExpectedSerialRow {
  id: number;
  item_id: number;
  sku: string;
  serial_number: string;
  location_id: number;
  location_code: string;
  status: string;
  version: number;
}

export const countsRepository = {
  async insert(
    db: Executor,
    c: { number: string; note: string; allItems: boolean; userId: number; at: string },
    locationIds: number[],
    itemIds: number[],
  ): Promise<number> {
    const row = await db
      .insertInto('counts')
      .values({
        number: c.number,
        status: 'open',
        note: c.note,
        all_items: c.allItems ? 1 : 0,
        created_by: c.userId,
        created_at: c.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('count_locations')
      .values(locationIds.map((location_id) => ({ count_id: row.id, location_id })))
      .execute();
    for (const part of chunks(itemIds)) {
      await db
        .insertInto('count_items')
        .values(part.map((item_id) => ({ count_id: row.id, item_id })))
        .execute();
    }
    return row.id;
  },

  baseQuery(db: Executor) {
    return db
      .selectFrom('counts')
      .innerJoin('users', 'users.id', 'counts.created_by')
      .leftJoin('users as closer', 'closer.id', 'counts.closed_by')
      .select([
        'counts.id',
        'counts.number',
        'counts.status',
        'counts.note',
        'counts.all_items',
        'counts.created_at',
        'users.username as created_by',
        'counts.closed_at',
        'closer.username as closed_by',
        'counts.result',
      ]);
  },

  findById(db: Executor, id: number) {
    return countsRepository.baseQuery(db).where('counts.id', '=', id).executeTakeFirst();
  },

  list(db: Executor, q: { beforeId?: number | undefined; limit: number; status?: string | undefined }) {
    let query = countsRepository.baseQuery(db);
    if (q.beforeId !== undefined) query = query.where('counts.id', '<', q.beforeId);
    if (q.status !== undefined) query = query.where('counts.status', '=', q.status);
    return query.orderBy('counts.id', 'desc').limit(q.limit).execute();
  },

  /**
   * The count's status, with a lock on PostgreSQL: `share` for a scan (scans do not wait for each other),
   * `update` for the reconcile, which so waits for scans in flight and makes later ones wait, then see it closed.
   */
  async statusForWrite(db: Executor, id: number, mode: 'share' | 'update'): Promise<string | undefined> {
    if (!isPostgres(db)) {
      const row = await db.selectFrom('counts').select('status').where('id', '=', id).executeTakeFirst();
      return row?.status;
    }
    const lock = mode === 'share' ? sql`for share` : sql`for update`;
    const { rows } = await sql<{
      status: string;
    }>`select "status" from "counts" where "id" = ${id} ${lock}`.execute(db);
    return rows[0]?.status;
  },

  locations(db: Executor, countIds: number[]) {
    if (countIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('count_locations')
      .innerJoin('locations', 'locations.id', 'count_locations.location_id')
      .select(['count_locations.count_id', 'locations.id', 'locations.code', 'locations.name'])
      .where('count_locations.count_id', 'in', countIds)
      .orderBy('locations.code')
      .execute();
  },

  items(db: Executor, countId: number) {
    return db
      .selectFrom('count_items')
      .innerJoin('items', 'items.id', 'count_items.item_id')
      .select(['items.id', 'items.sku', 'items.name'])
      .where('count_items.count_id', '=', countId)
      .orderBy('items.sku')
      .execute();
  },

  /** Serials carrying this number (live ones, then voided ones), with where and what they are. */
  candidates(db: Executor, serialNumber: string, sku: string | undefined) {
    let query = db
      .selectFrom('serials')
      .innerJoin('items', 'items.id', 'serials.item_id')
      .innerJoin('locations', 'locations.id', 'serials.location_id')
      .select([
        'serials.id',
        'serials.item_id',
        'items.sku',
        'serials.status',
        'serials.location_id',
        'locations.code as location_code',
        'serials.void_key',
      ])
      .where('serials.serial_number', '=', serialNumber);
    if (sku !== undefined) query = query.where('items.sku', '=', sku);
    return query.orderBy('serials.void_key').orderBy('serials.id').limit(20).execute();
  },

  /** The entry, once per serial and count: returns its id, or null when the count already had it. */
  async insertEntry(
    db: Executor,
    e: {
      countId: number;
      serialKey: string;
      serialId: number | null;
      serialNumber: string;
      locationId: number;
      result: EntryResult;
      recordedLocationId: number | null;
      recordedStatus: string | null;
      userId: number;
      at: string;
    },
  ): Promise<number | null> {
    const row = await db
      .insertInto('count_entries')
      .values({
        count_id: e.countId,
        serial_key: e.serialKey,
        serial_id: e.serialId,
        serial_number: e.serialNumber,
        location_id: e.locationId,
        result: e.result,
        recorded_location_id: e.recordedLocationId,
        recorded_status: e.recordedStatus,
        user_id: e.userId,
        at: e.at,
      })
      .onConflict((oc) => oc.columns(['count_id', 'serial_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id ?? null;
  },

  entryByKey(db: Executor, countId: number, serialKey: string) {
    return db
      .selectFrom('count_entries')
      .innerJoin('users', 'users.id', 'count_entries.user_id')
      .innerJoin('locations', 'locations.id', 'count_entries.location_id')
      .select([
        'count_entries.at',
        'users.username',
        'locations.code as location_code',
        'count_entries.result',
      ])
      .where('count_entries.count_id', '=', countId)
      .where('count_entries.serial_key', '=', serialKey)
      .executeTakeFirst();
  },

  async insertScan(
    db: Executor,
    s: {
      countId: number;
      text: string;
      serialId: number | null;
      locationId: number;
      result: string;
      userId: number;
      at: string;
    },
  ): Promise<void> {
    await db
      .insertInto('count_scans')
      .values({
        count_id: s.countId,
        scanned_text: s.text,
        serial_id: s.serialId,
        location_id: s.locationId,
        result: s.result,
        user_id: s.userId,
        at: s.at,
      })
      .execute();
  },

  recentScans(db: Executor, countId: number, limit: number) {
    return db
      .selectFrom('count_scans')
      .innerJoin('users', 'users.id', 'count_scans.user_id')
      .innerJoin('locations', 'locations.id', 'count_scans.location_id')
      .select([
        'count_scans.id',
        'count_scans.scanned_text',
        'count_scans.result',
        'count_scans.at',
        'users.username',
        'locations.code as location_code',
      ])
      .where('count_scans.count_id', '=', countId)
      .orderBy('count_scans.id', 'desc')
      .limit(limit)
      .execute();
  },

  /** Entries per result: the running tallies every counter sees. */
  async tallies(db: Executor, countId: number): Promise<Map<string, number>> {
    const rows = await db
      .selectFrom('count_entries')
      .select(['result', (eb) => eb.fn.countAll<number>().as('n')])
      .where('count_id', '=', countId)
      .groupBy('result')
      .execute();
    return new Map(rows.map((r) => [r.result, Number(r.n)]));
  },

  async scanCount(db: Executor, countId: number): Promise<number> {
    const row = await db
      .selectFrom('count_scans')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('count_id', '=', countId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  /** Expected units from the per-location counters: serials on the shelf at the count's locations. */
  async expectedTotal(db: Executor, countId: number, presentStatuses: readonly string[]): Promise<number> {
    const row = await db
      .selectFrom('serial_counts')
      .innerJoin('count_locations', 'count_locations.location_id', 'serial_counts.location_id')
      .innerJoin('counts', 'counts.id', 'count_locations.count_id')
      .innerJoin('items', 'items.id', 'serial_counts.item_id')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('serial_counts.count'), eb.lit(0)).as('n'))
      .where('count_locations.count_id', '=', countId)
      .where('items.track_serials', '=', 1)
      .where('serial_counts.status', 'in', presentStatuses)
      .where((eb) =>
        eb.or([
          eb('counts.all_items', '=', 1),
          eb.exists(
            eb
              .selectFrom('count_items')
              .select('count_items.item_id')
              .whereRef('count_items.count_id', '=', 'counts.id')
              .whereRef('count_items.item_id', '=', 'serial_counts.item_id'),
          ),
        ]),
      )
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  /** Every entry of the count, with its serial as it is now. */
  entries(db: Executor, countId: number): Promise<CountEntryRow[]> {
    return db
      .selectFrom('count_entries')
      .innerJoin('users', 'users.id', 'count_entries.user_id')
      .innerJoin('locations', 'locations.id', 'count_entries.location_id')
      .leftJoin('serials', 'serials.id', 'count_entries.serial_id')
      .leftJoin('items', 'items.id', 'serials.item_id')
      .leftJoin('locations as now_loc', 'now_loc.id', 'serials.location_id')
      .select([
        'count_entries.id',
        'count_entries.serial_id',
        'count_entries.serial_number',
        'count_entries.location_id',
        'locations.code as location_code',
        'count_entries.result',
        'count_entries.recorded_location_id',
        'count_entries.recorded_status',
        'users.username',
        'count_entries.at',
        'serials.item_id',
        'items.sku',
        'serials.location_id as now_location_id',
        'now_loc.code as now_location_code',
        'serials.status as now_status',
        'serials.version as now_version',
        'serials.void_key as now_void_key',
      ])
      .where('count_entries.count_id', '=', countId)
      .orderBy('count_entries.id')
      .execute();
  },

  /**
   * The serials the count expects: recorded at its locations in `statuses`, of tracked items it covers (and,
   * when given, of these items only: the ones a reconcile holds locked).
   */
  expectedSerials(
    db: Executor,
    countId: number,
    statuses: readonly string[],
    itemIds?: readonly number[],
  ): Promise<ExpectedSerialRow[]> {
    let query = db
      .selectFrom('serials')
      .innerJoin('count_locations', 'count_locations.location_id', 'serials.location_id')
      .innerJoin('counts', 'counts.id', 'count_locations.count_id')
      .innerJoin('items', 'items.id', 'serials.item_id')
      .innerJoin('locations', 'locations.id', 'serials.location_id')
      .select([
        'serials.id',
        'serials.item_id',
        'items.sku',
        'serials.serial_number',
        'serials.location_id',
        'locations.code as location_code',
        'serials.status',
        'serials.version',
      ])
      .where('count_locations.count_id', '=', countId)
      .where('serials.status', 'in', statuses)
      .where('serials.void_key', '=', 0)
      .where('items.track_serials', '=', 1)
      .where((eb) =>
        eb.or([
          eb('counts.all_items', '=', 1),
          eb.exists(
            eb
              .selectFrom('count_items')
              .select('count_items.item_id')
              .whereRef('count_items.count_id', '=', 'counts.id')
              .whereRef('count_items.item_id', '=', 'serials.item_id'),
          ),
        ]),
      );
    if (itemIds !== undefined) {
      if (itemIds.length === 0) return Promise.resolve([]);
      query = isPostgres(db)
        ? query.where(sql<boolean>`"serials"."item_id" = any(${[...itemIds]}::integer[])`)
        : query.where('serials.item_id', 'in', [...itemIds]);
    }
    return query.orderBy('items.sku').orderBy('serials.serial_number').execute();
  },

  /** Quantity on hand of tracked items at the count's locations. */
  stockLevels(db: Executor, countId: number) {
    return db
      .selectFrom('stock_levels')
      .innerJoin('count_locations', 'count_locations.location_id', 'stock_levels.location_id')
      .innerJoin('items', 'items.id', 'stock_levels.item_id')
      .select(['stock_levels.item_id', 'stock_levels.location_id', 'stock_levels.quantity', 'items.sku'])
      .where('count_locations.count_id', '=', countId)
      .where('items.track_serials', '=', 1)
      .execute();
  },

  /**
   * Takes the counter row of a document series without using a number, so the numbers a reconcile needs can
   * be taken later, consecutively, while it holds the row (lock order: counters before items).
   */
  async holdCounter(db: Executor, series: string): Promise<void> {
    await db
      .insertInto('document_sequences')
      .values({ name: series, next_value: 0 })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet((eb) => ({ next_value: eb.ref('document_sequences.next_value') })),
      )
      .execute();
  },

  /** Sets status (and location) on serials still in one of `fromStatuses`; returns how many changed. */
  async setStatus(
    db: Executor,
    ids: readonly number[],
    fromStatuses: readonly string[],
    set: {
      status: string;
      locationId?: number;
      documentType: string | null;
      documentNumber: string | null;
      at: string;
      userId: number;
    },
  ): Promise<number> {
    let changed = 0;
    for (const part of chunks(ids)) {
      const result = await db
        .updateTable('serials')
        .set((eb) => ({
          status: set.status,
          ...(set.locationId !== undefined && { location_id: set.locationId }),
          last_document_type: set.documentType,
          last_document_number: set.documentNumber,
          updated_at: set.at,
          updated_by: set.userId,
          version: eb('version', '+', 1),
        }))
        .where('id', 'in', part)
        .where('status', 'in', fromStatuses)
        .executeTakeFirst();
      changed += Number(result.numUpdatedRows);
    }
    return changed;
  },

  /** Used On of serials a reconcile created (their "created" row already names the count). */
  async setUsedOn(db: Executor, ids: readonly number[], type: string, number: string): Promise<void> {
    for (const part of chunks(ids)) {
      await db
        .updateTable('serials')
        .set({ last_document_type: type, last_document_number: number })
        .where('id', 'in', part)
        .execute();
    }
  },

  async close(db: Executor, id: number, c: { userId: number; at: string; result: string }): Promise<void> {
    await db
      .updateTable('counts')
      .set({ status: 'closed', closed_by: c.userId, closed_at: c.at, result: c.result })
      .where('id', '=', id)
      .execute();
  },
};
