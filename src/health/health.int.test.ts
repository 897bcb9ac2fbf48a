import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { createTestApp, type TestApp } from '../../test/support/test-app.js';

describeEachDialect('health check', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t?.close());

  it('answers 200 with the database kind while the database answers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: dialect });
  });

  it('answers 503 DATABASE_UNAVAILABLE, not a 500, once the database is gone', async () => {
    // The connection (SQLite handle or PostgreSQL pool) is closed under the running app, as when the
    // database goes away: a load balancer must read "unavailable", and no driver text may leak.
    await t.runtime.database.destroy();
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json<{ code: string; detail: string; title: string }>();
    expect(body.code).toBe('DATABASE_UNAVAILABLE');
    expect(body.title).toBe('Service Unavailable');
    expect(body.detail).toContain(dialect === 'postgres' ? 'PostgreSQL' : 'SQLite');
    expect(body.detail).not.toMatch(/destroyed|pool|ECONNREFUSED/i);
  });
});
