/**
 * Stocktake benchmark: a location with 50,000 serials counted and reconciled through the product's services
 * (the ones the HTTP routes call).
 *
 *   npx tsx bench/counts.ts [--serials 50000] [--scans 3000] [--postgres [URL]]
 *
 * 1. Scans: `--scans` serials scanned from 3 "devices" at once (three concurrent loops), each timed; a tenth of
 *    them are duplicates of earlier scans, a twentieth are at another location (misplaced), a fiftieth unknown.
 * 2. Reconcile: the rest of the found units are entered straight into count_entries with one INSERT … SELECT
 *    (what 47,000 more scans would leave; scanning them one by one would take minutes and measures nothing new),
 *    2,500 units are left unfound; then one reconcile with every choice on: transfer the misplaced, mark the
 *    rest Missing, set the quantity to the count. Timed as a whole.
 * SQLite by default (a temp file); --postgres uses a fresh database on that server, dropped at the end.
 */
import { sql } from 'kysely';
import { openRuntime } from '../src/server.js';
import type { Principal } from '../src/auth/auth.service.js';
import { ALL_PERMISSIONS } from '../src/auth/permissions.js';
import { benchAppConfig, postgresFactory, sqliteFactory } from './databases.js';
import { nowMs, summarize } from './stats.js';

const args = process.argv.slice(2);
const argValue = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const SERIALS = Number(argValue('--serials') ?? 50_000);
const SCANS = Number(argValue('--scans') ?? 3000);
const UNFOUND = Math.min(2500, Math.floor(SERIALS / 20));
const pgAt = args.indexOf('--postgres');
const pgUrl =
  pgAt >= 0
    ? args[pgAt + 1]?.startsWith('postgres')
      ? args[pgAt + 1]!
      : 'postgres://postgres@127.0.0.1:5432/postgres'
    : null;

const log = (s: string) => process.stderr.write(`${s}\n`);
const serialOf = (i: number) => `CNT-${String(i).padStart(7, '0')}`;

async function main() {
  const factory = pgUrl ? postgresFactory(pgUrl, 10) : sqliteFactory();
  const database = await factory.create('counts');
  const rt = await openRuntime(benchAppConfig(database.config));
  try {
    const admin = await rt.services.auth.setupFirstAdmin({
      username: 'admin',
      password: 'bench-password-123',
    });
    const principal: Principal = {
      userId: admin.id,
      username: 'admin',
      displayName: 'admin',
      permissions: new Set(ALL_PERMISSIONS),
      via: 'token',
    };
    const shelf = await rt.services.locations.create({ code: 'SHELF' });
    const back = await rt.services.locations.create({ code: 'BACK' });
    const item = await rt.services.items.create(principal, {
      sku: 'BENCH-COUNT',
      name: 'Count bench item',
      trackSerials: true,
      primaryLocationId: shelf.id,
    });
    log(
      `creating ${SERIALS.toLocaleString('en-US')} serials at SHELF (+ ${Math.ceil(SCANS / 20)} at BACK) …`,
    );
    for (let i = 0; i < SERIALS; i += 10_000) {
      const n = Math.min(10_000, SERIALS - i);
      await rt.services.serials.addSerials(
        principal,
        item.id,
        Array.from({ length: n }, (_, k) => ({ serialNumber: serialOf(i + k), locationId: shelf.id })),
      );
    }
    const misplacedCount = Math.ceil(SCANS / 20);
    await rt.services.serials.addSerials(
      principal,
      item.id,
      Array.from({ length: misplacedCount }, (_, k) => ({ serialNumber: `BACK-${k}`, locationId: back.id })),
    );
    await rt.services.stock.adjust(principal, {
      itemId: item.id,
      locationId: shelf.id,
      delta: SERIALS,
      reason: 'bench',
    });
    if (pgUrl) await sql`analyze`.execute(rt.database.db);

    const count = await rt.services.counts.create(principal, { locationIds: [shelf.id] });
    const texts: string[] = [];
    for (let i = 0; i < SCANS; i++) {
      if (i % 10 === 9)
        texts.push(serialOf(i - 5)); // a duplicate of an earlier scan
      else if (i % 20 === 3) texts.push(`BACK-${Math.floor(i / 20)}`);
      else if (i % 50 === 7) texts.push(`NOPE-${i}`);
      else if (i % 4 === 0)
        texts.push(`ST1/BENCH-COUNT/${serialOf(i)}`); // a QR label
      else texts.push(serialOf(i));
    }
    log(`scanning ${SCANS.toLocaleString('en-US')} from 3 devices at once …`);
    const samples: number[] = [];
    const results: Record<string, number> = {};
    const device = async (d: number) => {
      for (let i = d; i < texts.length; i += 3) {
        const t0 = nowMs();
        const r = await rt.services.counts.scan(principal, count.id, { text: texts[i]! });
        samples.push(nowMs() - t0);
        results[r.result] = (results[r.result] ?? 0) + 1;
      }
    };
    const scanStart = nowMs();
    await Promise.all([0, 1, 2].map(device));
    const scanSeconds = (nowMs() - scanStart) / 1000;
    const scan = summarize(samples);

    // The rest of the shelf found, as the remaining scans would have left it (all but UNFOUND serials).
    const at = new Date().toISOString();
    await sql`insert into "count_entries" ("count_id", "serial_key", "serial_id", "serial_number", "location_id", "result", "recorded_location_id", "recorded_status", "user_id", "at")
      select ${count.id}, 's:' || cast("id" as text), "id", "serial_number", "location_id", 'expected', "location_id", "status", ${admin.id}, ${at}
      from "serials" where "location_id" = ${shelf.id} and "serial_number" < ${serialOf(SERIALS - UNFOUND)}
      on conflict ("count_id", "serial_key") do nothing`.execute(rt.database.db);

    log('reconciling …');
    const r0 = nowMs();
    const closed = await rt.services.countReconcile.reconcile(principal, count.id, {
      misplaced: 'transfer',
      notFound: 'mark_missing',
      foundMissing: 'mark_found',
      addUnknown: [],
      quantity: 'set_to_counted',
    });
    const reconcileSeconds = (nowMs() - r0) / 1000;
    const report = {
      dialect: pgUrl ? 'postgres' : 'sqlite',
      serialsAtLocation: SERIALS,
      scans: { n: SCANS, seconds: scanSeconds, perSecond: SCANS / scanSeconds, latencyMs: scan, results },
      reconcile: {
        seconds: reconcileSeconds,
        transfers: closed.result?.transfers.length,
        markedMissing: closed.result?.markedMissing,
        adjustments: closed.result?.adjustments,
        skippedTotal: closed.result?.skippedTotal,
      },
    };
    const f = (n: number) => n.toFixed(1);
    console.log(`| ${report.dialect} | ${SERIALS.toLocaleString('en-US')} serials at the location |`);
    console.log('| --- | --- |');
    console.log(
      `| scan (3 devices at once, n=${SCANS}) | p50 ${f(scan.p50)} ms, p99 ${f(scan.p99)} ms, max ${f(scan.max)} ms; ${f(report.scans.perSecond)} scans/s |`,
    );
    console.log(
      `| reconcile | ${reconcileSeconds.toFixed(2)} s: ${closed.result?.markedMissing} marked Missing, ${closed.result?.transfers.length} transfer(s), ${closed.result?.adjustments.length} adjustment(s) |`,
    );
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await rt.close();
    await database.drop();
    await factory.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
