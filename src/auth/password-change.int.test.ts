import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { createTestApp, type TestApp } from '../../test/support/test-app.js';

describeEachDialect('changing your own password', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t?.close());

  it('needs the current password, keeps this session and ends the others', async () => {
    const me = await t.userWith(['INV_VIEW'], 'pw-user');
    const other = await t.login('pw-user', 'user-password-123');
    const wrong = await me.post('/api/auth/password', {
      currentPassword: 'nope',
      newPassword: 'brand-new-password',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json<{ code: string }>().code).toBe('WRONG_PASSWORD');
    const weak = await me.post('/api/auth/password', {
      currentPassword: 'user-password-123',
      newPassword: 'short',
    });
    expect(weak.statusCode).toBe(422);
    const ok = await me.post('/api/auth/password', {
      currentPassword: 'user-password-123',
      newPassword: 'brand-new-password',
    });
    expect(ok.statusCode).toBe(200);
    expect((await me.get('/api/auth/session')).statusCode).toBe(200);
    expect((await other.get('/api/auth/session')).statusCode).toBe(401);
    await expect(t.login('pw-user', 'user-password-123')).rejects.toThrow(/401/);
    await expect(t.login('pw-user', 'brand-new-password')).resolves.toBeTruthy();
  });
});
