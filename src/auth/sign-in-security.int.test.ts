import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import {
  ADMIN_PASSWORD,
  createTestApp,
  openSecondServer,
  type SecondServer,
  type TestApp,
} from '../../test/support/test-app.js';
import { hashPassword } from './password.js';

interface Problem {
  code: string;
  detail: string;
  errors?: { field: string; code: string }[];
}

describeEachDialect('sign-in throttling under parallel attempts, on two app servers', (dialect) => {
  let t: TestApp;
  let second: SecondServer;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    second = await openSecondServer(t);
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  const signInOn = (app: TestApp['app'], username: string, password: string, remoteAddress: string) =>
    app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });

  it('60 simultaneous sign-ins for one username, split over two servers: 10 are checked, the rest get 429', async () => {
    await t.userWith(['INV_VIEW'], 'parallel-target');
    const attempts = Array.from({ length: 60 }, (_, i) =>
      signInOn(
        i % 2 === 0 ? t.app : second.app,
        'parallel-target',
        i === 59 ? 'user-password-123' : `wrong-${i}`,
        '10.1.0.1',
      ),
    );
    const results = await Promise.all(attempts);
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50);
    expect(statuses.filter((s) => s === 401 || s === 200)).toHaveLength(10);
    const limited = results.find((r) => r.statusCode === 429)!;
    expect(limited.json<Problem>().code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    // The right password, last, was refused with the others (unless it was among the ten checked).
    if (statuses[59] === 429) {
      expect((await signInOn(t.app, 'parallel-target', 'user-password-123', '10.1.0.1')).statusCode).toBe(
        429,
      );
    }
  });

  it('120 parallel attempts over 120 usernames from one address: 50 are checked, 70 get 429', async () => {
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        signInOn(i % 2 === 0 ? t.app : second.app, `spray-${i}`, 'Winter2026!x', '10.1.0.2'),
      ),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(50);
    expect(statuses.filter((s) => s === 429)).toHaveLength(70);
    // Another address is not affected, on either server.
    expect((await signInOn(second.app, 'admin', ADMIN_PASSWORD, '10.1.0.3')).statusCode).toBe(200);
  });

  it('good sign-ins do not use up the address: 52 in a row from one address all succeed', async () => {
    for (let i = 0; i < 52; i++) {
      const res = await signInOn(i % 2 ? t.app : second.app, 'admin', ADMIN_PASSWORD, '10.1.0.4');
      expect(res.statusCode).toBe(200);
    }
  });
});

describeEachDialect('passwords and API tokens', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t?.close());

  const userId = async (username: string) =>
    (await t.admin.get('/api/users'))
      .json<{ users: { id: number; username: string }[] }>()
      .users.find((u) => u.username === username)!.id;

  it('refuses short, space-only, common and unchanged passwords in plain words; keeps long Unicode ones as typed', async () => {
    const tryCreate = (username: string, password: string) =>
      t.admin.post('/api/users', { username, password });
    for (const [password, code] of [
      ['abcdefghijk', 'too_short'],
      ['            ', 'only_spaces'],
      ['qwerty123456', 'common'],
    ] as const) {
      const res = await tryCreate(`weak-${code}`, password);
      expect(res.statusCode).toBe(422);
      expect(res.json<Problem>()).toMatchObject({
        code: 'WEAK_PASSWORD',
        errors: [{ field: 'password', code }],
      });
    }
    const unicode = '  Grüße aus Köln, 東京 🚲  ';
    expect((await tryCreate('unicode-user', unicode)).statusCode).toBe(201);
    await t.login('unicode-user', unicode);
    // Kept as typed: trimmed or normalised forms do not sign in.
    const trimmed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'unicode-user', password: unicode.trim() },
    });
    expect(trimmed.statusCode).toBe(401);

    const same = await t.admin.patch(`/api/users/${await userId('unicode-user')}`, { password: unicode });
    expect(same.statusCode).toBe(422);
    expect(same.json<Problem>().code).toBe('SAME_PASSWORD');

    const self = await t.login('unicode-user', unicode);
    const ownSame = await self.post('/api/auth/password', { currentPassword: unicode, newPassword: unicode });
    expect(ownSame.statusCode).toBe(422);
    expect(ownSame.json<Problem>().code).toBe('SAME_PASSWORD');
  });

  it('remakes a password hash of an older scrypt cost at the next good sign-in', async () => {
    await t.userWith(['INV_VIEW'], 'old-hash');
    const oldHash = (await hashPassword('user-password-123')).replace(
      'scrypt$16384$8$5$',
      'scrypt$16384$8$1$',
    );
    // A hash made with p=1 (the earlier default) verifies with its own parameters.
    const { scryptSync } = await import('node:crypto');
    const [, , , , salt] = oldHash.split('$');
    const key = scryptSync('user-password-123', Buffer.from(salt!, 'base64'), 64, { N: 16384, r: 8, p: 1 });
    const legacy = `scrypt$16384$8$1$${salt}$${key.toString('base64')}`;
    const db = t.runtime.database.db;
    await db.updateTable('users').set({ password_hash: legacy }).where('username', '=', 'old-hash').execute();
    await t.login('old-hash', 'user-password-123');
    const row = await db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'old-hash')
      .executeTakeFirstOrThrow();
    expect(row.password_hash.startsWith('scrypt$16384$8$5$')).toBe(true);
    await t.login('old-hash', 'user-password-123');
  });

  describe('tokens are credentials too', () => {
    const bearer = (token: string) =>
      t.app.inject({
        method: 'GET',
        url: '/api/auth/session',
        headers: { authorization: `Bearer ${token}` },
      });

    it("an administrator's password reset ends the user's sessions and revokes their API tokens", async () => {
      const user = await t.userWith(['INV_VIEW'], 'reset-me');
      const token = (await user.post('/api/tokens', { name: 'integration' })).json<{ token: string }>().token;
      expect((await bearer(token)).statusCode).toBe(200);
      const reset = await t.admin.patch(`/api/users/${user.userId}`, { password: 'a-brand-new-password' });
      expect(reset.statusCode).toBe(200);
      expect((await bearer(token)).statusCode).toBe(401);
      expect((await user.get('/api/auth/session')).statusCode).toBe(401);
      const listed = (await t.admin.get('/api/tokens?all=true')).json<{
        tokens: { userId: number; revokedAt: string | null }[];
      }>().tokens;
      expect(listed.filter((k) => k.userId === user.userId).every((k) => k.revokedAt !== null)).toBe(true);
    });

    it('re-enabling a disabled user does not bring their old tokens back', async () => {
      const user = await t.userWith(['INV_VIEW'], 'disable-me');
      const token = (await user.post('/api/tokens', { name: 'scanner' })).json<{ token: string }>().token;
      expect((await t.admin.patch(`/api/users/${user.userId}`, { active: false })).statusCode).toBe(200);
      expect((await bearer(token)).statusCode).toBe(401);
      expect((await t.admin.patch(`/api/users/${user.userId}`, { active: true })).statusCode).toBe(200);
      expect((await bearer(token)).statusCode).toBe(401);
    });

    it("changing your own password keeps your own tokens; an administrator revokes anyone's", async () => {
      const user = await t.userWith(['INV_VIEW'], 'own-change');
      const created = (await user.post('/api/tokens', { name: 'mine' })).json<{
        token: string;
        apiToken: { id: number };
      }>();
      const change = await user.post('/api/auth/password', {
        currentPassword: 'user-password-123',
        newPassword: 'another-good-password',
      });
      expect(change.statusCode).toBe(200);
      expect((await bearer(created.token)).statusCode).toBe(200);
      expect((await t.admin.delete(`/api/tokens/${created.apiToken.id}`)).statusCode).toBe(200);
      expect((await bearer(created.token)).statusCode).toBe(401);
    });
  });
});
