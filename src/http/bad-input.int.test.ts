import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachDialect } from '../../test/support/dialects.js';
import { createTestApp, makeItem, makeLocation, type TestApp } from '../../test/support/test-app.js';

interface ProblemJson {
  code: string;
  detail: string;
  errors?: { field: string; code: string; message: string }[];
}

/** One past the largest value of an integer column: PostgreSQL refuses it (22003), SQLite would keep it. */
const TOO_BIG = 2_147_483_648;

function expectProblem(res: LightMyRequestResponse, status: number, code: string): ProblemJson {
  expect(res.statusCode, `${res.statusCode} ${res.body}`).toBe(status);
  const body = res.json<ProblemJson>();
  expect(body.code).toBe(code);
  return body;
}

const fields = (p: ProblemJson) => (p.errors ?? []).map((e) => e.field);

// Each of these answered 500 on PostgreSQL (and some were stored as given on SQLite).
describeEachDialect('bad input is a 400, never a 500', (dialect) => {
  let t: TestApp;
  let itemId: number;
  let locationId: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    locationId = await makeLocation(t.admin, 'BAD-1');
    itemId = await makeItem(t.admin, 'BAD-ITEM', { trackSerials: true, primaryLocationId: locationId });
  });
  afterAll(() => t?.close());

  it('refuses ids above 2147483647 in paths and query strings', async () => {
    for (const url of [
      `/api/items/${TOO_BIG}`,
      `/api/items/${TOO_BIG}/stock`,
      `/api/items/${TOO_BIG}/serials`,
      `/api/serials/${TOO_BIG}`,
      `/api/transfers/${TOO_BIG}`,
      `/api/locations/${TOO_BIG}`,
      `/api/part-types/${TOO_BIG}`,
      `/api/users/${TOO_BIG}`,
      `/api/stock-adjustments?itemId=${TOO_BIG}`,
    ]) {
      expectProblem(await t.admin.get(url), 400, 'VALIDATION_FAILED');
    }
    expectProblem(await t.admin.patch(`/api/roles/${TOO_BIG}`, {}), 400, 'VALIDATION_FAILED');
    expectProblem(await t.admin.delete(`/api/tokens/${TOO_BIG}`), 400, 'VALIDATION_FAILED');
    // The largest storable id is fine: it just does not exist.
    expectProblem(await t.admin.get('/api/items/2147483647'), 404, 'NOT_FOUND');
  });

  it('refuses ids above 2147483647 in request bodies, naming the field', async () => {
    const cases: [string, string, unknown, string][] = [
      [
        'POST',
        '/api/transfers',
        { fromLocationId: locationId, toLocationId: TOO_BIG, serialIds: [1] },
        'body.toLocationId',
      ],
      [
        'POST',
        '/api/transfers',
        { fromLocationId: TOO_BIG, toLocationId: locationId, serialIds: [1] },
        'body.fromLocationId',
      ],
      [
        'POST',
        '/api/transfers',
        { fromLocationId: locationId, toLocationId: 1, serialIds: [1, TOO_BIG] },
        'body.serialIds.1',
      ],
      [
        'POST',
        '/api/items',
        { sku: 'BIG-1', name: 'x', primaryLocationId: TOO_BIG },
        'body.primaryLocationId',
      ],
      ['POST', '/api/items', { sku: 'BIG-2', name: 'x', partTypeId: TOO_BIG }, 'body.partTypeId'],
      ['PATCH', `/api/items/${itemId}`, { primaryLocationId: TOO_BIG }, 'body.primaryLocationId'],
      [
        'POST',
        '/api/stock-adjustments',
        { itemId: TOO_BIG, locationId, delta: 1, reason: 'count' },
        'body.itemId',
      ],
      [
        'POST',
        '/api/stock-adjustments',
        { itemId, locationId: TOO_BIG, delta: 1, reason: 'count' },
        'body.locationId',
      ],
      [
        'POST',
        '/api/users',
        { username: 'big', password: 'big-password-1', roleIds: [TOO_BIG] },
        'body.roleIds.0',
      ],
      ['PATCH', `/api/users/${t.admin.userId}`, { roleIds: [TOO_BIG] }, 'body.roleIds.0'],
      [
        'POST',
        `/api/items/${itemId}/serials`,
        { serials: [{ serialNumber: 'BIG-SN', locationId: TOO_BIG }] },
        'body.serials.0.locationId',
      ],
    ];
    for (const [method, url, body, field] of cases) {
      const problem = expectProblem(await t.admin.request(method, url, body), 400, 'VALIDATION_FAILED');
      expect(fields(problem), `${method} ${url}`).toEqual([field]);
    }
    expect((await t.admin.get('/api/items?q=BIG-')).json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('bounds a stock adjustment to ±1,000,000 units', async () => {
    const adjust = (delta: number) =>
      t.admin.post('/api/stock-adjustments', { itemId, locationId, delta, reason: 'opening stock' });
    for (const delta of [99_999_999_999, 1_000_001, -1_000_001]) {
      expect(fields(expectProblem(await adjust(delta), 400, 'VALIDATION_FAILED'))).toEqual(['body.delta']);
    }
    expect((await adjust(1_000_000)).statusCode).toBe(201);
    expect((await adjust(-1_000_000)).statusCode).toBe(201);
  });

  it('refuses a NUL character anywhere in a JSON body or query string with 400 INVALID_CHARACTER', async () => {
    const flat = expectProblem(
      await t.admin.post('/api/locations', { code: 'NUL\u00001', name: 'Shelf' }),
      400,
      'INVALID_CHARACTER',
    );
    expect(fields(flat)).toEqual(['body.code']);
    expect(flat.detail).toContain('body.code');
    expect(flat.detail).toContain('NUL character');

    const nested = expectProblem(
      await t.admin.post(`/api/items/${itemId}/serials`, {
        serials: [{ serialNumber: 'OK-1' }, { serialNumber: 'SN-1', conditionNotes: 'box\u0000' }],
      }),
      400,
      'INVALID_CHARACTER',
    );
    expect(fields(nested)).toEqual(['body.serials.1.conditionNotes']);

    const query = expectProblem(await t.admin.get('/api/items?q=abc%00'), 400, 'INVALID_CHARACTER');
    expect(fields(query)).toEqual(['query.q']);
    expectProblem(await t.admin.get('/api/serials/lookup?q=SN%00'), 400, 'INVALID_CHARACTER');

    // Nothing was stored, and without credentials the access check still answers first.
    const codes = (await t.admin.get('/api/locations')).json<{ locations: { code: string }[] }>().locations;
    expect(codes.map((l) => l.code)).not.toContain('NUL\u00001');
    expect(
      (await t.admin.get(`/api/items/${itemId}/serials`)).json<{ serials: unknown[] }>().serials,
    ).toEqual([]);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/items?q=%00' });
    expectProblem(anonymous, 401, 'UNAUTHENTICATED');
  });

  it('refuses half a surrogate pair (JSON "\\ud800") in a serial, a customer or a location: 400, nothing stored', async () => {
    // Sent as raw JSON text: the escape is what a client's JSON encoder writes for a lone surrogate.
    const raw = (url: string, json: string) => t.admin.request('POST', url, JSON.parse(json) as unknown);
    const serial = expectProblem(
      await raw(`/api/items/${itemId}/serials`, '{"serials":[{"serialNumber":"x\\ud800y"}]}'),
      400,
      'INVALID_CHARACTER',
    );
    expect(fields(serial)).toEqual(['body.serials.0.serialNumber']);
    expect(serial.detail).toContain('surrogate');
    expectProblem(await raw('/api/customers', '{"name":"Bob \\udc00"}'), 400, 'INVALID_CHARACTER');
    expectProblem(
      await raw('/api/locations', '{"code":"LS-1","name":"Shelf \\ud83d"}'),
      400,
      'INVALID_CHARACTER',
    );
    const codes = (await t.admin.get('/api/locations')).json<{ locations: { code: string }[] }>().locations;
    expect(codes.map((l) => l.code)).not.toContain('LS-1');
    // A whole pair (an emoji) is fine.
    expect((await t.admin.post('/api/locations', { code: 'LS-2', name: 'Shelf 🚲' })).statusCode).toBe(201);
  });

  it('refuses a page cursor that does not hold a row id with 400 BAD_CURSOR', async () => {
    for (const value of [['abc'], [TOO_BIG], [1.5], [0]]) {
      const cursor = Buffer.from(JSON.stringify(value)).toString('base64url');
      for (const list of ['/api/transfers', '/api/stock-adjustments']) {
        expectProblem(await t.admin.get(`${list}?cursor=${cursor}`), 400, 'BAD_CURSOR');
      }
    }
    // A good cursor still pages.
    const first = (await t.admin.get('/api/stock-adjustments?limit=1')).json<{ nextCursor: string | null }>();
    expect(first.nextCursor).not.toBeNull();
    expect((await t.admin.get(`/api/stock-adjustments?limit=1&cursor=${first.nextCursor}`)).statusCode).toBe(
      200,
    );
  });
});
