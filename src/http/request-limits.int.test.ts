import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import {
  ADMIN_PASSWORD,
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  type TestApp,
} from '../../test/support/test-app.js';

/** Sends raw request head bytes over TCP and resolves with the first response bytes (or rejects on timeout). */
function rawRequest(port: number, head: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\r\n\r\n')) {
        clearTimeout(timer);
        socket.destroy();
        resolve(data);
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

describeEachDialect('limits before work, and headers', (dialect) => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(() => t?.close());

  it('refuses an anonymous POST before reading its body: 7 MiB announced, nothing sent, 401 at once', async () => {
    const answer = await rawRequest(
      port,
      'POST /api/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 7340032\r\n\r\n',
      3000,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
    expect(answer.toLowerCase()).toContain('content-type: application/problem+json');
  });

  it('takes only a small body on public routes (sign-in): 413 problem for 20 KiB', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'x'.repeat(20 * 1024) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('takes 1 MiB for ordinary JSON (413 beyond) and 8 MiB on the bulk routes (a 2 MB serial list is read)', async () => {
    const big = await t.admin.post('/api/locations', { code: 'BIG-1', name: 'x'.repeat(2 * 1024 * 1024) });
    expect(big.statusCode).toBe(413);
    expect(big.json<{ code: string }>().code).toBe('BODY_TOO_LARGE');
    const itemId = await makeItem(t.admin, 'BULK-BODY', {
      primaryLocationId: await makeLocation(t.admin, 'BULK-LOC'),
    });
    // 10,001 entries of ~200 bytes: over 1 MiB, so read only under the bulk limit, then refused by validation.
    const serials = Array.from({ length: 10_001 }, (_, i) => ({
      serialNumber: `B-${i}`,
      conditionNotes: 'n'.repeat(180),
    }));
    const bulk = await t.admin.post(`/api/items/${itemId}/serials`, { serials });
    expect(bulk.statusCode).toBe(400);
    expect(bulk.json<{ code: string }>().code).toBe('VALIDATION_FAILED');
  });

  it('marks sign-in, the session (it carries the CSRF token) and tokens Cache-Control: no-store', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
    expect(login.headers['cache-control']).toBe('no-store');
    for (const url of ['/api/auth/session', '/api/tokens']) {
      const res = await t.admin.get(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
    const created = await t.admin.post('/api/tokens', { name: 'ci' });
    expect(created.headers['cache-control']).toBe('no-store');
  });

  it('serves the API docs with a Content-Security-Policy that loads nothing from elsewhere', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('validator.swagger.io');
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('limits label PDFs per user: the 31st in a minute gets 429 in plain words; another user is not affected', async () => {
    const itemId = await makeItem(t.admin, 'LIMIT-1', {
      primaryLocationId: await makeLocation(t.admin, 'LIM-LOC'),
    });
    const [serial] = await addSerials(t.admin, itemId, ['LIM-1']);
    const clerk = await t.userWith(['INV_VIEW'], 'label-printer');
    const label = (client: typeof clerk) => client.post('/api/labels', { serialIds: [serial!.id] });
    for (let i = 0; i < 30; i++) expect((await label(clerk)).statusCode).toBe(200);
    const limited = await label(clerk);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const problem = limited.json<{ code: string; detail: string }>();
    expect(problem.code).toBe('RATE_LIMITED');
    expect(problem.detail).toContain('label PDFs');
    expect((await label(t.admin)).statusCode).toBe(200);
  });
});

describeEachDialect('the session cookie over HTTPS', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { cookieSecure: true });
  });
  afterAll(() => t?.close());

  it('is named with the __Host- prefix, Secure, Path=/ and no Domain, and signs requests in', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const cookie = login.cookies.find((c) => c.name === '__Host-st_session');
    expect(cookie).toMatchObject({ secure: true, path: '/', httpOnly: true, sameSite: 'Strict' });
    expect(cookie?.domain).toBeUndefined();
    const session = await t.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: { cookie: `__Host-st_session=${cookie!.value}` },
    });
    expect(session.statusCode).toBe(200);
  });
});
