import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { describeEachDialect } from '../support/dialects.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { BUILT_SERVER, requireBuild, startProcess, type ServerProcess } from '../support/server-process.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describeEachDialect('request ids', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t?.close());

  it('answers every response with the X-Request-Id the caller sent: success, 404, 401 and problems', async () => {
    const cases = [
      { url: '/api/health', status: 200 },
      { url: '/api/no-such-route', status: 404 },
      { url: '/api/items', status: 401 },
      { url: '/', status: undefined },
    ];
    for (const [i, c] of cases.entries()) {
      const id = `support-ticket-${i}`;
      const res = await t.app.inject({ method: 'GET', url: c.url, headers: { 'x-request-id': id } });
      if (c.status) expect(res.statusCode).toBe(c.status);
      expect(res.headers['x-request-id'], c.url).toBe(id);
    }
  });

  it('makes an id when the caller sends none or one that is too long or unsafe for a log line', async () => {
    const ids = new Set<string>();
    for (const sent of [undefined, 'x'.repeat(200), 'two words', 'line\u2028break']) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/health',
        headers: sent === undefined ? {} : { 'x-request-id': sent },
      });
      const id = String(res.headers['x-request-id']);
      expect(id).toMatch(UUID);
      ids.add(id);
    }
    expect(ids.size).toBe(4);
  });

  it('puts the request id in a 500 problem body, so a user can quote it', async () => {
    // The database goes away under the running app: a signed-in request then fails with a 500.
    await t.runtime.database.destroy();
    const res = await t.admin.request('GET', '/api/items');
    expect(res.statusCode).toBe(500);
    const body = res.json<{ code: string; requestId: string }>();
    expect(body.code).toBe('INTERNAL_ERROR');
    expect(body.requestId).toMatch(UUID);
    expect(res.headers['x-request-id']).toBe(body.requestId);
  });
});

describe.runIf(dialectsUnderTest().includes('sqlite'))('request ids in the log [sqlite]', () => {
  let dir: string;
  let server: ServerProcess | undefined;
  beforeAll(() => {
    requireBuild();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serialtrack-reqid-'));
  });
  afterAll(() => {
    server?.kill();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("every log line of a request carries the caller's id, and no other request's lines do", async () => {
    server = await startProcess(process.execPath, [BUILT_SERVER, 'serve'], path.join(dir, 'db.sqlite'));
    const id = 'ticket-4711';
    await fetch(`${server.url}/api/items`, { headers: { 'x-request-id': id } });
    await fetch(`${server.url}/api/health`, { headers: { 'x-request-id': 'other-1' } });
    await new Promise((r) => setTimeout(r, 200));
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { reqId?: string; msg: string; req?: { url: string } });
    const ofRequest = lines.filter((l) => l.reqId === id);
    expect(ofRequest.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
    expect(lines.filter((l) => l.req?.url === '/api/items').every((l) => l.reqId === id)).toBe(true);
    expect(lines.filter((l) => l.reqId === 'other-1')).toHaveLength(2);
  });
});
