/**
 * Soak: mixed traffic (sales, receipts, transfers, reads) against the real server, started as its own
 * process (`serialtrack serve`) on a fresh database, for a configurable time. Prints every minute, per
 * operation, the count, errors, p50 and p99, and the server's RSS; at the end the totals, the distinct
 * errors and (PostgreSQL) where the database connections spent their time, sampled from pg_stat_activity.
 *
 *   npx tsx bench/soak.ts                       # both databases, 30 minutes each, 16 clients
 *   npx tsx bench/soak.ts --minutes 2 --db postgres --clients 16
 *
 * PostgreSQL is the server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); the soak
 * creates its own database there and drops it at the end. Not part of the test run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { postgresFactory, sqliteFactory, type BenchDatabase, type DatabaseFactory } from './databases.js';
import { nowMs, percentile } from './stats.js';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    db: { type: 'string', default: 'sqlite,postgres' },
    clients: { type: 'string', default: '16' },
    items: { type: 'string', default: '10' },
    'serials-per-item': { type: 'string', default: '2000' },
  },
});
const MINUTES = Number(args.minutes);
const CLIENTS = Number(args.clients);
const ITEMS = Number(args.items);
const SERIALS_PER_ITEM = Number(args['serials-per-item']);
const PG_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const OPS = ['sale', 'receipt', 'transfer', 'read'] as const;
type Op = (typeof OPS)[number];

interface Session {
  base: string;
  cookie: string;
  csrf: string;
}

async function call(s: Session, method: string, url: string, body?: unknown) {
  const res = await fetch(s.base + url, {
    method,
    headers: {
      cookie: s.cookie,
      'x-csrf-token': s.csrf,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, text, json: <T>() => JSON.parse(text) as T };
}

async function startServer(db: BenchDatabase): Promise<{ child: ChildProcess; base: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    LOG_LEVEL: 'warn',
    PG_POOL_SIZE: process.env['PG_POOL_SIZE'] ?? '10',
  };
  if (db.config.kind === 'postgres') env['DATABASE_URL'] = db.config.url;
  else {
    delete env['DATABASE_URL'];
    env['SERIALTRACK_DB_FILE'] = db.config.file;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.on('data', (d: Buffer) => process.stderr.write(`[server] ${d.toString()}`));
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running on (http:\/\/[^ ]+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { child, base };
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 'NaN');
  return Math.round(kb / 1024);
}

interface Window {
  ms: Record<Op, number[]>;
  errors: Record<Op, number>;
}
const emptyWindow = (): Window => ({
  ms: { sale: [], receipt: [], transfer: [], read: [] },
  errors: { sale: 0, receipt: 0, transfer: 0, read: 0 },
});
const fmt = (n: number) => (Number.isNaN(n) ? '—' : n < 10 ? n.toFixed(1) : String(Math.round(n)));

async function soak(factory: DatabaseFactory): Promise<string> {
  const db = await factory.create('soak');
  console.error(`\n=== ${factory.kind}: ${db.where}, ${MINUTES} min, ${CLIENTS} clients`);
  const { child, base } = await startServer(db);
  const lines: string[] = [];
  const log = (line: string) => {
    console.log(line);
    lines.push(line);
  };
  try {
    const setup = await fetch(`${base}/api/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'soak-password-123' }),
    });
    if (setup.status !== 201) throw new Error(`setup: ${setup.status} ${await setup.text()}`);
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'soak-password-123' }),
    });
    const cookie = /st_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    const s: Session = { base, cookie, csrf: ((await login.json()) as { csrfToken: string }).csrfToken };

    const must = async (what: string, p: ReturnType<typeof call>, status = 201) => {
      const r = await p;
      if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.text}`);
      return r;
    };
    const locs: number[] = [];
    for (const code of ['SOAK-A', 'SOAK-B']) {
      const r = await must('location', call(s, 'POST', '/api/locations', { code, name: code }));
      locs.push(r.json<{ id: number }>().id);
    }
    const customerId = (await must('customer', call(s, 'POST', '/api/customers', { name: 'Soak' }))).json<{
      id: number;
    }>().id;
    const supplierId = (await must('supplier', call(s, 'POST', '/api/suppliers', { name: 'Soak' }))).json<{
      id: number;
    }>().id;
    /** In-stock serials per item, with where they are: sales take from here, transfers move them. */
    const pool: { itemId: number; poId: number; lineId: number; free: { id: number; loc: number }[] }[] = [];
    for (let i = 0; i < ITEMS; i++) {
      const itemId = (
        await must(
          'item',
          call(s, 'POST', '/api/items', {
            sku: `SOAK-${i}`,
            name: `Soak ${i}`,
            trackSerials: true,
            primaryLocationId: locs[0],
          }),
        )
      ).json<{ id: number }>().id;
      const free: { id: number; loc: number }[] = [];
      for (let k = 0; k < SERIALS_PER_ITEM; k += 1000) {
        const batch = Array.from({ length: Math.min(1000, SERIALS_PER_ITEM - k) }, (_, j) => ({
          serialNumber: `S${i}-${String(k + j).padStart(7, '0')}`,
          locationId: locs[(k + j) % 2],
        }));
        const r = await must('serials', call(s, 'POST', `/api/items/${itemId}/serials`, { serials: batch }));
        for (const x of r.json<{ serials: { id: number; locationId: number }[] }>().serials)
          free.push({ id: x.id, loc: x.locationId });
      }
      for (const loc of locs) {
        await must(
          'stock',
          call(s, 'POST', '/api/stock-adjustments', {
            itemId,
            locationId: loc,
            delta: SERIALS_PER_ITEM,
            reason: 'Soak opening stock',
          }),
        );
      }
      const po = (
        await must(
          'po',
          call(s, 'POST', '/api/purchase-orders', {
            supplierId,
            lines: [{ itemId, quantityOrdered: 1_000_000 }],
          }),
        )
      ).json<{ id: number; lines: { id: number }[] }>();
      pool.push({ itemId, poId: po.id, lineId: po.lines[0]!.id, free });
    }

    let received = 0;
    const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;
    const takeFree = (p: (typeof pool)[number]) =>
      p.free.length === 0 ? undefined : p.free.splice(Math.floor(Math.random() * p.free.length), 1)[0];
    const errorsSeen = new Map<string, number>();
    let window = emptyWindow();
    const total = emptyWindow();
    const record = (op: Op, ms: number, ok: boolean, why: string) => {
      window.ms[op].push(ms);
      total.ms[op].push(ms);
      if (!ok) {
        window.errors[op]++;
        total.errors[op]++;
        errorsSeen.set(`${op}: ${why}`, (errorsSeen.get(`${op}: ${why}`) ?? 0) + 1);
      }
    };

    async function one(): Promise<void> {
      const p = pick(pool);
      const roll = Math.random();
      const op: Op = roll < 0.35 ? 'sale' : roll < 0.5 ? 'receipt' : roll < 0.7 ? 'transfer' : 'read';
      const t0 = nowMs();
      let r: Awaited<ReturnType<typeof call>>;
      let back: { id: number; loc: number } | undefined;
      if (op === 'sale') {
        const unit = takeFree(p);
        if (!unit) return;
        r = await call(s, 'POST', '/api/sales', {
          customerId,
          complete: true,
          lines: [{ itemId: p.itemId, serialIds: [unit.id] }],
        });
      } else if (op === 'receipt') {
        const n = ++received;
        const loc = pick(locs);
        r = await call(s, 'POST', `/api/purchase-orders/${p.poId}/receipts`, {
          lines: [
            {
              lineId: p.lineId,
              allocations: [
                {
                  locationId: loc,
                  quantity: 5,
                  serials: Array.from({ length: 5 }, (_, j) => `R${n}-${j}`),
                },
              ],
            },
          ],
        });
        if (r.status === 201)
          for (const x of r.json<{ serials: { id: number }[] }>().serials) p.free.push({ id: x.id, loc });
      } else if (op === 'transfer') {
        const unit = takeFree(p);
        if (!unit) return;
        const to = unit.loc === locs[0] ? locs[1]! : locs[0]!;
        r = await call(s, 'POST', '/api/transfers', {
          fromLocationId: unit.loc,
          toLocationId: to,
          serialIds: [unit.id],
        });
        back = { id: unit.id, loc: r.status === 201 ? to : unit.loc };
      } else {
        const which = Math.random();
        const url =
          which < 0.4
            ? `/api/items/${p.itemId}/serials?limit=50`
            : which < 0.7
              ? `/api/serials/lookup?q=S${pool.indexOf(p)}-${String(Math.floor(Math.random() * SERIALS_PER_ITEM)).padStart(7, '0')}`
              : `/api/items/${p.itemId}/stock`;
        r = await call(s, 'GET', url);
      }
      if (back) p.free.push(back);
      const ok = r.status < 300;
      let why = '';
      if (!ok) {
        try {
          why = `${r.status} ${r.json<{ code: string }>().code}`;
        } catch {
          why = `${r.status}`;
        }
      }
      record(op, nowMs() - t0, ok, why);
    }

    // PostgreSQL: where the server's connections are, sampled every 100 ms.
    const waits = new Map<string, number>();
    const lockWaits = new Map<string, number>();
    let sampler: pg.Client | undefined;
    let sampling = true;
    const samplerDone = (async () => {
      if (db.config.kind !== 'postgres') return;
      sampler = new pg.Client({ connectionString: PG_URL });
      await sampler.connect();
      const name = new URL(db.config.url).pathname.slice(1);
      while (sampling) {
        const res = await sampler.query<{ what: string; n: string }>(
          `select coalesce(state, '?') || ' / ' || coalesce(wait_event_type || ':' || wait_event, 'on CPU') as what,
             count(*) as n
           from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and backend_type = 'client backend'
           group by 1`,
          [name],
        );
        for (const row of res.rows) waits.set(row.what, (waits.get(row.what) ?? 0) + Number(row.n));
        // Which statements wait for a lock: the counter upsert, the item lock, a serial update…
        const blocked = await sampler.query<{ what: string; n: string }>(
          `select regexp_replace(left(query, 70), '[[:space:]]+', ' ', 'g') as what, count(*) as n
           from pg_stat_activity where datname = $1 and wait_event_type = 'Lock' group by 1`,
          [name],
        );
        for (const row of blocked.rows)
          lockWaits.set(row.what, (lockWaits.get(row.what) ?? 0) + Number(row.n));
        await new Promise((r) => setTimeout(r, 100));
      }
      await sampler.end();
    })();

    log(`\n### ${factory.kind}: ${MINUTES} min, ${CLIENTS} clients, ${ITEMS} items\n`);
    log(
      '| min | ' +
        OPS.map((o) => `${o} n / err / p50 / p99 ms`).join(' | ') +
        ' | server RSS MB |\n|' +
        ' --- |'.repeat(OPS.length + 2),
    );
    const startedAt = nowMs();
    const endAt = startedAt + MINUTES * 60_000;
    let minute = 0;
    const rss: number[] = [rssMb(child.pid!)];
    const ticker = setInterval(() => {
      minute++;
      const w = window;
      window = emptyWindow();
      rss.push(rssMb(child.pid!));
      const cells = OPS.map((o) => {
        const sorted = [...w.ms[o]].sort((a, b) => a - b);
        return `${sorted.length} / ${w.errors[o]} / ${fmt(percentile(sorted, 50))} / ${fmt(percentile(sorted, 99))}`;
      });
      log(`| ${minute} | ${cells.join(' | ')} | ${rss.at(-1)} |`);
    }, 60_000);
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (nowMs() < endAt) await one();
      }),
    );
    clearInterval(ticker);
    sampling = false;
    await samplerDone;

    log('');
    log(`**Total** (${factory.kind}, ${MINUTES} min): server RSS MB over time ${rss.join(' → ')}\n`);
    log(
      '| operation | n | errors | p50 ms | p90 ms | p99 ms | max ms |\n| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const o of OPS) {
      const sorted = [...total.ms[o]].sort((a, b) => a - b);
      log(
        `| ${o} | ${sorted.length} | ${total.errors[o]} | ${fmt(percentile(sorted, 50))} | ${fmt(percentile(sorted, 90))} | ${fmt(percentile(sorted, 99))} | ${fmt(sorted.at(-1) ?? NaN)} |`,
      );
    }
    log(
      `\nErrors: ${errorsSeen.size === 0 ? 'none' : [...errorsSeen].map(([k, n]) => `${k} ×${n}`).join('; ')}`,
    );
    if (waits.size > 0) {
      const all = [...waits.values()].reduce((a, b) => a + b, 0);
      log('\nPostgreSQL connections of the server, sampled every 100 ms (state / wait):\n');
      log('| state / wait event | share |\n| --- | --- |');
      for (const [what, n] of [...waits].sort((x, y) => y[1] - x[1]))
        log(`| ${what} | ${((100 * n) / all).toFixed(1)} % |`);
      const blockedAll = [...lockWaits.values()].reduce((a, b) => a + b, 0);
      log('\nStatements waiting for a row lock (share of lock-wait samples):\n');
      log('| statement | share |\n| --- | --- |');
      for (const [what, n] of [...lockWaits].sort((x, y) => y[1] - x[1]).slice(0, 8))
        log(`| \`${what.replace(/\|/g, '/')}\` | ${((100 * n) / blockedAll).toFixed(1)} % |`);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await db.drop();
  }
  return lines.join('\n');
}

const out: string[] = [];
for (const kind of args.db.split(',').map((d) => d.trim())) {
  const factory: DatabaseFactory =
    kind === 'postgres'
      ? postgresFactory(PG_URL, Number(process.env['PG_POOL_SIZE'] ?? 10))
      : sqliteFactory();
  try {
    out.push(await soak(factory));
  } finally {
    await factory.dispose();
  }
}
fs.mkdirSync(path.join('bench', 'results'), { recursive: true });
fs.writeFileSync(path.join('bench', 'results', 'soak-latest.md'), out.join('\n\n') + '\n');
