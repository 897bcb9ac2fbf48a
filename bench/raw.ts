/**
 * The "raw floor": the same database work as the product does, straight through the driver (better-sqlite3
 * prepared statements, or pg with parameters/unnest and named prepared statements), with no query builder,
 * no validation and no view mapping. It is what the hardware and database engine allow on this schema.
 */
import type SQLite from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseConfig } from '../src/config.js';
import { openSqlite } from '../src/db/database.js';

export interface RawSerialEntry {
  serialNumber: string;
  locationId: number;
}

export interface RawInsertContext {
  itemId: number;
  userId: number;
  /** created_at / updated_at / event time, ISO text as the product writes it. */
  at: string;
  dateReceived: string;
}

export interface RawStatusChange {
  id: number;
  itemId: number;
  locationId: number;
  from: string;
  to: string;
  userId: number;
  at: string;
}

export interface RawSerialRef {
  id: number;
  location_id: number;
  status: string;
}

export interface RawDriver {
  /** serials rows + their "created" serial_events rows + counter upserts, in one transaction. */
  insertSerials(ctx: RawInsertContext, entries: readonly RawSerialEntry[]): Promise<void>;
  /** The lookup the product runs (same joins, order and limit). */
  lookup(value: string, mode: 'exact' | 'prefix', limit: number): Promise<unknown[]>;
  /** One keyset page of an item's serials by serial number, same columns and joins as the product. */
  listPage(itemId: number, after: string | null, limit: number): Promise<unknown[]>;
  /** The serial_number at `offset` in an item's serial-number order (used only to find a deep cursor). */
  nthSerialNumber(itemId: number, offset: number): Promise<string | undefined>;
  findSerial(itemId: number, serialNumber: string): Promise<RawSerialRef | undefined>;
  /** UPDATE serials + INSERT serial_events + 2 counter upserts, in one transaction. */
  changeStatus(c: RawStatusChange): Promise<void>;
  close(): Promise<void>;
}

const INSERT_SERIAL_COLUMNS =
  'item_id, serial_number, status, version, location_id, date_received, condition_notes, source_document_type, ' +
  'source_document_number, created_at, created_by, updated_at, updated_by';

const LOOKUP_SELECT = `select s.id, s.serial_number, s.status, s.item_id, i.sku, i.name as item_name,
    i.track_serials, l.code as location_code
  from serials s
  inner join items i on i.id = s.item_id
  inner join locations l on l.id = s.location_id`;

const PAGE_SELECT = `select s.id, s.item_id, s.serial_number, s.status, s.location_id, s.customer_id,
    s.warranty_end_date, s.date_received, s.condition_notes, s.source_document_type, s.source_document_number,
    s.last_document_type, s.last_document_number, s.version, s.created_at, s.created_by, s.updated_at,
    s.updated_by, l.code as location_code, c.name as customer_name
  from serials s
  inner join locations l on l.id = s.location_id
  left join customers c on c.id = s.customer_id`;

const UPSERT_COUNT_SQLITE = `insert into serial_counts (item_id, location_id, status, count) values (?, ?, ?, ?)
  on conflict (item_id, location_id, status) do update set count = serial_counts.count + excluded.count`;

function countsByLocation(entries: readonly RawSerialEntry[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const e of entries) counts.set(e.locationId, (counts.get(e.locationId) ?? 0) + 1);
  return counts;
}

export function openRawDriver(config: DatabaseConfig): Promise<RawDriver> {
  return config.kind === 'sqlite' ? Promise.resolve(sqliteRaw(config.file)) : postgresRaw(config.url);
}

function sqliteRaw(file: string): RawDriver {
  // The product's own connection settings (WAL, synchronous=NORMAL, foreign keys, 64 MB cache).
  const db: SQLite.Database = openSqlite(file);
  const insertSerial = db.prepare(
    `insert into serials (${INSERT_SERIAL_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertEvent = db.prepare(
    `insert into serial_events (serial_id, item_id, kind, at, user_id, document_type, document_number,
       from_location_id, to_location_id, from_status, to_status, data)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const upsertCount = db.prepare(UPSERT_COUNT_SQLITE);
  const lookupExact = db.prepare(
    `${LOOKUP_SELECT} where s.serial_number = ? order by s.serial_number, s.id limit ?`,
  );
  const lookupPrefix = db.prepare(
    `${LOOKUP_SELECT} where s.serial_number >= ? and s.serial_number < ? order by s.serial_number, s.id limit ?`,
  );
  const pageFirst = db.prepare(`${PAGE_SELECT} where s.item_id = ? order by s.serial_number asc limit ?`);
  const pageAfter = db.prepare(
    `${PAGE_SELECT} where s.item_id = ? and s.serial_number > ? order by s.serial_number asc limit ?`,
  );
  const nth = db.prepare(
    'select serial_number from serials where item_id = ? order by serial_number limit 1 offset ?',
  );
  const find = db.prepare(
    'select id, location_id, status from serials where item_id = ? and serial_number = ?',
  );
  const updateStatus = db.prepare(
    `update serials set status = ?, version = version + 1, updated_at = ?, updated_by = ?
     where id = ? and status = ?`,
  );

  const insertTx = db.transaction((ctx: RawInsertContext, entries: readonly RawSerialEntry[]) => {
    for (const e of entries) {
      const { lastInsertRowid } = insertSerial.run(
        ctx.itemId,
        e.serialNumber,
        'in_stock',
        1,
        e.locationId,
        ctx.dateReceived,
        '',
        'manual',
        null,
        ctx.at,
        ctx.userId,
        ctx.at,
        ctx.userId,
      );
      insertEvent.run(
        lastInsertRowid,
        ctx.itemId,
        'created',
        ctx.at,
        ctx.userId,
        'manual',
        null,
        null,
        e.locationId,
        null,
        'in_stock',
        null,
      );
    }
    for (const [locationId, n] of countsByLocation(entries)) {
      upsertCount.run(ctx.itemId, locationId, 'in_stock', n);
    }
  });

  const statusTx = db.transaction((c: RawStatusChange) => {
    const r = updateStatus.run(c.to, c.at, c.userId, c.id, c.from);
    if (r.changes !== 1) throw new Error(`raw status change: serial ${c.id} is not ${c.from}`);
    insertEvent.run(
      c.id,
      c.itemId,
      'status_changed',
      c.at,
      c.userId,
      null,
      null,
      c.locationId,
      c.locationId,
      c.from,
      c.to,
      null,
    );
    upsertCount.run(c.itemId, c.locationId, c.from, -1);
    upsertCount.run(c.itemId, c.locationId, c.to, 1);
  });

  return {
    insertSerials(ctx, entries) {
      insertTx(ctx, entries);
      return Promise.resolve();
    },
    lookup(value, mode, limit) {
      return Promise.resolve(
        mode === 'exact'
          ? lookupExact.all(value, limit)
          : lookupPrefix.all(value, `${value}\u{10FFFF}`, limit),
      );
    },
    listPage(itemId, after, limit) {
      return Promise.resolve(
        after === null ? pageFirst.all(itemId, limit) : pageAfter.all(itemId, after, limit),
      );
    },
    nthSerialNumber(itemId, offset) {
      const row = nth.get(itemId, offset) as { serial_number: string } | undefined;
      return Promise.resolve(row?.serial_number);
    },
    findSerial(itemId, serialNumber) {
      return Promise.resolve(find.get(itemId, serialNumber) as RawSerialRef | undefined);
    },
    changeStatus(c) {
      statusTx(c);
      return Promise.resolve();
    },
    close() {
      db.close();
      return Promise.resolve();
    },
  };
}

async function postgresRaw(url: string): Promise<RawDriver> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Named statements: parsed and planned once per connection, like better-sqlite3's prepared statements.
  const q = (name: string, text: string, values: unknown[]) => client.query({ name, text, values });

  const upsertCount = `insert into serial_counts (item_id, location_id, status, count) values ($1, $2, $3, $4)
    on conflict (item_id, location_id, status) do update set count = serial_counts.count + excluded.count`;

  return {
    async insertSerials(ctx, entries) {
      await client.query('begin');
      try {
        const inserted = await q(
          'raw_insert_serials',
          `insert into serials (${INSERT_SERIAL_COLUMNS})
           select $1::int, t.sn, 'in_stock', 1, t.loc, $2::text, '', 'manual', null, $3::text, $4::int, $3::text, $4::int
           from unnest($5::text[], $6::int[]) as t(sn, loc)
           returning id, serial_number`,
          [
            ctx.itemId,
            ctx.dateReceived,
            ctx.at,
            ctx.userId,
            entries.map((e) => e.serialNumber),
            entries.map((e) => e.locationId),
          ],
        );
        const idBySerial = new Map<string, number>(
          (inserted.rows as { id: number; serial_number: string }[]).map((r) => [r.serial_number, r.id]),
        );
        await q(
          'raw_insert_events',
          `insert into serial_events (serial_id, item_id, kind, at, user_id, document_type, document_number,
             to_location_id, to_status, data)
           select t.sid, $1::int, 'created', $2::text, $3::int, 'manual', null, t.loc, 'in_stock', null
           from unnest($4::int[], $5::int[]) with ordinality as t(sid, loc, ord)
           order by t.ord`,
          [
            ctx.itemId,
            ctx.at,
            ctx.userId,
            entries.map((e) => idBySerial.get(e.serialNumber)!),
            entries.map((e) => e.locationId),
          ],
        );
        const counts = [...countsByLocation(entries)].sort((a, b) => a[0] - b[0]);
        await q(
          'raw_upsert_counts_bulk',
          `insert into serial_counts (item_id, location_id, status, count)
           select $1::int, t.loc, 'in_stock', t.n from unnest($2::int[], $3::int[]) as t(loc, n)
           on conflict (item_id, location_id, status) do update set count = serial_counts.count + excluded.count`,
          [ctx.itemId, counts.map((c) => c[0]), counts.map((c) => c[1])],
        );
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      }
    },
    async lookup(value, mode, limit) {
      const r =
        mode === 'exact'
          ? await q(
              'raw_lookup_exact',
              `${LOOKUP_SELECT} where s.serial_number = $1 order by s.serial_number, s.id limit $2`,
              [value, limit],
            )
          : await q(
              'raw_lookup_prefix',
              `${LOOKUP_SELECT} where s.serial_number >= $1 and s.serial_number < $2
               order by s.serial_number, s.id limit $3`,
              [value, `${value}\u{10FFFF}`, limit],
            );
      return r.rows as unknown[];
    },
    async listPage(itemId, after, limit) {
      const r =
        after === null
          ? await q(
              'raw_page_first',
              `${PAGE_SELECT} where s.item_id = $1 order by s.serial_number asc limit $2`,
              [itemId, limit],
            )
          : await q(
              'raw_page_after',
              `${PAGE_SELECT} where s.item_id = $1 and s.serial_number > $2 order by s.serial_number asc limit $3`,
              [itemId, after, limit],
            );
      return r.rows as unknown[];
    },
    async nthSerialNumber(itemId, offset) {
      const r = await client.query<{ serial_number: string }>(
        'select serial_number from serials where item_id = $1 order by serial_number limit 1 offset $2',
        [itemId, offset],
      );
      return r.rows[0]?.serial_number;
    },
    async findSerial(itemId, serialNumber) {
      const r = await client.query<RawSerialRef>(
        'select id, location_id, status from serials where item_id = $1 and serial_number = $2',
        [itemId, serialNumber],
      );
      return r.rows[0];
    },
    async changeStatus(c) {
      await client.query('begin');
      try {
        const r = await q(
          'raw_update_status',
          `update serials set status = $1, version = version + 1, updated_at = $2, updated_by = $3
           where id = $4 and status = $5`,
          [c.to, c.at, c.userId, c.id, c.from],
        );
        if (r.rowCount !== 1) throw new Error(`raw status change: serial ${c.id} is not ${c.from}`);
        await q(
          'raw_insert_status_event',
          `insert into serial_events (serial_id, item_id, kind, at, user_id, from_location_id, to_location_id,
             from_status, to_status, data)
           values ($1, $2, 'status_changed', $3, $4, $5, $5, $6, $7, null)`,
          [c.id, c.itemId, c.at, c.userId, c.locationId, c.from, c.to],
        );
        // Same fixed order as the product (status text order) so row locks are always taken alike.
        const [a, b] = [
          { status: c.from, delta: -1 },
          { status: c.to, delta: 1 },
        ].sort((x, y) => x.status.localeCompare(y.status));
        await q('raw_upsert_count', upsertCount, [c.itemId, c.locationId, a!.status, a!.delta]);
        await q('raw_upsert_count', upsertCount, [c.itemId, c.locationId, b!.status, b!.delta]);
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      }
    },
    async close() {
      await client.end();
    },
  };
}
