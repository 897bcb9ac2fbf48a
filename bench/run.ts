/**
 * Serialtrack benchmark: `npm run bench`. See bench/README.md for what each figure means.
 *
 * Every figure is measured twice: through the product (the services the HTTP routes call) and as a "raw
 * floor" (the same database work straight through the driver). The run builds its own fresh databases and
 * removes them at the end, also on failure or Ctrl-C.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { openRuntime, type Runtime } from '../src/server.js';
import { buildApp } from '../src/app.js';
import type { Principal } from '../src/auth/auth.service.js';
import { decodeCursor, encodeCursor } from '../src/shared/cursor.js';
import { nowIso } from '../src/shared/time.js';
import { addMonths } from '../src/serials/warranty.js';
import { benchAppConfig, postgresFactory, sqliteFactory, type DatabaseFactory } from './databases.js';
import {
  openRawDriver,
  type RawDriver,
  type RawReceipt,
  type RawSerialEntry,
  type RawSerialRef,
} from './raw.js';
import { runHttpLoad } from './http-load.js';
import { startRawHttpServer } from './http-raw.js';
import { figure, renderPhases, renderTable, type Figure } from './report.js';
import {
  forceGc,
  gcTracker,
  maxRssMb,
  cpuMeter,
  loadAverage,
  yieldToLoop,
  type CpuShare,
  type GcStats,
  memorySample,
  nowMs,
  prng,
  randomInt,
  median,
  summarize,
  timeEach,
  type LatencySummary,
} from './stats.js';

// ---------------------------------------------------------------------------------------------- settings

function envInt(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

const databaseUrl = process.env['DATABASE_URL'];
const usePostgres = databaseUrl !== undefined && /^postgres(ql)?:\/\//.test(databaseUrl);
if (databaseUrl !== undefined && databaseUrl !== '' && !usePostgres) {
  throw new Error('DATABASE_URL must be postgres://… (the SQLite bench always uses its own temp files).');
}

const ITEMS = envInt('BENCH_ITEMS', 100, 1);
const SERIALS = envInt('BENCH_SERIALS', 1_000_000, ITEMS);
const S = {
  items: ITEMS,
  perItem: Math.floor(SERIALS / ITEMS),
  serials: Math.floor(SERIALS / ITEMS) * ITEMS,
  batch: envInt('BENCH_BATCH', 10_000, 1),
  // "Page 20,000 of an item with a million serials": scales with BENCH_SERIALS unless set.
  bigItem: envInt('BENCH_BIG_ITEM', SERIALS),
  lookups: envInt('BENCH_LOOKUPS', 2_000, 1),
  pageReps: envInt('BENCH_PAGE_REPS', 1_000, 1),
  walkItems: Math.min(ITEMS, envInt('BENCH_WALK_ITEMS', 3, 1)),
  statusChanges: envInt('BENCH_STATUS_CHANGES', 5_000, 2),
  /** Receipts of one PO line with this many typed serials (and one more with automatic numbering). */
  receiptSerials: envInt('BENCH_RECEIPT_SERIALS', 10_000, 2),
  receipts: envInt('BENCH_RECEIPTS', 3, 1),
  /** Sales of this many serials (taken from the first receipt's), created and completed at once. */
  saleSerials: envInt('BENCH_SALE_SERIALS', 1_000, 1),
  sales: envInt('BENCH_SALES', 3, 1),
  httpRequests: envInt('BENCH_HTTP_REQUESTS', 20_000, 1),
  httpConcurrency: envInt('BENCH_HTTP_CONCURRENCY', 32, 1),
  httpDeadlineMs: envInt('BENCH_HTTP_TIMEOUT_S', 120, 1) * 1000,
  seed: envInt('BENCH_SEED', 42),
  /** Rows of the CSV import (bench/import.ts, in its own process); 0 skips it. */
  importRows: envInt('BENCH_IMPORT_ROWS', SERIALS),
  pageSize: 50,
  warmup: 200,
};

if (S.saleSerials * S.sales > S.receiptSerials)
  throw new Error('BENCH_SALE_SERIALS × BENCH_SALES must not exceed BENCH_RECEIPT_SERIALS');

const TARGETS_SQLITE = { bulkRatio: 0.5, latencyMs: 5, statusRatio: 0.4, peakRssMb: 400, receiptSeconds: 2 };

// ------------------------------------------------------------------------------------------ log, cleanup

const started = nowMs();
const log = (msg: string) =>
  console.error(`[bench ${((nowMs() - started) / 1000).toFixed(1).padStart(6)}s] ${msg}`);

const cleanups: { what: string; fn: () => Promise<void> }[] = [];
let cleaning: Promise<void> | undefined;
let interrupted = false;
/** Set once the databases exist: removes them again right before a signal exit (catches late creations). */
let finalSweep: (() => Promise<void>) | undefined;
const onCleanup = (what: string, fn: () => Promise<void>) => cleanups.push({ what, fn });
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const { what, fn } = cleanups.pop()!;
      try {
        await fn();
      } catch (err) {
        console.error(`cleanup (${what}) failed:`, err);
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: cleaning up`);
    void cleanup()
      .then(() => finalSweep?.())
      .catch((err: unknown) => console.error('cleanup failed:', err))
      .finally(() => process.exit(130));
  });
}

// ------------------------------------------------------------------------------------- measured phases

interface PhaseInfo {
  seconds: number;
  /** GC pauses of the main thread (where the product and the raw floor both run) during the phase. */
  gc: GcStats;
  /** CPU taken by the hypervisor (steal) and by other processes on the machine, % of all CPU time. */
  cpu: CpuShare;
}
const phases: Record<string, PhaseInfo> = {};
const gcStats = gcTracker();

/** Runs one measured phase from a freshly collected heap and records its GC pauses and CPU contention. */
async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
  forceGc();
  await yieldToLoop();
  const cpu = cpuMeter();
  const t0 = nowMs();
  const result = await fn();
  const t1 = nowMs();
  const share = cpu();
  await yieldToLoop();
  await new Promise((resolve) => setTimeout(resolve, 20));
  phases[name] = { seconds: (t1 - t0) / 1000, gc: gcStats.between(t0, t1), cpu: share };
  return result;
}

/** Times `fn` once per input inside a phase and summarises the latencies. */
function measure<T>(
  name: string,
  inputs: readonly T[],
  fn: (input: T) => Promise<unknown>,
): Promise<LatencySummary> {
  return phase(name, async () => summarize(await timeEach(inputs, fn)));
}

// --------------------------------------------------------------------------------------------- helpers

/** Which code was measured: the commit, and how many files under src/ differed from it at run time. */
function gitInfo(): { commit: string | null; srcFilesChanged: number | null } {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: path.dirname(fileURLToPath(import.meta.url)), encoding: 'utf8' });
  try {
    const commit = git('rev-parse', 'HEAD').trim();
    const changed = git('status', '--porcelain', '--', '../src')
      .split('\n')
      .filter((l) => l.trim() !== '').length;
    return { commit, srcFilesChanged: changed };
  } catch {
    return { commit: null, srcFilesChanged: null };
  }
}

const serialNumber = (prefix: string, n: number) => `${prefix}-${String(n).padStart(7, '0')}`;
const itemPrefix = (itemIndex: number) => `B${itemIndex}`;

interface Seeded {
  principal: Principal;
  userId: number;
  locationIds: [number, number];
  itemIds: number[];
  documents: SeededDocuments;
}

interface SeededOrder {
  id: number;
  number: string;
  lineId: number;
}

/** What the document figures need: open POs of one line each, and a customer. */
interface SeededDocuments {
  customerId: number;
  /** Item with a 12-month warranty that the typed receipts fill and the sales sell from. */
  receiptItemId: number;
  orders: SeededOrder[];
  /** Item with a serial pattern, and its PO for the automatically numbered receipt. */
  autoItemId: number;
  autoOrder: SeededOrder;
}

const BENCH_USER = 'bench';
const BENCH_PASSWORD = 'bench-password-not-secret';

/** First admin, sign-in, 2 locations and the items, all through the services. */
async function seed(rt: Runtime): Promise<Seeded> {
  const { services } = rt;
  await services.auth.setupFirstAdmin({ username: BENCH_USER, password: BENCH_PASSWORD });
  const { principal } = await services.auth.login(BENCH_USER, BENCH_PASSWORD);
  const a = await services.locations.create({ code: 'WH-A', name: 'Warehouse A' });
  const b = await services.locations.create({ code: 'WH-B', name: 'Warehouse B' });
  const itemIds: number[] = [];
  for (let i = 1; i <= S.items; i++) {
    const item = await services.items.create(principal, {
      sku: `BENCH-${String(i).padStart(3, '0')}`,
      name: `Bench item ${i}`,
      primaryLocationId: a.id,
      trackSerials: true,
    });
    itemIds.push(item.id);
  }
  const supplier = await services.suppliers.create({ name: 'Bench supplier' });
  const customer = await services.customers.create({ name: 'Bench customer' });
  const documentItem = (sku: string, extra: { warrantyMonths?: number; serialPattern?: string }) =>
    services.items.create(principal, {
      sku,
      name: `Bench item ${sku}`,
      primaryLocationId: a.id,
      trackSerials: true,
      ...extra,
    });
  const order = async (itemId: number): Promise<SeededOrder> => {
    const po = await services.purchasing.create(principal, {
      supplierId: supplier.id,
      lines: [{ itemId, quantityOrdered: S.receiptSerials }],
    });
    return { id: po.id, number: po.number, lineId: po.lines[0]!.id };
  };
  const receiptItem = await documentItem('BENCH-RECEIVED', { warrantyMonths: 12 });
  const autoItem = await documentItem('BENCH-AUTO', { serialPattern: 'AUTO-{#######}' });
  const orders: SeededOrder[] = [];
  for (let k = 0; k < S.receipts; k++) orders.push(await order(receiptItem.id));
  const documents = {
    customerId: customer.id,
    receiptItemId: receiptItem.id,
    orders,
    autoItemId: autoItem.id,
    autoOrder: await order(autoItem.id),
  };
  return { principal, userId: principal.userId, locationIds: [a.id, b.id], itemIds, documents };
}

/** Entries `prefix-from` … `prefix-(to-1)`, alternating between the two locations. */
function entries(prefix: string, from: number, to: number, locs: [number, number]): RawSerialEntry[] {
  const out: RawSerialEntry[] = [];
  for (let n = from; n < to; n++)
    out.push({ serialNumber: serialNumber(prefix, n), locationId: locs[n % 2]! });
  return out;
}

interface BulkResult {
  serials: number;
  calls: number;
  /** Sum of the timed calls only (entry-list construction excluded). */
  seconds: number;
  rate: number;
  /** Rate over the first and the last tenth of the calls: shows how the growing indexes slow inserts. */
  rateFirstTenth: number;
  rateLastTenth: number;
  heapUsedMaxMb: number;
  rssMaxSampledMb: number;
}

async function bulk(
  label: string,
  jobs: { prefix: string; itemId: number; count: number }[],
  locs: [number, number],
  insert: (itemId: number, batch: RawSerialEntry[]) => Promise<void>,
): Promise<BulkResult> {
  const perCall: { n: number; ms: number }[] = [];
  let heapUsedMaxMb = 0;
  let rssMaxSampledMb = 0;
  const total = jobs.reduce((a, j) => a + j.count, 0);
  let done = 0;
  let nextLog = total / 10;
  for (const job of jobs) {
    for (let from = 0; from < job.count; from += S.batch) {
      const batch = entries(job.prefix, from, Math.min(job.count, from + S.batch), locs);
      const t0 = nowMs();
      await insert(job.itemId, batch);
      perCall.push({ n: batch.length, ms: nowMs() - t0 });
      await yieldToLoop(); // untimed: lets Ctrl-C and the GC observer through between calls
      const m = memorySample();
      heapUsedMaxMb = Math.max(heapUsedMaxMb, m.heapUsedMb);
      rssMaxSampledMb = Math.max(rssMaxSampledMb, m.rssMb);
      done += batch.length;
      if (done >= nextLog) {
        const secs = perCall.reduce((a, c) => a + c.ms, 0) / 1000;
        log(
          `${label}: ${done.toLocaleString('en-US')} serials, ${Math.round(done / secs).toLocaleString('en-US')}/s`,
        );
        nextLog += total / 10;
      }
    }
  }
  const rateOf = (calls: { n: number; ms: number }[]) =>
    calls.reduce((a, c) => a + c.n, 0) / (calls.reduce((a, c) => a + c.ms, 0) / 1000);
  const tenth = Math.max(1, Math.floor(perCall.length / 10));
  const seconds = perCall.reduce((a, c) => a + c.ms, 0) / 1000;
  return {
    serials: total,
    calls: perCall.length,
    seconds,
    rate: total / seconds,
    rateFirstTenth: rateOf(perCall.slice(0, tenth)),
    rateLastTenth: rateOf(perCall.slice(-tenth)),
    heapUsedMaxMb,
    rssMaxSampledMb,
  };
}

interface ImportResult {
  rows: number;
  productSeconds: number;
  rawSeconds: number;
  productPeakRssMb: number;
  output: string;
}

/** Runs a bench script (bench/NAME.ts) in a process of its own under tsx and answers what it printed. */
function runBenchScript(name: string, args: string[]): Promise<string> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), `${name}.ts`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`bench/${name}.ts failed: ${String(stderr).trim() || err.message}`));
        else resolve(stdout);
      },
    );
  });
}

/**
 * The CSV import benchmark (bench/import.ts) in a process of its own, so that its peak RSS is the import's
 * alone. Its figures are read back from what it prints.
 */
async function runImportBench(rows: number, postgresUrl: string | undefined): Promise<ImportResult> {
  const stdout = await runBenchScript('import', [
    '--rows',
    String(rows),
    ...(postgresUrl ? ['--postgres', postgresUrl] : []),
  ]);
  const product = /product .*= ([\d.]+) s .*peak RSS (\d+) MB/.exec(stdout);
  const raw = /raw floor ([\d.]+) s/.exec(stdout);
  if (!product || !raw) throw new Error(`bench/import.ts printed no figures:\n${stdout}`);
  return {
    rows,
    productSeconds: Number(product[1]),
    rawSeconds: Number(raw[1]),
    productPeakRssMb: Number(product[2]),
    output: stdout.trim(),
  };
}

interface BuildMemoryResult {
  serials: number;
  seconds: number;
  rssBeforeMb: number;
  peakRssMb: number;
}

/**
 * The same build (S.serials over S.items through addSerials) in a process of its own (bench/build-memory.ts),
 * so that its peak RSS is the product's alone: in this process the harness's own memory is counted too.
 */
async function runBuildMemory(postgresUrl: string | undefined): Promise<BuildMemoryResult> {
  const stdout = await runBenchScript('build-memory', [
    '--serials',
    String(S.serials),
    '--items',
    String(S.items),
    '--batch',
    String(S.batch),
    ...(postgresUrl ? ['--postgres', postgresUrl] : []),
  ]);
  try {
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as BuildMemoryResult;
  } catch {
    throw new Error(`bench/build-memory.ts printed no figures:\n${stdout}`);
  }
}

function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`bench check failed: ${message}`);
}

// ------------------------------------------------------------------------------------------------ main

async function main(): Promise<void> {
  const dialect = usePostgres ? 'postgres' : 'sqlite';
  const loadAtStart = loadAverage();
  const codeVersion = gitInfo();
  const factory: DatabaseFactory = usePostgres
    ? postgresFactory(databaseUrl, envInt('PG_POOL_SIZE', 10, 1))
    : sqliteFactory();
  onCleanup('remove bench databases', () => factory.dispose());
  finalSweep = () => factory.dispose();

  log(
    `dialect ${dialect}; ${S.serials.toLocaleString('en-US')} serials over ${S.items} items ` +
      `(${S.perItem.toLocaleString('en-US')} each, ${S.batch.toLocaleString('en-US')} per call); ` +
      `big item ${S.bigItem.toLocaleString('en-US')}; ${os.cpus().length} CPUs`,
  );
  const productDb = await factory.create('product');
  const rawDb = await factory.create('raw');
  log(`product database ${productDb.where}; raw-floor database ${rawDb.where}`);

  // 1. Fresh schema in both through openRuntime; the same seed data through the services in both.
  const rt = await openRuntime(benchAppConfig(productDb.config));
  onCleanup('close product runtime', () => rt.close());
  const seeded = await seed(rt);
  const rawSetup = await openRuntime(benchAppConfig(rawDb.config));
  const rawSeeded = await seed(rawSetup).finally(() => rawSetup.close());
  expect(
    JSON.stringify([rawSeeded.userId, rawSeeded.locationIds, rawSeeded.itemIds, rawSeeded.documents]) ===
      JSON.stringify([seeded.userId, seeded.locationIds, seeded.itemIds, seeded.documents]),
    'product and raw databases got the same ids for user, locations, items and documents',
  );
  const { principal, locationIds, itemIds } = seeded;
  const jobs = itemIds.map((itemId, i) => ({ prefix: itemPrefix(i + 1), itemId, count: S.perItem }));

  // 2. Bulk create through the product's own bulk path.
  const rssBeforeBuildMb = memorySample().rssMb;
  log('bulk create through services.serials.addSerials …');
  const productBulk = await phase('bulk create, product', () =>
    bulk('product bulk', jobs, locationIds, async (itemId, batch) => {
      const created = await rt.services.serials.addSerials(principal, itemId, batch);
      expect(created.length === batch.length, 'addSerials returned every serial');
    }),
  );
  const peakRssBuildMb = maxRssMb();
  log(
    `product bulk: ${Math.round(productBulk.rate).toLocaleString('en-US')} serials/s; peak RSS ${peakRssBuildMb.toFixed(0)} MB`,
  );

  // 3. Raw floor: the same rows straight through the driver into the second database.
  const rawWriter = await openRawDriver(rawDb.config);
  onCleanup('close raw writer', () => rawWriter.close());
  log('bulk create raw floor …');
  const rawBulk = await phase('bulk create, raw', () =>
    bulk('raw bulk', jobs, locationIds, (itemId, batch) => {
      const at = nowIso();
      return rawWriter.insertSerials(
        { itemId, userId: seeded.userId, at, dateReceived: at.slice(0, 10) },
        batch,
      );
    }),
  );
  log(`raw bulk: ${Math.round(rawBulk.rate).toLocaleString('en-US')} serials/s`);

  // The extra item with a million serials (scaled), also through the product path.
  let bigItemId: number | null = null;
  let bigBulk: BulkResult | null = null;
  if (S.bigItem > 0) {
    const big = await rt.services.items.create(principal, {
      sku: 'BENCH-BIG',
      name: 'Bench item with many serials',
      primaryLocationId: locationIds[0],
      trackSerials: true,
    });
    bigItemId = big.id;
    log(`big item: ${S.bigItem.toLocaleString('en-US')} serials through addSerials …`);
    bigBulk = await phase('bulk create, big item', () =>
      bulk('big item', [{ prefix: 'BIG', itemId: big.id, count: S.bigItem }], locationIds, async (id, b) => {
        await rt.services.serials.addSerials(principal, id, b);
      }),
    );
    log(`big item: ${Math.round(bigBulk.rate).toLocaleString('en-US')} serials/s`);
  }
  const maxRssAfterBigMb = maxRssMb();

  // Read floors run on the product database itself (same data, same file), through a separate connection.
  const reader: RawDriver = await openRawDriver(productDb.config);
  onCleanup('close raw reader', () => reader.close());
  if (usePostgres) {
    // Make planner statistics deterministic after the bulk load instead of waiting for autovacuum.
    const { default: pg } = await import('pg');
    for (const db of [productDb, rawDb]) {
      const c = new pg.Client({ connectionString: (db.config as { url: string }).url });
      await c.connect();
      await c.query('analyze');
      await c.end();
    }
  }

  const rand = prng(S.seed);
  const pickSerial = () => serialNumber(itemPrefix(1 + randomInt(rand, S.items)), randomInt(rand, S.perItem));

  // 4. Lookups, exact and prefix.
  log(`lookups: ${S.lookups} exact + ${S.lookups} prefix, product and raw …`);
  const lookupLimit = 20;
  const warmValues = Array.from({ length: S.warmup }, pickSerial);
  const exactValues = Array.from({ length: S.lookups }, pickSerial);
  const prefixValues = exactValues.map((v) => v.slice(0, -2));
  const productLookup = async (v: string, mode: 'exact' | 'prefix') => {
    const r = await rt.services.serials.lookup(v, mode, lookupLimit);
    expect(mode === 'exact' ? r.length === 1 : r.length > 0, `product lookup ${mode} ${v}`);
  };
  const rawLookup = async (v: string, mode: 'exact' | 'prefix') => {
    const r = await reader.lookup(v, mode, lookupLimit);
    expect(mode === 'exact' ? r.length === 1 : r.length > 0, `raw lookup ${mode} ${v}`);
  };
  await timeEach(warmValues, (v) => productLookup(v, 'exact'));
  await timeEach(warmValues, (v) => rawLookup(v, 'exact'));
  const lookups = {
    exact: {
      product: await measure('lookup exact, product', exactValues, (v) => productLookup(v, 'exact')),
      raw: await measure('lookup exact, raw', exactValues, (v) => rawLookup(v, 'exact')),
    },
    prefix: {
      product: await measure('lookup prefix, product', prefixValues, (v) => productLookup(v, 'prefix')),
      raw: await measure('lookup prefix, raw', prefixValues, (v) => rawLookup(v, 'prefix')),
    },
  };

  // 5. Item serial list: walk a few items once (collecting the cursor of their last page), then time pages.
  const listParams = (cursor?: string) =>
    ({
      sort: 'serialNumber',
      direction: 'asc',
      limit: S.pageSize,
      ...(cursor !== undefined && { cursor }),
    }) as const;
  const walkIds = Array.from(
    { length: S.walkItems },
    (_, k) => itemIds[Math.floor((k * S.items) / S.walkItems)]!,
  );
  const lastCursors: (string | undefined)[] = [];
  const walkTimes: number[] = [];
  log(`pages: walking ${walkIds.length} item(s) of ${S.perItem.toLocaleString('en-US')} serials …`);
  for (const itemId of walkIds) {
    let cursor: string | undefined;
    let lastCursor: string | undefined;
    let seen = 0;
    for (;;) {
      const t0 = nowMs();
      const page = await rt.services.serials.list(itemId, listParams(cursor));
      walkTimes.push(nowMs() - t0);
      if (walkTimes.length % 50 === 0) await yieldToLoop();
      seen += page.serials.length;
      if (page.nextCursor === null) break;
      lastCursor = page.nextCursor;
      cursor = page.nextCursor;
    }
    expect(seen === S.perItem, `walk of item ${itemId} saw ${seen} serials`);
    lastCursors.push(lastCursor);
  }
  const reps = Array.from({ length: S.pageReps }, (_, i) => i % walkIds.length);
  const pageOf = (k: number) => ({ itemId: walkIds[k]!, cursor: lastCursors[k] });
  const afterOf = (cursor: string | undefined) =>
    cursor === undefined ? null : String(decodeCursor(cursor, 1)[0]);
  await timeEach(reps.slice(0, S.warmup), (k) => rt.services.serials.list(pageOf(k).itemId, listParams()));
  await timeEach(reps.slice(0, S.warmup), (k) => reader.listPage(pageOf(k).itemId, null, S.pageSize + 1));
  const pages = {
    walk: summarize(walkTimes),
    first: {
      product: await measure('first page, product', reps, (k) =>
        rt.services.serials.list(pageOf(k).itemId, listParams()),
      ),
      raw: await measure('first page, raw', reps, (k) =>
        reader.listPage(pageOf(k).itemId, null, S.pageSize + 1),
      ),
    },
    last: {
      product: await measure('last page, product', reps, (k) =>
        rt.services.serials.list(pageOf(k).itemId, listParams(pageOf(k).cursor)),
      ),
      raw: await measure('last page, raw', reps, (k) =>
        reader.listPage(pageOf(k).itemId, afterOf(pageOf(k).cursor), S.pageSize + 1),
      ),
    },
  };

  // The big item: first page and the last page (page 20,000 with a million serials).
  let bigPages: {
    pageNumber: number;
    first: Record<'product' | 'raw', LatencySummary>;
    deep: Record<'product' | 'raw', LatencySummary>;
  } | null = null;
  if (bigItemId !== null && S.bigItem > S.pageSize) {
    const id = bigItemId;
    const deepOffset = S.bigItem - S.pageSize; // first row of the last full page
    const pageNumber = Math.floor(deepOffset / S.pageSize) + 1;
    const cursorSerial = await reader.nthSerialNumber(id, deepOffset - 1);
    expect(cursorSerial !== undefined, 'found the deep cursor row');
    const cursor = encodeCursor([cursorSerial]);
    const check = await rt.services.serials.list(id, listParams(cursor));
    expect(
      check.serials.length === S.pageSize &&
        check.serials[0]?.serialNumber === serialNumber('BIG', deepOffset) &&
        check.counts.total === S.bigItem,
      `deep page of the big item starts at ${serialNumber('BIG', deepOffset)}`,
    );
    log(`pages: big item, first page and page ${pageNumber.toLocaleString('en-US')} …`);
    const bigReps = Array.from({ length: S.pageReps }, (_, i) => i);
    await timeEach(bigReps.slice(0, S.warmup), () => rt.services.serials.list(id, listParams(cursor)));
    await timeEach(bigReps.slice(0, S.warmup), () => reader.listPage(id, cursorSerial, S.pageSize + 1));
    bigPages = {
      pageNumber,
      first: {
        product: await measure('big item first page, product', bigReps, () =>
          rt.services.serials.list(id, listParams()),
        ),
        raw: await measure('big item first page, raw', bigReps, () =>
          reader.listPage(id, null, S.pageSize + 1),
        ),
      },
      deep: {
        product: await measure('big item deep page, product', bigReps, () =>
          rt.services.serials.list(id, listParams(cursor)),
        ),
        raw: await measure('big item deep page, raw', bigReps, () =>
          reader.listPage(id, cursorSerial, S.pageSize + 1),
        ),
      },
    };
  }

  // 6. Single-serial status changes: in_stock → damaged, then damaged → in_stock, on distinct serials.
  const distinct = new Map<string, number>();
  while (distinct.size < Math.floor(S.statusChanges / 2) && distinct.size < S.serials) {
    const idx = randomInt(rand, S.items);
    distinct.set(serialNumber(itemPrefix(idx + 1), randomInt(rand, S.perItem)), itemIds[idx]!);
  }
  const targets = [...distinct];
  // One query at a time: the PostgreSQL raw driver is a single connection.
  const resolve = async (driver: RawDriver) => {
    const refs: (RawSerialRef & { itemId: number })[] = [];
    for (const [sn, itemId] of targets) {
      const ref = await driver.findSerial(itemId, sn);
      expect(ref !== undefined && ref.status === 'in_stock', `serial ${sn} exists and is in stock`);
      refs.push({ ...ref, itemId });
    }
    return refs;
  };
  const productRefs = await resolve(reader);
  const rawRefs = await resolve(rawWriter);
  const statusCount = targets.length * 2;
  log(`status changes: ${statusCount} through services.serials.update, then raw …`);
  const passes = [
    ['in_stock', 'damaged'],
    ['damaged', 'in_stock'],
  ] as const;
  const productStatusTimes: number[] = [];
  const productStatusSecs = await phase('status changes, product', async () => {
    const t0 = nowMs();
    for (const [from, to] of passes) {
      for (const ref of productRefs) {
        const s = nowMs();
        const serial = await rt.services.serials.update(principal, ref.id, { status: to });
        productStatusTimes.push(nowMs() - s);
        if (productStatusTimes.length % 50 === 0) await yieldToLoop();
        expect(serial.status === to, `product status change ${from} → ${to}`);
      }
    }
    return (nowMs() - t0) / 1000;
  });
  const rawStatusTimes: number[] = [];
  const rawStatusSecs = await phase('status changes, raw', async () => {
    const t0 = nowMs();
    for (const [from, to] of passes) {
      for (const ref of rawRefs) {
        const s = nowMs();
        await rawWriter.changeStatus({
          id: ref.id,
          itemId: ref.itemId,
          locationId: ref.location_id,
          from,
          to,
          userId: seeded.userId,
          at: nowIso(),
        });
        rawStatusTimes.push(nowMs() - s);
        if (rawStatusTimes.length % 50 === 0) await yieldToLoop();
      }
    }
    return (nowMs() - t0) / 1000;
  });
  const status = {
    count: statusCount,
    product: { perSecond: statusCount / productStatusSecs, latency: summarize(productStatusTimes) },
    raw: { perSecond: statusCount / rawStatusSecs, latency: summarize(rawStatusTimes) },
    // PATCH /api/serials/:id answers with get() (the serial and its whole history) after update().
    detailGet: await measure('serial get() (the PATCH answer), product', productRefs, (ref) =>
      rt.services.serials.get(ref.id),
    ),
  };

  // 7. Documents: receiving one PO line of 10,000 serials, and sales of 1,000 serials, through the services.
  const docs = seeded.documents;
  const receiptSerial = (k: number, n: number) => serialNumber(`R${k + 1}`, n);
  /** The receipt's serials split over the two locations (even numbers to the first, odd to the second). */
  const receiptAllocations = (k: number) =>
    locationIds.map((locationId, side) => ({
      locationId,
      serials: Array.from({ length: S.receiptSerials }, (_, n) => n)
        .filter((n) => n % 2 === side)
        .map((n) => receiptSerial(k, n)),
    }));
  log(
    `documents: ${S.receipts} receipts of ${S.receiptSerials} serials, then ${S.sales} sales of ${S.saleSerials} …`,
  );
  const receiptTimes = { product: [] as number[], raw: [] as number[] };
  await phase('receipts, product', async () => {
    for (const [k, order] of docs.orders.entries()) {
      const allocations = receiptAllocations(k).map((a) => ({
        locationId: a.locationId,
        quantity: a.serials.length,
        serials: a.serials,
      }));
      const t0 = nowMs();
      const result = await rt.services.receiving.receive(principal, order.id, {
        lines: [{ lineId: order.lineId, allocations }],
      });
      receiptTimes.product.push(nowMs() - t0);
      expect(result.serials.length === S.receiptSerials, 'the receipt created every serial');
      await yieldToLoop();
    }
  });
  await phase('receipts, raw', async () => {
    for (const [k, order] of docs.orders.entries()) {
      const receipt: RawReceipt = {
        orderId: order.id,
        lineId: order.lineId,
        itemId: docs.receiptItemId,
        poNumber: order.number,
        userId: seeded.userId,
        at: nowIso(),
        allocations: receiptAllocations(k),
      };
      const t0 = nowMs();
      await rawWriter.receive(receipt);
      receiptTimes.raw.push(nowMs() - t0);
      await yieldToLoop();
    }
  });
  const autoReceiptMs = await phase('receipt with automatic numbering, product', async () => {
    const half = Math.floor(S.receiptSerials / 2);
    const t0 = nowMs();
    const result = await rt.services.receiving.receive(principal, docs.autoOrder.id, {
      lines: [
        {
          lineId: docs.autoOrder.lineId,
          allocations: [
            { locationId: locationIds[0], quantity: half, autoNumber: true },
            { locationId: locationIds[1], quantity: S.receiptSerials - half, autoNumber: true },
          ],
        },
      ],
    });
    const ms = nowMs() - t0;
    expect(
      result.serials.length === S.receiptSerials,
      'the automatically numbered receipt created every serial',
    );
    return ms;
  });

  // Sale j sells the first receipt's serials j·N … (j+1)·N−1 (half at each location).
  const saleNumbers = (j: number) =>
    Array.from({ length: S.saleSerials }, (_, i) => receiptSerial(0, j * S.saleSerials + i));
  const saleRefs: RawSerialRef[][] = [];
  for (let j = 0; j < S.sales; j++) {
    const refs: RawSerialRef[] = [];
    for (const sn of saleNumbers(j)) {
      const ref = await rawWriter.findSerial(docs.receiptItemId, sn);
      expect(ref?.status === 'in_stock', `raw serial ${sn} is in stock`);
      refs.push(ref);
    }
    saleRefs.push(refs);
  }
  const saleTimes = { product: [] as number[], raw: [] as number[] };
  await phase('sales, product', async () => {
    for (let j = 0; j < S.sales; j++) {
      const t0 = nowMs();
      const sale = await rt.services.sales.create(principal, {
        customerId: docs.customerId,
        lines: [{ itemId: docs.receiptItemId, serialNumbers: saleNumbers(j) }],
        complete: true,
      });
      saleTimes.product.push(nowMs() - t0);
      expect(
        sale.status === 'completed' && sale.lines[0]?.serials.length === S.saleSerials,
        'the sale completed with every serial',
      );
      await yieldToLoop();
    }
  });
  const saleDate = nowIso().slice(0, 10);
  await phase('sales, raw', async () => {
    for (let j = 0; j < S.sales; j++) {
      const t0 = nowMs();
      await rawWriter.sell({
        customerId: docs.customerId,
        itemId: docs.receiptItemId,
        userId: seeded.userId,
        at: nowIso(),
        saleDate,
        warrantyEndDate: addMonths(saleDate, 12),
        serials: saleRefs[j]!,
      });
      saleTimes.raw.push(nowMs() - t0);
      await yieldToLoop();
    }
  });
  const documents = {
    receipts: {
      serials: S.receiptSerials,
      productMs: receiptTimes.product,
      rawMs: receiptTimes.raw,
      autoNumberedProductMs: autoReceiptMs,
    },
    sales: { serials: S.saleSerials, productMs: saleTimes.product, rawMs: saleTimes.raw },
  };

  // 8. HTTP lookups over loopback against the real server.
  const app: FastifyInstance = await buildApp(rt.config, rt.database, rt.services);
  onCleanup('close HTTP server', () => app.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  const { token } = await rt.services.auth.createToken(seeded.userId, 'bench');
  const httpWarmup = Math.min(1_000, S.httpRequests);
  const httpPaths = Array.from(
    { length: httpWarmup + S.httpRequests },
    () => `/api/serials/lookup?q=${encodeURIComponent(pickSerial())}`,
  );
  log(`HTTP: ${S.httpRequests} GET /api/serials/lookup, concurrency ${S.httpConcurrency}, port ${port} …`);
  const load = await phase('HTTP lookups (server thread)', () =>
    runHttpLoad({
      port,
      token,
      paths: httpPaths,
      warmup: httpWarmup,
      concurrency: S.httpConcurrency,
      deadlineMs: S.httpDeadlineMs,
      requestTimeoutMs: 10_000,
      expectMatches: 1,
    }),
  );
  expect(load.errors === 0, `HTTP errors: ${load.errors} (first: ${load.firstError})`);

  // The same requests against the raw floor: node:http with the route's reads straight on the driver, on the
  // raw database (which holds the same serials), with a token created there through the product.
  const rawTokenRuntime = await openRuntime(benchAppConfig(rawDb.config));
  const { token: rawToken } = await rawTokenRuntime.services.auth
    .createToken(seeded.userId, 'bench-raw')
    .finally(() => rawTokenRuntime.close());
  const rawHttp = await startRawHttpServer(rawDb.config, envInt('PG_POOL_SIZE', 10, 1));
  onCleanup('close raw HTTP server', () => rawHttp.close());
  log(`HTTP raw floor: the same ${S.httpRequests} lookups, port ${rawHttp.port} …`);
  const rawLoad = await phase('HTTP lookups, raw floor', () =>
    runHttpLoad({
      port: rawHttp.port,
      token: rawToken,
      paths: httpPaths,
      warmup: httpWarmup,
      concurrency: S.httpConcurrency,
      deadlineMs: S.httpDeadlineMs,
      requestTimeoutMs: 10_000,
      expectMatches: 1,
    }),
  );
  await rawHttp.close();
  expect(rawLoad.errors === 0, `raw HTTP errors: ${rawLoad.errors} (first: ${rawLoad.firstError})`);
  const httpFigures = (l: typeof load) => ({
    requests: l.measured,
    concurrency: S.httpConcurrency,
    perSecond: l.latenciesMs.length / (l.elapsedMs / 1000),
    latency: summarize(l.latenciesMs),
    truncated: l.truncated,
  });
  const http = { ...httpFigures(load), raw: httpFigures(rawLoad) };

  // 9. CSV import of as many rows as serials above, on fresh databases of the same kind.
  let csvImport: ImportResult | { error: string } | null = null;
  if (S.importRows > 0) {
    log(`CSV import: bench/import.ts --rows ${S.importRows} in its own process …`);
    csvImport = await runImportBench(S.importRows, usePostgres ? databaseUrl : undefined).catch(
      (err: unknown) => ({
        error: err instanceof Error ? err.message : String(err),
      }),
    );
    if ('error' in csvImport) log(csvImport.error);
  }

  // 10. The build's peak memory in a process of its own.
  log(`build memory: bench/build-memory.ts, ${S.serials} serials in its own process …`);
  const buildMemory = await runBuildMemory(usePostgres ? databaseUrl : undefined).catch((err: unknown) => ({
    error: err instanceof Error ? err.message : String(err),
  }));
  if ('error' in buildMemory) log(buildMemory.error);

  // ------------------------------------------------------------------------------------------- report
  const t = TARGETS_SQLITE;
  const n = (x: number) => x.toLocaleString('en-US');
  const figures: Figure[] = [
    figure(
      'bulk_create',
      `bulk create, ${n(S.serials)} serials (addSerials)`,
      'serials/s',
      productBulk.rate,
      rawBulk.rate,
      {
        kind: 'ratioAtLeast',
        value: t.bulkRatio,
      },
    ),
    figure('lookup_exact_p50', 'lookup exact p50', 'ms', lookups.exact.product.p50, lookups.exact.raw.p50),
    figure('lookup_exact_p99', 'lookup exact p99', 'ms', lookups.exact.product.p99, lookups.exact.raw.p99, {
      kind: 'below',
      value: t.latencyMs,
    }),
    figure(
      'lookup_prefix_p50',
      'lookup prefix p50',
      'ms',
      lookups.prefix.product.p50,
      lookups.prefix.raw.p50,
    ),
    figure(
      'lookup_prefix_p99',
      'lookup prefix p99',
      'ms',
      lookups.prefix.product.p99,
      lookups.prefix.raw.p99,
      {
        kind: 'below',
        value: t.latencyMs,
      },
    ),
    figure(
      'page_first_p99',
      `list first page p99 (${n(S.perItem)}-serial item)`,
      'ms',
      pages.first.product.p99,
      pages.first.raw.p99,
      {
        kind: 'below',
        value: t.latencyMs,
      },
    ),
    figure(
      'page_last_p99',
      `list last page p99 (${n(S.perItem)}-serial item)`,
      'ms',
      pages.last.product.p99,
      pages.last.raw.p99,
      {
        kind: 'below',
        value: t.latencyMs,
      },
    ),
  ];
  if (bigPages) {
    figures.push(
      figure(
        'big_page_first_p99',
        `list first page p99 (${n(S.bigItem)}-serial item)`,
        'ms',
        bigPages.first.product.p99,
        bigPages.first.raw.p99,
        {
          kind: 'below',
          value: t.latencyMs,
        },
      ),
      figure(
        'big_page_deep_p50',
        `list page ${n(bigPages.pageNumber)} p50 (${n(S.bigItem)}-serial item)`,
        'ms',
        bigPages.deep.product.p50,
        bigPages.deep.raw.p50,
      ),
      figure(
        'big_page_deep_p99',
        `list page ${n(bigPages.pageNumber)} p99 (${n(S.bigItem)}-serial item)`,
        'ms',
        bigPages.deep.product.p99,
        bigPages.deep.raw.p99,
        {
          kind: 'below',
          value: t.latencyMs,
        },
      ),
    );
  }
  figures.push(
    figure(
      'status_change',
      'status change (update), sequential',
      'tx/s',
      status.product.perSecond,
      status.raw.perSecond,
      {
        kind: 'ratioAtLeast',
        value: t.statusRatio,
      },
    ),
    figure(
      'status_change_p50',
      'status change p50',
      'ms',
      status.product.latency.p50,
      status.raw.latency.p50,
    ),
    figure('serial_get_p50', 'serial get() p50 (PATCH adds it to update)', 'ms', status.detailGet.p50, null),
    figure(
      'status_change_p99',
      'status change p99',
      'ms',
      status.product.latency.p99,
      status.raw.latency.p99,
    ),
    figure(
      'receive_typed',
      `receive PO line, ${n(S.receiptSerials)} typed serials (median of ${S.receipts})`,
      's',
      median(receiptTimes.product) / 1000,
      median(receiptTimes.raw) / 1000,
      { kind: 'below', value: t.receiptSeconds },
    ),
    figure(
      'receive_auto_numbered',
      `receive PO line, ${n(S.receiptSerials)} auto-numbered serials`,
      's',
      autoReceiptMs / 1000,
      null,
      { kind: 'below', value: t.receiptSeconds },
    ),
    figure(
      'sale_complete',
      `sale of ${n(S.saleSerials)} serials, completed (median of ${S.sales})`,
      'ms',
      median(saleTimes.product),
      median(saleTimes.raw),
    ),
    figure(
      'http_lookup_rps',
      `HTTP GET /api/serials/lookup, ${S.httpConcurrency} concurrent`,
      'req/s',
      http.perSecond,
      http.raw.perSecond,
    ),
    figure('http_lookup_p50', 'HTTP lookup p50 (client-side)', 'ms', http.latency.p50, http.raw.latency.p50),
    figure('http_lookup_p99', 'HTTP lookup p99 (client-side)', 'ms', http.latency.p99, http.raw.latency.p99),
    // Not measured (the child failed) shows as "—" and FAIL: the target row never silently disappears.
    figure(
      'peak_rss_build_own',
      `peak RSS of the ${n(S.serials)} build (own process)`,
      'MB',
      'error' in buildMemory ? Number.NaN : buildMemory.peakRssMb,
      null,
      { kind: 'below', value: t.peakRssMb },
    ),
    figure(
      'peak_rss_build',
      `peak RSS after the ${n(S.serials)} build (bench process, harness included)`,
      'MB',
      peakRssBuildMb,
      null,
    ),
    figure(
      'heap_used_max_build',
      'max heapUsed sampled during the build',
      'MB',
      productBulk.heapUsedMaxMb,
      null,
    ),
  );
  if (csvImport && !('error' in csvImport)) {
    figures.push(
      figure(
        'csv_import',
        `CSV import of ${n(csvImport.rows)} rows (dry run + commit)`,
        'rows/s',
        csvImport.rows / csvImport.productSeconds,
        csvImport.rows / csvImport.rawSeconds,
        { kind: 'ratioAtLeast', value: t.bulkRatio },
      ),
      figure('csv_import_rss', 'peak RSS of the import process', 'MB', csvImport.productPeakRssMb, null, {
        kind: 'below',
        value: t.peakRssMb,
      }),
    );
  }
  if (bigBulk) {
    figures.push(
      figure(
        'bulk_create_big_item',
        `bulk create, big item (${n(S.bigItem)}, on top)`,
        'serials/s',
        bigBulk.rate,
        null,
      ),
    );
  }

  const results = {
    meta: {
      date: new Date().toISOString(),
      dialect,
      node: process.version,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
      git: codeVersion,
      settings: S,
      targets: {
        ...TARGETS_SQLITE,
        note: 'Targets are defined for SQLite; on PostgreSQL they are shown for reference.',
      },
      durationSeconds: (nowMs() - started) / 1000,
      loadAverage1m: { atStart: loadAtStart, atEnd: loadAverage() },
    },
    figures,
    details: {
      bulk: { product: productBulk, raw: rawBulk, bigItem: bigBulk },
      memory: {
        rssBeforeBuildMb,
        peakRssBuildMb,
        maxRssAfterBigItemMb: maxRssAfterBigMb,
        maxRssEndMb: maxRssMb(),
      },
      phases,
      lookups,
      pages,
      bigPages,
      status,
      documents,
      http,
      csvImport,
      buildMemory,
    },
  };

  const table = renderTable(figures);
  console.log(
    `\nSerialtrack bench — ${dialect}, ${n(S.serials)} serials, ${results.meta.cpus} CPUs, ` +
      `Node ${process.version}, ${results.meta.date}\n` +
      `code: commit ${codeVersion.commit?.slice(0, 10) ?? 'unknown'}, ` +
      `${codeVersion.srcFilesChanged ?? '?'} file(s) under src/ changed or new vs that commit\n`,
  );
  console.log(table);
  if (csvImport && 'error' in csvImport) console.log(`\nCSV import: not measured, ${csvImport.error}`);
  if ('error' in buildMemory) console.log(`\nBuild memory: not measured, ${buildMemory.error}`);
  console.log(`\nPhases (main thread):\n\n${renderPhases(phases)}`);
  console.log(
    `\n1-minute load average: ${loadAtStart.toFixed(2)} at start, ${loadAverage().toFixed(2)} at end ` +
      `(${results.meta.cpus} CPUs; "other procs CPU %" above is what other processes used during each phase` +
      (usePostgres ? ', including the PostgreSQL server doing this run’s queries).' : ').'),
  );
  if (usePostgres)
    console.log('\nTargets are defined for SQLite; on PostgreSQL they are shown for reference.');
  console.log(`\nTotal run time ${results.meta.durationSeconds.toFixed(0)} s.\n`);
  console.log(JSON.stringify(results, null, 2));

  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  fs.mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  fs.writeFileSync(path.join(dir, 'latest.json'), json);
  fs.writeFileSync(path.join(dir, `latest-${dialect}.json`), json);
  log(`results written to ${path.relative(process.cwd(), dir)}/`);
}

let exitCode = 0;
try {
  await main();
} catch (err) {
  // After Ctrl-C the main flow fails on closed connections; that is expected, not worth a stack trace.
  if (!interrupted) console.error('bench failed:', err);
  exitCode = 1;
}
// After a signal, the handler finishes the cleanup and exits with 130.
if (!interrupted) {
  await cleanup();
  log('cleaned up');
  process.exit(exitCode);
}
