import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { ADMIN_PASSWORD, createTestApp, type TestApp } from '../../test/support/test-app.js';

interface Problem {
  code: string;
  detail: string;
}

describeEachDialect('sign-in throttling', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t?.close());

  const signIn = (username: string, password: string, remoteAddress: string, forwardedFor?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password },
      remoteAddress,
      ...(forwardedFor !== undefined && { headers: { 'x-forwarded-for': forwardedFor } }),
    });

  it('answers 429 after ten failed sign-ins for a username, even with the right password', async () => {
    await t.userWith(['INV_VIEW'], 'guessed');
    const attempt = (password: string) => signIn('guessed', password, '10.0.0.1');
    for (let i = 0; i < 10; i++) expect((await attempt(`wrong-${i}`)).statusCode).toBe(401);
    const blocked = await attempt('user-password-123');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json<Problem>()).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    // Other users are not affected.
    expect((await signIn('admin', 'x', '10.0.0.1')).statusCode).toBe(401);
  });

  it('answers 429 to an address after 50 failures spread over many usernames (password spraying)', async () => {
    for (let i = 0; i < 50; i++) {
      const res = await signIn(`sprayed-${i}`, 'Winter2026!', '10.0.0.2');
      expect(res.statusCode, res.body).toBe(401);
    }
    const blocked = await signIn('admin', ADMIN_PASSWORD, '10.0.0.2');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json<Problem>()).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    expect(blocked.json<Problem>().detail).toContain('network address');
    // A forged X-Forwarded-For does not help: without TRUST_PROXY the header is ignored.
    expect((await signIn('admin', ADMIN_PASSWORD, '10.0.0.2', '203.0.113.7')).statusCode).toBe(429);
    // Other addresses still sign in.
    expect((await signIn('admin', ADMIN_PASSWORD, '10.0.0.3')).statusCode).toBe(200);
  });

  describe('behind a reverse proxy (TRUST_PROXY=10.9.9.9)', () => {
    let proxied: TestApp;
    beforeAll(async () => {
      proxied = await createTestApp(dialect, { trustProxy: ['10.9.9.9'] });
    });
    afterAll(() => proxied?.close());

    it('counts failures per client address from X-Forwarded-For, not per proxy', async () => {
      const viaProxy = (password: string, client: string) =>
        proxied.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: 'admin', password },
          remoteAddress: '10.9.9.9',
          headers: { 'x-forwarded-for': client },
        });
      for (let i = 0; i < 10; i++)
        expect((await viaProxy(`wrong-${i}`, '198.51.100.1')).statusCode).toBe(401);
      expect((await viaProxy(ADMIN_PASSWORD, '198.51.100.1')).statusCode).toBe(429);
      // Another client behind the same proxy is not blocked by the first one's failures.
      expect((await viaProxy(ADMIN_PASSWORD, '198.51.100.2')).statusCode).toBe(200);
    });
  });
});
