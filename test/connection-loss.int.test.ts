import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { availableDialects } from './support/dialects.js';
import { PG_BASE_URL } from './support/databases.js';
import { addSerials, createTestApp, makeItem, makeLocation, type TestApp } from './support/test-app.js';
import { makeCustomer } from './support/documents.js';
import { httpClientFor, listen, type HttpAnswer, type HttpClient } from './support/http-client.js';

/**
 * What a PostgreSQL restart or failover does to a running server: every connection of its pool is
 * terminated under it while clients sell and read. The server must live on, answer the requests caught in
 * the cut with 503 problem+json (never a 500, never a dropped socket), report the outage on /api/health
 * and serve again within seconds once the pool has reconnected.
 */
const postgres = (await availableDialects()).includes('postgres');
const CUTS = 4;

describe.runIf(postgres)('a lost database connection [postgres]', () => {
  let t: TestApp;
  let http: HttpClient;
  let itemId: number;
  let customerId: number;
  let serialIds: number[];
  let dbName: string;

  beforeAll(async () => {
    t = await createTestApp('postgres');
    const loc = await makeLocation(t.admin, 'CUT-1');
    itemId = await makeItem(t.admin, 'CUT-ITEM', { primaryLocationId: loc });
    const serials = await addSerials(
      t.admin,
      itemId,
      Array.from({ length: 400 }, (_, i) => `CUT-${String(i).padStart(4, '0')}`),
    );
    serialIds = serials.map((s) => s.id);
    const adj = await t.admin.post('/api/stock-adjustments', {
      itemId,
      locationId: loc,
      delta: serialIds.length,
      reason: 'Opening stock',
    });
    expect(adj.statusCode).toBe(201);
    customerId = await makeCustomer(t.admin, 'Cut Customer');
    const config = t.runtime.config.database;
    if (config.kind !== 'postgres') throw new Error('postgres expected');
    dbName = new URL(config.url).pathname.slice(1);
    http = await httpClientFor(t.admin, await listen(t.app));
  });
  afterAll(() => t?.close());

  async function terminateConnections(): Promise<number> {
    const admin = new pg.Client({ connectionString: PG_BASE_URL });
    await admin.connect();
    try {
      const res = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [dbName],
      );
      return res.rowCount ?? 0;
    } finally {
      await admin.end();
    }
  }

  it(`survives ${CUTS} cuts under load: only 2xx and 503 problem+json, then 2xx again within seconds`, async () => {
    const answers: { op: string; answer: HttpAnswer }[] = [];
    const health: HttpAnswer[] = [];
    let next = 0;
    let running = true;

    const worker = async (w: number) => {
      while (running) {
        const sell = w % 2 === 0 && next < serialIds.length;
        const answer = sell
          ? await http.request('POST', '/api/sales', {
              customerId,
              complete: true,
              lines: [{ itemId, serialIds: [serialIds[next++]!] }],
            })
          : await http.request('GET', `/api/items/${itemId}/serials?limit=50`);
        answers.push({ op: sell ? 'sale' : 'read', answer });
      }
    };
    const healthProbe = async () => {
      while (running) {
        health.push(await http.request('GET', '/api/health'));
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const load = [...Array.from({ length: 6 }, (_, w) => worker(w)), healthProbe()];

    let terminated = 0;
    for (let cut = 0; cut < CUTS; cut++) {
      await new Promise((r) => setTimeout(r, 600));
      terminated += await terminateConnections();
    }
    expect(terminated).toBeGreaterThan(0);

    // Recovery: health answers 200 again within a few seconds of the last cut.
    const lastCut = Date.now();
    let recoveredAfter = -1;
    while (Date.now() - lastCut < 5000) {
      const h = await http.request('GET', '/api/health');
      if (h.status === 200) {
        recoveredAfter = Date.now() - lastCut;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    running = false;
    await Promise.all(load);
    expect(recoveredAfter).toBeGreaterThanOrEqual(0);
    expect(recoveredAfter).toBeLessThan(5000);

    // The process is alive (this test runs in it) and every answer was a success or a clean 503.
    const byStatus: Record<string, number> = {};
    for (const { op, answer } of answers)
      byStatus[`${op} ${answer.status}`] = (byStatus[`${op} ${answer.status}`] ?? 0) + 1;
    const bad = answers.filter((a) => !(a.answer.status < 300 || a.answer.status === 503));
    expect(bad.map((a) => `${a.op} ${a.answer.status} ${a.answer.body}`)).toEqual([]);
    for (const { answer } of answers.filter((a) => a.answer.status === 503)) {
      expect(answer.contentType).toContain('application/problem+json');
      expect(JSON.parse(answer.body)).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' });
    }
    expect(health.every((h) => h.status === 200 || h.status === 503)).toBe(true);
    for (const h of health.filter((x) => x.status === 503)) {
      const problem = JSON.parse(h.body) as { code: string; detail: string };
      expect(problem.code).toBe('DATABASE_UNAVAILABLE');
      expect(problem.detail).toMatch(/PostgreSQL database: the /);
    }
    expect(answers.filter((a) => a.answer.status < 300).length).toBeGreaterThan(0);
    console.log('connection cuts:', {
      terminated,
      recoveredAfterMs: recoveredAfter,
      byStatus,
      health503: health.filter((h) => h.status === 503).length,
    });

    // Serving again: a burst of sales and reads all succeed.
    const after = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0
          ? http.request('POST', '/api/sales', {
              customerId,
              complete: true,
              lines: [{ itemId, serialIds: [serialIds[serialIds.length - 1 - i]!] }],
            })
          : http.request('GET', `/api/items/${itemId}/serials?limit=50`),
      ),
    );
    expect(after.map((a) => a.status)).toEqual(after.map((_, i) => (i % 2 === 0 ? 201 : 200)));
  }, 60_000);
});
