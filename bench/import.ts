/**
 * Import benchmark: a 1,000,000-row CSV imported through the product's path (stream → staging → dry run →
 * one-transaction commit, the same services the API and CLI call) against the raw driver floor (the same
 * rows read from the same file and written to serials, serial_events and serial_counts with better-sqlite3
 * prepared statements in one transaction, no validation). Prints seconds, rows/s, the ratio and peak RSS.
 *
 *   npx tsx bench/import.ts [--rows 1000000] [--keep-file] [--postgres [URL]]
 *
 * SQLite by default; --postgres runs both sides on fresh databases of that server (default the local one,
 * postgres://postgres@127.0.0.1:5432/postgres), the floor with pg parameter arrays (unnest) in one transaction.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { once } from 'node:events';
import type { AppConfig } from '../src/config.js';
import { openSqlite } from '../src/db/database.js';
import { openRuntime, type Runtime } from '../src/server.js';
import type { Principal } from '../src/auth/auth.service.js';
import pg from 'pg';
import { sql } from 'kysely';
import { benchAppConfig, postgresFactory, sqliteFactory } from './databases.js';

const args = process.argv.slice(2);
const argValue = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const ROWS = Number(argValue('--rows') ?? 1_000_000);
const LOCATIONS = ['R1-1A', 'R1-1B', 'R2-1A', 'R2-1B', 'R3-1A', 'R3-1B', 'R4-1A', 'R4-1B', 'DOCK', 'BACK'];
const SKU = 'BENCH-IMPORT';
const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The file a warehouse would export from a spreadsheet: quoted notes now and then, two statuses. */
async function writeCsv(file: string, rows: number): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('\uFEFFSerial Number,Location,Status,Date Received,Condition Notes,Warranty End\r\n');
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    const serial = `SN-${String(i).padStart(8, '0')}`;
    const location = LOCATIONS[i % LOCATIONS.length]!;
    const status = i % 20 === 0 ? 'Damaged' : 'In Stock';
    const received = `2025-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
    const notes = i % 10 === 0 ? `"Scuffed, box ""opened"""` : '';
    const warranty = i % 2 === 0 ? `2027-${String((i % 12) + 1).padStart(2, '0')}-01` : '';
    chunk += `${serial},${location},${status},${received},${notes},${warranty}\r\n`;
    if (i % 10_000 === 0) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  out.end();
  await once(out, 'finish');
}

/** A fresh database with the catalogue the import needs; returns the admin principal and the item. */
async function prepare(config: AppConfig): Promise<{ rt: Runtime; principal: Principal; itemId: number }> {
  const rt = await openRuntime(config);
  const admin = await rt.services.auth.setupFirstAdmin({ username: 'admin', password: 'bench-password-123' });
  const principal: Principal = {
    userId: admin.id,
    username: 'admin',
    displayName: 'admin',
    permissions: new Set(['INV_EDIT_ITEMS', 'INV_MANAGE_SERIALS']),
    via: 'token',
  };
  const locationIds: number[] = [];
  for (const code of LOCATIONS) locationIds.push((await rt.services.locations.create({ code })).id);
  const item = await rt.services.items.create(principal, {
    sku: SKU,
    name: 'Import bench item',
    trackSerials: true,
    primaryLocationId: locationIds[0],
  });
  return { rt, principal, itemId: item.id };
}

/** Peak resident set size while `fn` runs, sampled every 20 ms. */
async function measure<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number; peakRss: number }> {
  global.gc?.();
  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const start = process.hrtime.bigint();
  try {
    const result = await fn();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return { result, seconds, peakRss };
  } finally {
    clearInterval(timer);
  }
}

/** The floor: the same rows, read from the same file, written with prepared statements in one transaction. */
async function rawLoadSqlite(file: string, dbFile: string, itemId: number, userId: number): Promise<number> {
  const db = openSqlite(dbFile);
  try {
    const locationIds = new Map(
      (db.prepare('select id, code from locations').all() as { id: number; code: string }[]).map((l) => [
        l.code,
        l.id,
      ]),
    );
    const insertSerial = db.prepare(
      `insert into serials (item_id, serial_number, status, location_id, warranty_end_date, date_received,
        condition_notes, source_document_type, source_document_number, version, created_at, created_by,
        updated_at, updated_by) values (?, ?, ?, ?, ?, ?, ?, 'import', '1', 1, ?, ?, ?, ?)`,
    );
    const insertEvent = db.prepare(
      `insert into serial_events (serial_id, item_id, kind, at, user_id, document_type, document_number,
        to_location_id, to_status, data) values (?, ?, 'created', ?, ?, 'import', '1', ?, ?, ?)`,
    );
    const upsertCount = db.prepare(
      `insert into serial_counts (item_id, location_id, status, count) values (?, ?, ?, ?)
       on conflict (item_id, location_id, status) do update set count = serial_counts.count + excluded.count`,
    );
    const at = new Date().toISOString();
    const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
    let count = 0;
    let header = true;
    const counts = new Map<string, number>();
    db.exec('begin');
    try {
      for await (const line of lines) {
        if (header) {
          header = false;
          continue;
        }
        const [serial, code, statusLabel, received, notes, warranty] = generatedCells(line) as [
          string,
          string,
          string,
          string,
          string,
          string,
        ];
        const status = statusLabel === 'Damaged' ? 'damaged' : 'in_stock';
        const locationId = locationIds.get(code)!;
        const id = insertSerial.run(
          itemId,
          serial,
          status,
          locationId,
          warranty || null,
          received,
          notes,
          at,
          userId,
          at,
          userId,
        ).lastInsertRowid;
        const data: Record<string, string> = {};
        if (notes) data['conditionNotes'] = notes;
        if (warranty) data['warrantyEndDate'] = warranty;
        insertEvent.run(
          id,
          itemId,
          at,
          userId,
          locationId,
          status,
          notes || warranty ? JSON.stringify(data) : null,
        );
        const key = `${locationId}|${status}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        count++;
      }
      for (const [key, n] of counts) {
        const [locationId, status] = key.split('|');
        upsertCount.run(itemId, Number(locationId), status, n);
      }
      db.exec('commit');
    } catch (err) {
      db.exec('rollback');
      throw err;
    }
    return count;
  } finally {
    db.close();
  }
}

/** The generated file quotes only the notes and has no comma outside them, so a split is exact here. */
function generatedCells(line: string): string[] {
  const q = line.indexOf('"');
  if (q < 0) return line.split(',');
  const end = line.lastIndexOf('"');
  return [
    ...line.slice(0, q - 1).split(','),
    line.slice(q + 1, end).replace(/""/g, '"'),
    line.slice(end + 2),
  ];
}

/** The PostgreSQL floor: 5,000 rows per statement as parameter arrays, serials then their events, one transaction. */
async function rawLoadPostgres(file: string, url: string, itemId: number, userId: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const locationIds = new Map(
      (await client.query<{ id: number; code: string }>('select id, code from locations')).rows.map((l) => [
        l.code,
        l.id,
      ]),
    );
    const at = new Date().toISOString();
    const counts = new Map<string, number>();
    let count = 0;
    let batch: string[][] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const rows = batch.map((c) => {
        const status = c[2] === 'Damaged' ? 'damaged' : 'in_stock';
        const locationId = locationIds.get(c[1]!)!;
        const key = `${locationId}|${status}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        const data: Record<string, string> = {};
        if (c[4]) data['conditionNotes'] = c[4];
        if (c[5]) data['warrantyEndDate'] = c[5];
        return {
          serial: c[0]!,
          locationId,
          status,
          received: c[3]!,
          notes: c[4] ?? '',
          warranty: c[5] || null,
          data: c[4] || c[5] ? JSON.stringify(data) : null,
        };
      });
      const inserted = await client.query<{ id: number }>({
        name: 'raw_import_serials',
        text: `insert into serials (item_id, serial_number, status, location_id, warranty_end_date, date_received,
            condition_notes, source_document_type, source_document_number, version, created_at, created_by,
            updated_at, updated_by)
          select $1::int, t.sn, t.st, t.loc, t.we, t.dr, t.cn, 'import', '1', 1, $2::text, $3::int, $2::text, $3::int
          from unnest($4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[])
            with ordinality as t(sn, st, loc, we, dr, cn, ord)
          order by t.ord
          returning id`,
        values: [
          itemId,
          at,
          userId,
          rows.map((r) => r.serial),
          rows.map((r) => r.status),
          rows.map((r) => r.locationId),
          rows.map((r) => r.warranty),
          rows.map((r) => r.received),
          rows.map((r) => r.notes),
        ],
      });
      await client.query({
        name: 'raw_import_events',
        text: `insert into serial_events (serial_id, item_id, kind, at, user_id, document_type, document_number,
            to_location_id, to_status, data)
          select t.sid, $1::int, 'created', $2::text, $3::int, 'import', '1', t.loc, t.st, t.data
          from unnest($4::int[], $5::int[], $6::text[], $7::text[]) as t(sid, loc, st, data)`,
        values: [
          itemId,
          at,
          userId,
          inserted.rows.map((r) => r.id),
          rows.map((r) => r.locationId),
          rows.map((r) => r.status),
          rows.map((r) => r.data),
        ],
      });
      count += rows.length;
      batch = [];
    };
    await client.query('begin');
    try {
      let header = true;
      for await (const line of readline.createInterface({
        input: fs.createReadStream(file),
        crlfDelay: Infinity,
      })) {
        if (header) {
          header = false;
          continue;
        }
        batch.push(generatedCells(line));
        if (batch.length >= 5000) await flush();
      }
      await flush();
      for (const [key, n] of counts) {
        const [locationId, status] = key.split('|');
        await client.query(
          `insert into serial_counts (item_id, location_id, status, count) values ($1, $2, $3, $4)
           on conflict (item_id, location_id, status) do update set count = serial_counts.count + excluded.count`,
          [itemId, Number(locationId), status, n],
        );
      }
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    }
    return count;
  } finally {
    await client.end();
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main() {
  const pgAt = args.indexOf('--postgres');
  const pgUrl =
    pgAt < 0
      ? undefined
      : ((args[pgAt + 1]?.startsWith('postgres') ? args[pgAt + 1] : undefined) ?? DEFAULT_PG_URL);
  const factory = pgUrl ? postgresFactory(pgUrl, 10) : sqliteFactory();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serialtrack-import-bench-'));
  const file = path.join(dir, 'serials.csv');
  try {
    console.log(`Generating ${ROWS.toLocaleString('en')} rows…`);
    await writeCsv(file, ROWS);
    console.log(`CSV: ${file} (${mb(fs.statSync(file).size)})`);
    const productDb = await factory.create('import_product');
    const product = await prepare(benchAppConfig(productDb.config));
    const rssBefore = process.memoryUsage().rss;
    let importId = 0;
    const dry = await measure(async () => {
      const opened = await product.rt.services.imports.create(product.principal, {
        fileName: 'serials.csv',
        itemId: product.itemId,
      });
      importId = opened.id;
      return product.rt.services.imports.upload(opened.id, fs.createReadStream(file));
    });
    const report = dry.result.report!;
    if (report.rowsWithErrors > 0)
      throw new Error(`dry run found errors: ${JSON.stringify(report.errors[0])}`);
    // What /api/health does (`select 1`), due every 20 ms while the commit runs. A probe waits from the
    // moment it was due (a timer that fires late is an event loop held by a slice) until its answer: the
    // longest wait is how long the server could not answer anyone.
    const probe = { running: true, waits: [] as number[] };
    const probing = (async () => {
      while (probe.running) {
        const due = performance.now() + 20;
        await new Promise((resolve) => setTimeout(resolve, 20));
        await sql`select 1`.execute(product.rt.database.db);
        probe.waits.push(performance.now() - due);
      }
    })();
    const commit = await measure(() =>
      product.rt.services.imports.commit(product.principal, importId).finally(() => {
        probe.running = false;
      }),
    );
    await probing;
    const waits = probe.waits.sort((a, b) => a - b);
    const p99 = waits[Math.min(waits.length - 1, Math.floor(waits.length * 0.99))] ?? 0;
    const productSeconds = dry.seconds + commit.seconds;
    const productPeak = Math.max(dry.peakRss, commit.peakRss);
    const created = commit.result.serialsCreated;
    await product.rt.close();
    await productDb.drop();

    const rawDb = await factory.create('import_raw');
    const raw = await prepare(benchAppConfig(rawDb.config));
    await raw.rt.close();
    const config = rawDb.config;
    const floor = await measure(() =>
      config.kind === 'sqlite'
        ? rawLoadSqlite(file, config.file, raw.itemId, raw.principal.userId)
        : rawLoadPostgres(file, config.url, raw.itemId, raw.principal.userId),
    );
    await rawDb.drop();

    const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en')} rows/s`;
    console.log('');
    console.log(`Import of ${ROWS.toLocaleString('en')} rows (${pgUrl ? 'PostgreSQL' : 'SQLite'})`);
    console.log(
      `  product   dry run ${dry.seconds.toFixed(1)} s + commit ${commit.seconds.toFixed(1)} s = ` +
        `${productSeconds.toFixed(1)} s  ${rate(created, productSeconds)}  peak RSS ${mb(productPeak)} ` +
        `(dry run ${mb(dry.peakRss)}, commit ${mb(commit.peakRss)}; ${mb(rssBefore)} before)`,
    );
    console.log(
      `  reads during the commit: ${waits.length} probes, p99 ${p99.toFixed(0)} ms, longest ${(waits.at(-1) ?? 0).toFixed(0)} ms (target < 200 ms)`,
    );
    console.log(
      `  raw floor ${floor.seconds.toFixed(1)} s  ${rate(floor.result, floor.seconds)}  peak RSS ${mb(floor.peakRss)}`,
    );
    console.log(
      `  ratio     ${(productSeconds / floor.seconds).toFixed(2)}x (target ≤ 2x); peak RSS target < 400 MB`,
    );
    if (created !== ROWS || floor.result !== ROWS)
      throw new Error(`expected ${ROWS} serials, got ${created}/${floor.result}`);
  } finally {
    if (!args.includes('--keep-file')) fs.rmSync(dir, { recursive: true, force: true });
    await factory.dispose();
  }
}

await main();
