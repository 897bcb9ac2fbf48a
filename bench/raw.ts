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

/** One PO receipt of a serialized line, split over locations: the rows receiving.receive() writes. */
export interface RawReceipt {
  orderId: number;
  lineId: number;
  itemId: number;
  poNumber: string;
  userId: number;
  at: string;
  allocations: { locationId: number; serials: string[] }[];
}

/** A sale of serials created and completed at once: the rows sales.create({ complete: true }) writes. */
export interface RawSale {
  customerId: number;
  itemId: number;
  userId: number;
  at: string;
  saleDate: string;
  warrantyEndDate: string | null;
  serials: RawSerialRef[];
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
  /**
   * In one transaction: PO and line updates, receipt number, receipt and its lines, quantity on hand per
   * location, the item lock, the serials with their "created" rows, counters, PO status.
   */
  receive(r: RawReceipt): Promise<void>;
  /**
   * In one transaction: sale number, sale, line, line serials, serials In Stock → Reserved with their history
   * rows and counters, sale completed, serials Reserved → Sold (customer, warranty, Used On) with their history
   * rows, quantity on hand and counters.
   */
  sell(s: RawSale): Promise<void>;
  close(): Promise<void>;
}

const INSERT_SERIAL_COLUMNS =
  'item_id, serial_number, status, version, location_id, date_received, condition_notes, source_document_type, ' +
  'source_document_number, created_at, created_by, updated_at, updated_by';

export const LOOKUP_SELECT = `select s.id, s.serial_number, s.status, s.item_id, i.sku, i.name as item_name,
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

  const insertDocumentEvent = db.prepare(
    `insert into serial_events (serial_id, item_id, kind, at, user_id, document_type, document_number,
       from_location_id, to_location_id, from_status, to_status, customer_id, data)
     values (?, ?, ?, ?, ?, 'sale', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const nextNumber = db.prepare(
    `insert into document_sequences (name, next_value) values (?, 1) on conflict (name)
     do update set next_value = document_sequences.next_value + 1 returning next_value`,
  );
  const lockOrder = db.prepare(
    `update purchase_orders set updated_at = ? where id = ? and status in ('open', 'partially_received')`,
  );
  const addReceived = db.prepare(
    `update purchase_order_lines set quantity_received = quantity_received + ?
     where id = ? and quantity_received + ? <= quantity_ordered`,
  );
  const insertReceipt = db.prepare(
    'insert into receipts (number, purchase_order_id, at, user_id) values (?, ?, ?, ?)',
  );
  const insertReceiptLine = db.prepare(
    `insert into receipt_lines (receipt_id, purchase_order_line_id, location_id, quantity)
     values (?, ?, ?, ?)`,
  );
  const addStock = db.prepare(
    `insert into stock_levels (item_id, location_id, quantity) values (?, ?, ?) on conflict (item_id, location_id)
     do update set quantity = stock_levels.quantity + excluded.quantity returning quantity`,
  );
  const lockItem = db.prepare(
    'update items set track_serials = track_serials where id = ? and track_serials = 1',
  );
  const setOrderStatus = db.prepare('update purchase_orders set status = ?, updated_at = ? where id = ?');
  const insertSale = db.prepare(
    `insert into sales (number, customer_id, status, sale_date, notes, created_at, created_by, updated_at)
     values (?, ?, 'open', null, '', ?, ?, ?)`,
  );
  const insertSaleLine = db.prepare(
    `insert into sale_lines (sale_id, line_no, item_id, quantity, location_id, unit_price_cents)
     values (?, 1, ?, ?, null, 0)`,
  );
  const insertLineSerial = db.prepare(
    'insert into sale_line_serials (sale_line_id, serial_id) values (?, ?)',
  );
  const reserve = db.prepare(
    `update serials set status = 'reserved', last_document_type = 'sale', last_document_number = ?,
       updated_at = ?, updated_by = ?, version = version + 1
     where id = ? and status = 'in_stock'`,
  );
  const completeSale = db.prepare(
    `update sales set status = 'completed', updated_at = ?, sale_date = ? where id = ? and status = 'open'`,
  );
  const markSold = db.prepare(
    `update serials set status = 'sold', customer_id = ?, warranty_end_date = ?, last_document_type = 'sale',
       last_document_number = ?, updated_at = ?, updated_by = ?, version = version + 1
     where id = ? and status = 'reserved'`,
  );

  // Multi-row statements of 1,000 rows (the product's chunk), prepared once per size: better-sqlite3's
  // fastest way to write many rows, and no slower than a prepared single-row statement run per row.
  const CHUNK = 1000;
  const tuple = (n: number) => `(${new Array<string>(n).fill('?').join(', ')})`;
  const multiRow = new Map<number, { serials: SQLite.Statement; events: SQLite.Statement }>();
  const statementsFor = (rows: number) => {
    let st = multiRow.get(rows);
    if (!st) {
      st = {
        serials: db
          .prepare(
            `insert into serials (${INSERT_SERIAL_COLUMNS}) values ${new Array<string>(rows).fill(tuple(13)).join(', ')}
             returning id, serial_number`,
          )
          .raw(true),
        events: db.prepare(
          `insert into serial_events (serial_id, item_id, kind, at, user_id, document_type, document_number,
             from_location_id, to_location_id, from_status, to_status, data)
           values ${new Array<string>(rows).fill(tuple(12)).join(', ')}`,
        ),
      };
      multiRow.set(rows, st);
    }
    return st;
  };
  const insertTx = db.transaction((ctx: RawInsertContext, entries: readonly RawSerialEntry[]) => {
    for (let i = 0; i < entries.length; i += CHUNK) {
      const chunk = entries.slice(i, i + CHUNK);
      const st = statementsFor(chunk.length);
      const serialValues: unknown[] = [];
      for (const e of chunk) {
        serialValues.push(ctx.itemId, e.serialNumber, 'in_stock', 1, e.locationId, ctx.dateReceived, '');
        serialValues.push('manual', null, ctx.at, ctx.userId, ctx.at, ctx.userId);
      }
      const idBySerial = new Map(
        (st.serials.all(serialValues) as [number, string][]).map(([id, sn]) => [sn, id]),
      );
      const eventValues: unknown[] = [];
      for (const e of chunk) {
        eventValues.push(idBySerial.get(e.serialNumber), ctx.itemId, 'created', ctx.at, ctx.userId);
        eventValues.push('manual', null, null, e.locationId, null, 'in_stock', null);
      }
      st.events.run(eventValues);
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

  const receiveTx = db.transaction((r: RawReceipt) => {
    const total = r.allocations.reduce((n, a) => n + a.serials.length, 0);
    if (lockOrder.run(r.at, r.orderId).changes !== 1) throw new Error('raw receipt: PO not receivable');
    if (addReceived.run(total, r.lineId, total).changes !== 1) throw new Error('raw receipt: over-receipt');
    const { next_value } = nextNumber.get('receipt') as { next_value: number };
    const receiptId = insertReceipt.run(
      `RC-${String(next_value).padStart(6, '0')}`,
      r.orderId,
      r.at,
      r.userId,
    ).lastInsertRowid;
    for (const a of r.allocations) {
      insertReceiptLine.run(receiptId, r.lineId, a.locationId, a.serials.length);
      addStock.get(r.itemId, a.locationId, a.serials.length);
    }
    if (lockItem.run(r.itemId).changes !== 1) throw new Error('raw receipt: item does not track serials');
    const day = r.at.slice(0, 10);
    for (const a of r.allocations) {
      for (const sn of a.serials) {
        const { lastInsertRowid } = insertSerial.run(
          r.itemId,
          sn,
          'in_stock',
          1,
          a.locationId,
          day,
          '',
          'purchase_order',
          r.poNumber,
          r.at,
          r.userId,
          r.at,
          r.userId,
        );
        insertEvent.run(
          lastInsertRowid,
          r.itemId,
          'created',
          r.at,
          r.userId,
          'purchase_order',
          r.poNumber,
          null,
          a.locationId,
          null,
          'in_stock',
          null,
        );
      }
      upsertCount.run(r.itemId, a.locationId, 'in_stock', a.serials.length);
    }
    setOrderStatus.run('received', r.at, r.orderId);
  });

  const sellTx = db.transaction((s: RawSale) => {
    const { next_value } = nextNumber.get('sale') as { next_value: number };
    const number = `S-${String(next_value).padStart(6, '0')}`;
    const saleId = insertSale.run(number, s.customerId, s.at, s.userId, s.at).lastInsertRowid;
    const lineId = insertSaleLine.run(saleId, s.itemId, s.serials.length).lastInsertRowid;
    for (const serial of s.serials) insertLineSerial.run(lineId, serial.id);
    const perLocation = new Map<number, number>();
    for (const serial of s.serials) {
      if (reserve.run(number, s.at, s.userId, serial.id).changes !== 1)
        throw new Error(`raw sale: serial ${serial.id} is not in stock`);
      insertDocumentEvent.run(
        serial.id,
        s.itemId,
        'reserved',
        s.at,
        s.userId,
        number,
        serial.location_id,
        serial.location_id,
        'in_stock',
        'reserved',
        s.customerId,
        null,
      );
      perLocation.set(serial.location_id, (perLocation.get(serial.location_id) ?? 0) + 1);
    }
    for (const [locationId, n] of perLocation) {
      upsertCount.run(s.itemId, locationId, 'in_stock', -n);
      upsertCount.run(s.itemId, locationId, 'reserved', n);
    }
    if (completeSale.run(s.at, s.saleDate, saleId).changes !== 1) throw new Error('raw sale: not open');
    const data = JSON.stringify({ warrantyEndDate: s.warrantyEndDate });
    for (const serial of s.serials) {
      if (markSold.run(s.customerId, s.warrantyEndDate, number, s.at, s.userId, serial.id).changes !== 1)
        throw new Error(`raw sale: serial ${serial.id} is not reserved`);
      insertDocumentEvent.run(
        serial.id,
        s.itemId,
        'sold',
        s.at,
        s.userId,
        number,
        serial.location_id,
        serial.location_id,
        'reserved',
        'sold',
        s.customerId,
        data,
      );
    }
    for (const [locationId, n] of perLocation) {
      addStock.get(s.itemId, locationId, -n);
      upsertCount.run(s.itemId, locationId, 'reserved', -n);
      upsertCount.run(s.itemId, locationId, 'sold', n);
    }
  });

  return {
    insertSerials(ctx, entries) {
      insertTx(ctx, entries);
      return Promise.resolve();
    },
    receive(r) {
      receiveTx(r);
      return Promise.resolve();
    },
    sell(s) {
      sellTx(s);
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
  const addStock = `insert into stock_levels (item_id, location_id, quantity) values ($1, $2, $3)
    on conflict (item_id, location_id) do update set quantity = stock_levels.quantity + excluded.quantity
    returning quantity`;
  const nextNumber = async (series: string, prefix: string) => {
    const r = await q(
      'raw_next_number',
      `insert into document_sequences (name, next_value) values ($1, 1) on conflict (name)
       do update set next_value = document_sequences.next_value + 1 returning next_value`,
      [series],
    );
    return `${prefix}${String((r.rows[0] as { next_value: number }).next_value).padStart(6, '0')}`;
  };

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
    async receive(r) {
      await client.query('begin');
      try {
        const total = r.allocations.reduce((n, a) => n + a.serials.length, 0);
        const locked = await q(
          'raw_lock_order',
          `update purchase_orders set updated_at = $1 where id = $2 and status in ('open', 'partially_received')`,
          [r.at, r.orderId],
        );
        if (locked.rowCount !== 1) throw new Error('raw receipt: PO not receivable');
        const added = await q(
          'raw_add_received',
          `update purchase_order_lines set quantity_received = quantity_received + $1
           where id = $2 and quantity_received + $1 <= quantity_ordered`,
          [total, r.lineId],
        );
        if (added.rowCount !== 1) throw new Error('raw receipt: over-receipt');
        const number = await nextNumber('receipt', 'RC-');
        const receipt = await q(
          'raw_insert_receipt',
          'insert into receipts (number, purchase_order_id, at, user_id) values ($1, $2, $3, $4) returning id',
          [number, r.orderId, r.at, r.userId],
        );
        const receiptId = (receipt.rows[0] as { id: number }).id;
        await q(
          'raw_insert_receipt_lines',
          `insert into receipt_lines (receipt_id, purchase_order_line_id, location_id, quantity)
           select $1::int, $2::int, t.loc, t.n from unnest($3::int[], $4::int[]) as t(loc, n)`,
          [
            receiptId,
            r.lineId,
            r.allocations.map((a) => a.locationId),
            r.allocations.map((a) => a.serials.length),
          ],
        );
        for (const a of [...r.allocations].sort((x, y) => x.locationId - y.locationId))
          await q('raw_add_stock', addStock, [r.itemId, a.locationId, a.serials.length]);
        const item = await q(
          'raw_lock_item',
          'update items set track_serials = track_serials where id = $1 and track_serials = 1',
          [r.itemId],
        );
        if (item.rowCount !== 1) throw new Error('raw receipt: item does not track serials');
        const sns = r.allocations.flatMap((a) => a.serials);
        const locs = r.allocations.flatMap((a) => a.serials.map(() => a.locationId));
        const inserted = await q(
          'raw_receive_serials',
          `insert into serials (${INSERT_SERIAL_COLUMNS})
           select $1::int, t.sn, 'in_stock', 1, t.loc, $2::text, '', 'purchase_order', $3::text, $4::text, $5::int,
             $4::text, $5::int
           from unnest($6::text[], $7::int[]) as t(sn, loc)
           returning id, serial_number`,
          [r.itemId, r.at.slice(0, 10), r.poNumber, r.at, r.userId, sns, locs],
        );
        const idBySerial = new Map<string, number>(
          (inserted.rows as { id: number; serial_number: string }[]).map((x) => [x.serial_number, x.id]),
        );
        await q(
          'raw_receive_events',
          `insert into serial_events (serial_id, item_id, kind, at, user_id, document_type, document_number,
             to_location_id, to_status, data)
           select t.sid, $1::int, 'created', $2::text, $3::int, 'purchase_order', $4::text, t.loc, 'in_stock', null
           from unnest($5::int[], $6::int[]) with ordinality as t(sid, loc, ord)
           order by t.ord`,
          [r.itemId, r.at, r.userId, r.poNumber, sns.map((sn) => idBySerial.get(sn)!), locs],
        );
        await q(
          'raw_upsert_counts_bulk',
          `insert into serial_counts (item_id, location_id, status, count)
           select $1::int, t.loc, 'in_stock', t.n from unnest($2::int[], $3::int[]) as t(loc, n)
           on conflict (item_id, location_id, status) do update set count = serial_counts.count + excluded.count`,
          [r.itemId, r.allocations.map((a) => a.locationId), r.allocations.map((a) => a.serials.length)],
        );
        await q(
          'raw_set_order_status',
          'update purchase_orders set status = $1, updated_at = $2 where id = $3',
          ['received', r.at, r.orderId],
        );
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      }
    },
    async sell(s) {
      await client.query('begin');
      try {
        const number = await nextNumber('sale', 'S-');
        const sale = await q(
          'raw_insert_sale',
          `insert into sales (number, customer_id, status, sale_date, notes, created_at, created_by, updated_at)
           values ($1, $2, 'open', null, '', $3, $4, $3) returning id`,
          [number, s.customerId, s.at, s.userId],
        );
        const saleId = (sale.rows[0] as { id: number }).id;
        const line = await q(
          'raw_insert_sale_line',
          `insert into sale_lines (sale_id, line_no, item_id, quantity, location_id, unit_price_cents)
           values ($1, 1, $2, $3, null, 0) returning id`,
          [saleId, s.itemId, s.serials.length],
        );
        const lineId = (line.rows[0] as { id: number }).id;
        const ids = s.serials.map((x) => x.id);
        const locs = s.serials.map((x) => x.location_id);
        await q(
          'raw_insert_line_serials',
          'insert into sale_line_serials (sale_line_id, serial_id) select $1::int, t.id from unnest($2::int[]) as t(id)',
          [lineId, ids],
        );
        const reserved = await q(
          'raw_reserve',
          `update serials set status = 'reserved', last_document_type = 'sale', last_document_number = $1,
             updated_at = $2, updated_by = $3, version = version + 1
           where id = any($4::int[]) and status = 'in_stock'`,
          [number, s.at, s.userId, ids],
        );
        if (reserved.rowCount !== ids.length) throw new Error('raw sale: a serial is not in stock');
        const events = (kind: string, from: string, to: string, data: string | null) =>
          q(
            `raw_sale_events_${kind}`,
            `insert into serial_events (serial_id, item_id, kind, at, user_id, document_type, document_number,
               from_location_id, to_location_id, from_status, to_status, customer_id, data)
             select t.sid, $1::int, $2::text, $3::text, $4::int, 'sale', $5::text, t.loc, t.loc, $6::text, $7::text,
               $8::int, $9::text
             from unnest($10::int[], $11::int[]) with ordinality as t(sid, loc, ord)
             order by t.ord`,
            [s.itemId, kind, s.at, s.userId, number, from, to, s.customerId, data, ids, locs],
          );
        await events('reserved', 'in_stock', 'reserved', null);
        const perLocation = new Map<number, number>();
        for (const loc of locs) perLocation.set(loc, (perLocation.get(loc) ?? 0) + 1);
        const sortedLocations = [...perLocation].sort((a, b) => a[0] - b[0]);
        const counts = async (moves: { status: string; sign: number }[]) => {
          const rows = sortedLocations.flatMap(([loc, n]) =>
            moves.map((m) => ({ loc, status: m.status, n: m.sign * n })),
          );
          rows.sort((a, b) => a.loc - b.loc || a.status.localeCompare(b.status));
          await q(
            'raw_upsert_counts_moves',
            `insert into serial_counts (item_id, location_id, status, count)
             select $1::int, t.loc, t.status, t.n from unnest($2::int[], $3::text[], $4::int[]) as t(loc, status, n)
             on conflict (item_id, location_id, status) do update set count = serial_counts.count + excluded.count`,
            [s.itemId, rows.map((r) => r.loc), rows.map((r) => r.status), rows.map((r) => r.n)],
          );
        };
        await counts([
          { status: 'in_stock', sign: -1 },
          { status: 'reserved', sign: 1 },
        ]);
        const completed = await q(
          'raw_complete_sale',
          `update sales set status = 'completed', updated_at = $1, sale_date = $2 where id = $3 and status = 'open'`,
          [s.at, s.saleDate, saleId],
        );
        if (completed.rowCount !== 1) throw new Error('raw sale: not open');
        const sold = await q(
          'raw_mark_sold',
          `update serials set status = 'sold', customer_id = $1, warranty_end_date = $2, last_document_type = 'sale',
             last_document_number = $3, updated_at = $4, updated_by = $5, version = version + 1
           where id = any($6::int[]) and status = 'reserved'`,
          [s.customerId, s.warrantyEndDate, number, s.at, s.userId, ids],
        );
        if (sold.rowCount !== ids.length) throw new Error('raw sale: a serial is not reserved');
        for (const [loc, n] of sortedLocations) await q('raw_add_stock', addStock, [s.itemId, loc, -n]);
        await events('sold', 'reserved', 'sold', JSON.stringify({ warrantyEndDate: s.warrantyEndDate }));
        await counts([
          { status: 'reserved', sign: -1 },
          { status: 'sold', sign: 1 },
        ]);
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
