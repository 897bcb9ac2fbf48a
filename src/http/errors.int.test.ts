import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachDialect } from '../../test/support/dialects.js';
import { createTestApp, makeLocation, type TestApp } from '../../test/support/test-app.js';

interface ProblemJson {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance: string;
  errors?: { field: string; code: string; message: string }[];
}

/** Checks the RFC 9457 shape every error shares, and returns the problem. */
function problem(res: LightMyRequestResponse, status: number, code: string, instance: string): ProblemJson {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  const body = res.json<ProblemJson>();
  expect(body).toMatchObject({ type: 'about:blank', status, code, instance });
  expect(body.title).toEqual(expect.any(String));
  expect(body.title.length).toBeGreaterThan(0);
  expect(body.detail).toEqual(expect.any(String));
  expect(body.detail.length).toBeGreaterThan(0);
  return body;
}

describeEachDialect('error responses', (dialect) => {
  let t: TestApp;
  let cookie: string;
  let csrf: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'admin-password-123' },
    });
    cookie = `st_session=${login.cookies.find((c) => c.name === 'st_session')!.value}`;
    csrf = login.json<{ csrfToken: string }>().csrfToken;
  });
  afterAll(() => t?.close());

  const rawPost = (url: string, contentType: string, payload: string) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': contentType },
      payload,
    });

  it('400: a body of the wrong shape lists each bad field', async () => {
    const res = await t.admin.post('/api/locations', { code: 42, name: 'Shelf' });
    const body = problem(res, 400, 'VALIDATION_FAILED', '/api/locations');
    expect(body.errors).toEqual([expect.objectContaining({ field: 'body.code' })]);
    expect(body.detail).toContain('body.code');

    const params = problem(await t.admin.get('/api/items/abc'), 400, 'VALIDATION_FAILED', '/api/items/abc');
    expect(params.errors?.map((e) => e.field)).toEqual(['params.id']);
  });

  it('400: malformed and empty JSON bodies', async () => {
    problem(
      await rawPost('/api/locations', 'application/json', '{"code": "A1",'),
      400,
      'INVALID_JSON_BODY',
      '/api/locations',
    );
    problem(
      await rawPost('/api/locations', 'application/json', ''),
      400,
      'EMPTY_JSON_BODY',
      '/api/locations',
    );
  });

  it('415: a body that is not JSON, whatever its type', async () => {
    for (const [type, payload] of [
      ['text/plain', '{"code":"T1","name":"Text"}'],
      ['application/x-www-form-urlencoded', 'code=T1&name=Form'],
      [
        'multipart/form-data; boundary=x',
        '--x\r\ncontent-disposition: form-data; name="code"\r\n\r\nT1\r\n--x--',
      ],
    ]) {
      const body = problem(
        await rawPost('/api/locations', type!, payload!),
        415,
        'INVALID_MEDIA_TYPE',
        '/api/locations',
      );
      expect(body.detail).toContain('application/json');
    }
    const codes = (await t.admin.get('/api/locations')).json<{ locations: { code: string }[] }>().locations;
    expect(codes.map((l) => l.code)).not.toContain('T1');
  });

  it('413: a body over the size limit', async () => {
    const huge = JSON.stringify({ code: 'BIG', name: 'x'.repeat(9 * 1024 * 1024) });
    problem(
      await rawPost('/api/locations', 'application/json', huge),
      413,
      'BODY_TOO_LARGE',
      '/api/locations',
    );
  });

  it('401: no credentials, an ended session, or a bad token', async () => {
    const none = problem(
      await t.app.inject({ method: 'GET', url: '/api/items' }),
      401,
      'UNAUTHENTICATED',
      '/api/items',
    );
    expect(none.detail).toContain('Bearer');
    problem(
      await t.app.inject({ method: 'GET', url: '/api/items', headers: { cookie: 'st_session=forged' } }),
      401,
      'SESSION_EXPIRED',
      '/api/items',
    );
    problem(
      await t.app.inject({
        method: 'GET',
        url: '/api/items',
        headers: { authorization: 'Bearer st_forged' },
      }),
      401,
      'INVALID_TOKEN',
      '/api/items',
    );
  });

  it('403: a permission the role lacks, named in the detail', async () => {
    const viewer = await t.userWith(['INV_VIEW'], 'error-viewer');
    const body = problem(
      await viewer.post('/api/locations', { code: 'V1', name: 'Viewer shelf' }),
      403,
      'FORBIDDEN',
      '/api/locations',
    );
    expect(body.detail).toContain('INV_EDIT_ITEMS');
  });

  it('404: an unknown route (with or without credentials) and an unknown id', async () => {
    const route = problem(
      await t.app.inject({ method: 'GET', url: '/api/nope?x=1' }),
      404,
      'ROUTE_NOT_FOUND',
      '/api/nope',
    );
    expect(route.detail).toContain('GET /api/nope');
    problem(await t.admin.post('/api/items/1/explode'), 404, 'ROUTE_NOT_FOUND', '/api/items/1/explode');
    problem(await t.admin.get('/api/items/99999'), 404, 'NOT_FOUND', '/api/items/99999');
    problem(await t.admin.get('/api/serials/99999'), 404, 'NOT_FOUND', '/api/serials/99999');
  });

  it('409: a conflict names the field', async () => {
    await makeLocation(t.admin, 'DUP-1');
    const body = problem(
      await t.admin.post('/api/locations', { code: 'DUP-1', name: 'Again' }),
      409,
      'LOCATION_CODE_TAKEN',
      '/api/locations',
    );
    expect(body.errors).toEqual([expect.objectContaining({ field: 'code', code: 'taken' })]);
  });

  it('422: a well-formed request the rules refuse', async () => {
    const body = problem(
      await t.admin.post('/api/users', { username: 'shorty', password: 'short' }),
      422,
      'WEAK_PASSWORD',
      '/api/users',
    );
    expect(body.errors).toEqual([expect.objectContaining({ field: 'password', code: 'too_short' })]);
  });

  it('serves a valid OpenAPI 3 document without credentials', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const doc = res.json<{
      openapi: string;
      info: { title: string; version: string };
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: { name: string; in: string; required?: boolean }[];
            responses: Record<string, unknown>;
          }
        >
      >;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    }>();
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toBe('Serialtrack API');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(doc.paths['/api/items/{id}/serials'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(doc.paths['/api/serials/{id}']).toHaveProperty('patch');
    expect(doc.paths['/api/transfers']).toHaveProperty('post');
    expect(doc.components.schemas).toHaveProperty('Problem');
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearer', 'session']);

    for (const [path, ops] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\/api\//);
      expect(path).not.toContain(':');
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        expect(['get', 'post', 'put', 'patch', 'delete']).toContain(method);
        expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
        // Every path template variable is declared as a required path parameter.
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(declared.map((p) => p.name).sort(), `${method} ${path}`).toEqual([...names].sort());
        expect(declared.every((p) => p.required === true)).toBe(true);
      }
    }
  });

  it('serves the browsable API docs without credentials', async () => {
    let url = '/api/docs';
    let res = await t.app.inject({ method: 'GET', url });
    for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 5; hops++) {
      url = new URL(String(res.headers.location), `http://localhost${url}`).pathname;
      res = await t.app.inject({ method: 'GET', url });
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<html');
    const spec = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(spec.statusCode).toBe(200);
    expect(spec.json()).toHaveProperty('paths./api/items');
  });
});

describeEachDialect('a server error', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t?.close());

  it('answers 500 INTERNAL_ERROR without leaking SQL, stack traces or file paths', async () => {
    // Break the database under the running app: the items query now fails inside the driver.
    await sql`alter table items rename to items_gone`.execute(t.runtime.database.db);

    const res = await t.admin.get('/api/items?q=alt');
    const body = problem(res, 500, 'INTERNAL_ERROR', '/api/items');
    expect(Object.keys(body).sort()).toEqual([
      'code',
      'detail',
      'instance',
      'requestId',
      'status',
      'title',
      'type',
    ]);
    // The request id, also sent as X-Request-Id, matches the user's report to the log line.
    expect((body as unknown as { requestId: string }).requestId).toBe(res.headers['x-request-id']);
    for (const leak of [/items/i, /\b(select|from|where)\b/i, /no such table|relation|does not exist/i]) {
      expect(body.detail).not.toMatch(leak);
    }
    for (const leak of [
      /\bat\s+\S+\s*\(/,
      /\.(ts|js):\d+/,
      /\/work\/|node_modules|[A-Z]:\\/,
      /sqlite|postgres|kysely/i,
    ]) {
      expect(res.body).not.toMatch(leak);
    }

    // The rest of the API, and its error handling, still work.
    expect((await t.admin.get('/api/locations')).statusCode).toBe(200);
    await sql`alter table items_gone rename to items`.execute(t.runtime.database.db);
    expect((await t.admin.get('/api/items')).statusCode).toBe(200);
  });
});
