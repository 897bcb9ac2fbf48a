import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app.js';
import { openRuntime, type Runtime } from '../server.js';
import { ALL_PERMISSIONS } from './permissions.js';
import { sha256 } from './password.js';
import { usersRepository } from '../users/users.repository.js';
import { settingsRepository } from '../settings/settings.repository.js';
import { describeEachDialect } from '../../test/support/dialects.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/databases.js';
import { createTestApp, makeLocation, testConfig, type TestApp } from '../../test/support/test-app.js';

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; code: string }[];
}
interface SessionJson {
  user: { id: number; username: string };
  permissions: string[];
  csrfToken: string | null;
  via: 'session' | 'token';
}
interface TokenJson {
  id: number;
  userId: number;
  prefix: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
interface RoleJson {
  id: number;
  name: string;
  builtIn: boolean;
  permissions: string[];
}

const code = (res: LightMyRequestResponse) => res.json<Problem>().code;

interface Credentials {
  cookie?: string;
  csrf?: string;
  token?: string;
}

/** A request with exactly the credentials given: no CSRF header unless asked for. */
function send(app: FastifyInstance, method: string, url: string, creds: Credentials = {}, body?: unknown) {
  return app.inject({
    method: method as 'GET',
    url,
    headers: {
      ...(creds.cookie !== undefined && { cookie: `st_session=${creds.cookie}` }),
      ...(creds.csrf !== undefined && { 'x-csrf-token': creds.csrf }),
      ...(creds.token !== undefined && { authorization: `Bearer ${creds.token}` }),
    },
    ...(body !== undefined && { payload: body as object }),
  });
}

async function signIn(app: FastifyInstance, username: string, password: string) {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  expect(res.statusCode).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'st_session')!.value;
  const session = res.json<SessionJson>();
  return { res, cookie, csrf: session.csrfToken!, session };
}

describeEachDialect('first-run setup', (dialect) => {
  let testDb: TestDatabase;
  let runtime: Runtime;
  let app: FastifyInstance;

  beforeAll(async () => {
    testDb = await createTestDatabase(dialect);
    const config = testConfig(testDb.config);
    runtime = await openRuntime(config);
    app = await buildApp(config, runtime.database, runtime.services);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await runtime?.close();
    await testDb?.drop();
  });

  const setupNeeded = async () =>
    (await app.inject({ method: 'GET', url: '/api/setup' })).json<{ setupNeeded: boolean }>().setupNeeded;
  const setup = (password: string) =>
    app.inject({ method: 'POST', url: '/api/setup', payload: { username: 'owner', password } });

  it('creates the first administrator once; a refused first attempt does not block setup', async () => {
    expect(await setupNeeded()).toBe(true);

    const weak = await setup('short');
    expect(weak.statusCode).toBe(422);
    expect(code(weak)).toBe('WEAK_PASSWORD');
    expect(await setupNeeded()).toBe(true);

    const done = await setup('owner-password-1');
    expect(done.statusCode).toBe(201);
    expect(done.json()).toMatchObject({ username: 'owner', active: true });
    expect(await setupNeeded()).toBe(false);

    const again = await app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: { username: 'intruder', password: 'intruder-password' },
    });
    expect(again.statusCode).toBe(409);
    expect(code(again)).toBe('SETUP_DONE');
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: 'intruder', password: 'intruder-password' },
        })
      ).statusCode,
    ).toBe(401);

    const { session } = await signIn(app, 'owner', 'owner-password-1');
    expect(session.permissions).toEqual([...ALL_PERMISSIONS].sort());
  });
});

describeEachDialect('first-run setup is one transaction', (dialect) => {
  let testDb: TestDatabase;
  let runtime: Runtime;
  let app: FastifyInstance;

  beforeAll(async () => {
    testDb = await createTestDatabase(dialect);
    const config = testConfig(testDb.config);
    runtime = await openRuntime(config);
    app = await buildApp(config, runtime.database, runtime.services);
    await app.ready();
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await app?.close();
    await runtime?.close();
    await testDb?.drop();
  });

  const setup = (username: string) =>
    app.inject({ method: 'POST', url: '/api/setup', payload: { username, password: 'owner-password-1' } });
  const userCount = () => usersRepository.count(runtime.database.db);

  it('a failure after the user row is written leaves no user behind, and setup can be retried', async () => {
    const spy = vi.spyOn(usersRepository, 'setRoles').mockRejectedValueOnce(new Error('server crashed'));
    expect((await setup('first')).statusCode).toBe(500);
    expect(spy).toHaveBeenCalledOnce();
    expect(await userCount()).toBe(0);
    expect((await app.inject({ method: 'GET', url: '/api/setup' })).json()).toEqual({ setupNeeded: true });
  });

  it('a lock row left by an interrupted setup does not block it; parallel setups create one administrator', async () => {
    // What an older version left behind when it stopped between writing the lock row and the user.
    await settingsRepository.upsert(runtime.database.db, 'setup.completed', 'true', new Date().toISOString());
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => setup(`owner-${n}`)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const r of results.filter((r) => r.statusCode === 409)) expect(code(r)).toBe('SETUP_DONE');
    expect(await userCount()).toBe(1);
    const owner = results.find((r) => r.statusCode === 201)!.json<{ username: string }>();
    const { session } = await signIn(app, owner.username, 'owner-password-1');
    expect(session.permissions).toEqual([...ALL_PERMISSIONS].sort());
  });
});

describeEachDialect('sign-in, sessions, CSRF and API tokens', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t?.close());

  it('signs in with an HttpOnly, SameSite=Strict session cookie and reports the session', async () => {
    const { res, cookie, csrf, session } = await signIn(t.app, 'admin', 'admin-password-123');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^st_session=[^;]+;/);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Strict/i);
    expect(setCookie).toMatch(/;\s*Path=\//);
    expect(session.user.username).toBe('admin');
    expect(csrf).toBeTruthy();
    expect(csrf).not.toBe(cookie);

    const me = await send(t.app, 'GET', '/api/auth/session', { cookie });
    expect(me.statusCode).toBe(200);
    expect(me.json<SessionJson>()).toMatchObject({
      user: { username: 'admin' },
      permissions: [...ALL_PERMISSIONS].sort(),
      csrfToken: csrf,
      via: 'session',
    });

    // Only a digest of the session id is stored.
    const stored = await t.runtime.database.db.selectFrom('sessions').select('id_hash').execute();
    expect(stored.map((s) => s.id_hash)).toContain(sha256(cookie));
    expect(stored.map((s) => s.id_hash)).not.toContain(cookie);
  });

  it('refuses a wrong password and an unknown user alike, with 401 BAD_CREDENTIALS and no cookie', async () => {
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'not-the-password' },
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'nobody-here', password: 'not-the-password' },
    });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(code(res)).toBe('BAD_CREDENTIALS');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    // Nothing tells the two apart.
    expect(unknown.json()).toEqual(wrong.json());
  });

  it('needs the X-CSRF-Token header on cookie-authenticated writes, and changes nothing without it', async () => {
    const locationId = await makeLocation(t.admin, 'CSRF-1');
    const role = (
      await t.admin.post('/api/roles', { name: 'CSRF target', permissions: ['INV_VIEW'] })
    ).json<RoleJson>();
    const { cookie, csrf } = await signIn(t.app, 'admin', 'admin-password-123');
    const other = await signIn(t.app, 'admin', 'admin-password-123');

    const attempts = [
      send(t.app, 'POST', '/api/locations', { cookie }, { code: 'CSRF-2', name: 'Forged' }),
      send(t.app, 'POST', '/api/locations', { cookie, csrf: 'guessed' }, { code: 'CSRF-2', name: 'Forged' }),
      // The CSRF token of another session does not do either.
      send(t.app, 'POST', '/api/locations', { cookie, csrf: other.csrf }, { code: 'CSRF-2', name: 'Forged' }),
      send(t.app, 'PATCH', `/api/locations/${locationId}`, { cookie }, { name: 'Renamed' }),
      send(t.app, 'PATCH', `/api/locations/${locationId}`, { cookie, csrf: '' }, { name: 'Renamed' }),
      send(t.app, 'DELETE', `/api/roles/${role.id}`, { cookie }),
      send(t.app, 'DELETE', `/api/roles/${role.id}`, { cookie, csrf: csrf.toUpperCase() }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.statusCode).toBe(403);
      expect(code(res)).toBe('CSRF_FAILED');
    }

    // Reads need no header.
    const list = await send(t.app, 'GET', '/api/locations', { cookie });
    expect(list.statusCode).toBe(200);
    const codes = list.json<{ locations: { code: string }[] }>().locations.map((l) => l.code);
    expect(codes).toContain('CSRF-1');
    expect(codes).not.toContain('CSRF-2');
    const location = await send(t.app, 'GET', `/api/locations/${locationId}`, { cookie });
    expect(location.json<{ name: string }>().name).toBe('Location CSRF-1');
    const roles = (await t.admin.get('/api/roles')).json<{ roles: RoleJson[] }>().roles;
    expect(roles.map((r) => r.id)).toContain(role.id);

    // With the right header the same write goes through.
    const ok = await send(
      t.app,
      'PATCH',
      `/api/locations/${locationId}`,
      { cookie, csrf },
      { name: 'Renamed' },
    );
    expect(ok.statusCode).toBe(200);
  });

  it('signs out: the session stops working at once, other sessions go on', async () => {
    const { cookie, csrf } = await signIn(t.app, 'admin', 'admin-password-123');
    const out = await send(t.app, 'POST', '/api/auth/logout', { cookie, csrf });
    expect(out.statusCode).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/^st_session=;/);

    const after = await send(t.app, 'GET', '/api/auth/session', { cookie });
    expect(after.statusCode).toBe(401);
    expect(code(after)).toBe('SESSION_EXPIRED');
    expect((await t.admin.get('/api/auth/session')).statusCode).toBe(200);
  });

  it('shows a new API token once; it works as a Bearer credential without any CSRF header', async () => {
    const created = await t.admin.post('/api/tokens', { name: 'ci-import' });
    expect(created.statusCode).toBe(201);
    const { token, apiToken } = created.json<{ token: string; apiToken: TokenJson }>();
    expect(token).toMatch(/^st_/);
    expect(apiToken).toMatchObject({ userId: t.admin.userId, prefix: token.slice(0, 9), revokedAt: null });

    const me = await send(t.app, 'GET', '/api/auth/session', { token });
    expect(me.statusCode).toBe(200);
    expect(me.json<SessionJson>()).toMatchObject({
      user: { username: 'admin' },
      via: 'token',
      csrfToken: null,
    });
    const write = await send(
      t.app,
      'POST',
      '/api/locations',
      { token },
      { code: 'TOKEN-1', name: 'By token' },
    );
    expect(write.statusCode).toBe(201);

    const listed = await t.admin.get('/api/tokens');
    expect(listed.statusCode).toBe(200);
    const mine = listed.json<{ tokens: TokenJson[] }>().tokens.find((x) => x.id === apiToken.id);
    expect(mine).toMatchObject({ prefix: token.slice(0, 9), revokedAt: null });
    expect(mine!.lastUsedAt).not.toBeNull();
    expect(listed.body).not.toContain(token);
    expect(listed.body).not.toContain(sha256(token));
    const all = await t.admin.get('/api/tokens?all=true');
    expect(all.body).not.toContain(token);
    expect(all.body).not.toContain(sha256(token));

    // The database holds only the digest.
    const row = await t.runtime.database.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', apiToken.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(sha256(token));
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it('revokes a token: it stops working with 401 INVALID_TOKEN', async () => {
    const { token, apiToken } = (await t.admin.post('/api/tokens', { name: 'short-lived' })).json<{
      token: string;
      apiToken: TokenJson;
    }>();
    expect((await send(t.app, 'GET', '/api/items', { token })).statusCode).toBe(200);

    const revoked = await t.admin.delete(`/api/tokens/${apiToken.id}`);
    expect(revoked.statusCode).toBe(200);
    const after = await send(t.app, 'GET', '/api/items', { token });
    expect(after.statusCode).toBe(401);
    expect(code(after)).toBe('INVALID_TOKEN');
    const listed = (await t.admin.get('/api/tokens')).json<{ tokens: TokenJson[] }>().tokens;
    expect(listed.find((x) => x.id === apiToken.id)?.revokedAt).not.toBeNull();

    for (const authorization of ['Bearer st_made-up', 'Basic YWRtaW46YWRtaW4=', 'Bearer']) {
      const res = await t.app.inject({ method: 'GET', url: '/api/items', headers: { authorization } });
      expect(res.statusCode).toBe(401);
      expect(code(res)).toBe('INVALID_TOKEN');
    }
  });

  it("does not let a user revoke or list another user's tokens unless they hold USERS_ADMIN", async () => {
    const alice = await t.userWith(['INV_VIEW'], 'alice');
    const bob = await t.userWith(['INV_VIEW'], 'bob');
    const { token, apiToken } = (await alice.post('/api/tokens', { name: 'alice-script' })).json<{
      token: string;
      apiToken: TokenJson;
    }>();

    const byBob = await bob.delete(`/api/tokens/${apiToken.id}`);
    expect(byBob.statusCode).toBe(404);
    expect(code(byBob)).toBe('NOT_FOUND');
    expect((await send(t.app, 'GET', '/api/items', { token })).statusCode).toBe(200);
    const bobAll = await bob.get('/api/tokens?all=true');
    expect(bobAll.statusCode).toBe(403);
    expect(code(bobAll)).toBe('FORBIDDEN');
    const bobOwn = (await bob.get('/api/tokens')).json<{ tokens: TokenJson[] }>().tokens;
    expect(bobOwn.map((x) => x.id)).not.toContain(apiToken.id);

    const userAdmin = await t.userWith(['USERS_ADMIN'], 'token-admin');
    const everyone = (await userAdmin.get('/api/tokens?all=true')).json<{ tokens: TokenJson[] }>().tokens;
    expect(everyone.map((x) => x.id)).toContain(apiToken.id);
    expect((await userAdmin.delete(`/api/tokens/${apiToken.id}`)).statusCode).toBe(200);
    expect((await send(t.app, 'GET', '/api/items', { token })).statusCode).toBe(401);
  });

  it('ends the sessions and tokens of a deactivated user at once', async () => {
    const carol = await t.userWith(['INV_VIEW'], 'carol');
    const { token } = (await carol.post('/api/tokens', { name: 'carol-script' })).json<{ token: string }>();
    expect((await carol.get('/api/items')).statusCode).toBe(200);
    expect((await send(t.app, 'GET', '/api/items', { token })).statusCode).toBe(200);

    const off = await t.admin.patch(`/api/users/${carol.userId}`, { active: false });
    expect(off.statusCode).toBe(200);
    expect(off.json<{ active: boolean }>().active).toBe(false);

    expect((await carol.get('/api/items')).statusCode).toBe(401);
    const byToken = await send(t.app, 'GET', '/api/items', { token });
    expect(byToken.statusCode).toBe(401);
    expect(code(byToken)).toBe('INVALID_TOKEN');
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'carol', password: 'user-password-123' },
    });
    expect(login.statusCode).toBe(401);
    expect(code(login)).toBe('BAD_CREDENTIALS');
  });

  it('stores passwords only as salted scrypt hashes and refuses passwords under 12 characters', async () => {
    const password = 'correct-horse-battery';
    for (const username of ['hash-a', 'hash-b']) {
      expect((await t.admin.post('/api/users', { username, password })).statusCode).toBe(201);
    }
    const rows = await t.runtime.database.db
      .selectFrom('users')
      .select(['username', 'password_hash'])
      .where('username', 'in', ['hash-a', 'hash-b'])
      .execute();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.password_hash.startsWith('scrypt$')).toBe(true);
      expect(row.password_hash).not.toContain(password);
    }
    expect(rows[0]!.password_hash).not.toBe(rows[1]!.password_hash);
    await signIn(t.app, 'hash-a', password);

    const weak = await t.admin.post('/api/users', { username: 'weak-user', password: 'abcdefghijk' });
    expect(weak.statusCode).toBe(422);
    expect(weak.json<Problem>()).toMatchObject({
      code: 'WEAK_PASSWORD',
      errors: [expect.objectContaining({ field: 'password', code: 'too_short' })],
    });
    const users = (await t.admin.get('/api/users')).json<{ users: { username: string }[] }>().users;
    expect(users.map((u) => u.username)).not.toContain('weak-user');

    const hashA = (await t.admin.get('/api/users'))
      .json<{ users: { id: number; username: string }[] }>()
      .users.find((u) => u.username === 'hash-a')!;
    const weakChange = await t.admin.patch(`/api/users/${hashA.id}`, { password: 'too-short' });
    expect(weakChange.statusCode).toBe(422);
    expect(code(weakChange)).toBe('WEAK_PASSWORD');
    await signIn(t.app, 'hash-a', password);
    expect(
      (await t.admin.post('/api/users', { username: 'twelve-chars', password: 'a1b2c3d4e5f6' })).statusCode,
    ).toBe(201);
  });
});

describeEachDialect('users and roles', (dialect) => {
  let t: TestApp;
  let roles: RoleJson[];
  const roleNamed = (name: string) => roles.find((r) => r.name === name)!;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    roles = (await t.admin.get('/api/roles')).json<{ roles: RoleJson[] }>().roles;
  });
  afterAll(() => t?.close());

  it('lists every permission and the built-in roles', async () => {
    const res = await t.admin.get('/api/permissions');
    expect(res.statusCode).toBe(200);
    expect(res.json<{ permissions: { name: string }[] }>().permissions.map((p) => p.name)).toEqual(
      ALL_PERMISSIONS,
    );
    expect(roles.filter((r) => r.builtIn).map((r) => r.name)).toEqual([
      'Administrator',
      'Inventory manager',
      'Clerk',
      'Viewer',
    ]);
    expect(roleNamed('Viewer').permissions).toEqual(['INV_VIEW']);
  });

  it('creates a user with roles, who then holds exactly their permissions; usernames are unique', async () => {
    const receiving = await t.admin.post('/api/roles', {
      name: 'Receiving',
      description: 'Books in serials',
      permissions: ['INV_VIEW', 'INV_MANAGE_SERIALS'],
    });
    expect(receiving.statusCode).toBe(201);
    const receivingId = receiving.json<RoleJson>().id;
    const clerkId = roleNamed('Clerk').id;

    const created = await t.admin.post('/api/users', {
      username: 'dana',
      displayName: 'Dana',
      password: 'dana-password-1',
      roleIds: [clerkId, receivingId],
    });
    expect(created.statusCode).toBe(201);
    const dana = created.json<{ id: number; roleIds: number[]; active: boolean }>();
    expect(dana.active).toBe(true);
    expect([...dana.roleIds].sort((a, b) => a - b)).toEqual([clerkId, receivingId].sort((a, b) => a - b));
    expect((await t.admin.get(`/api/users/${dana.id}`)).json<{ displayName: string }>().displayName).toBe(
      'Dana',
    );

    const { session } = await signIn(t.app, 'dana', 'dana-password-1');
    const clerkPermissions = roleNamed('Clerk').permissions;
    expect(session.permissions).toEqual(
      [...new Set([...clerkPermissions, 'INV_VIEW', 'INV_MANAGE_SERIALS'])].sort(),
    );

    const duplicate = await t.admin.post('/api/users', { username: 'dana', password: 'another-password' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json<Problem>()).toMatchObject({
      code: 'USERNAME_TAKEN',
      errors: [expect.objectContaining({ field: 'username' })],
    });
    const unknownRole = await t.admin.post('/api/users', {
      username: 'erin',
      password: 'erin-password-1',
      roleIds: [99999],
    });
    expect(unknownRole.statusCode).toBe(422);
    expect(code(unknownRole)).toBe('UNKNOWN_ROLE');
  });

  it('takes a role listed twice as that role once, on create and on edit', async () => {
    const clerkId = roleNamed('Clerk').id;
    const viewerId = roleNamed('Viewer').id;
    const created = await t.admin.post('/api/users', {
      username: 'twice',
      password: 'twice-password-1',
      roleIds: [clerkId, clerkId],
    });
    expect(created.statusCode, created.body).toBe(201);
    const user = created.json<{ id: number; roleIds: number[] }>();
    expect(user.roleIds).toEqual([clerkId]);

    const edited = await t.admin.patch(`/api/users/${user.id}`, { roleIds: [viewerId, viewerId, clerkId] });
    expect(edited.statusCode, edited.body).toBe(200);
    expect([...edited.json<{ roleIds: number[] }>().roleIds].sort((a, b) => a - b)).toEqual(
      [clerkId, viewerId].sort((a, b) => a - b),
    );
  });

  it('edits the permissions of a custom role, effective for signed-in users at once', async () => {
    const role = (
      await t.admin.post('/api/roles', { name: 'Shelf staff', permissions: ['INV_VIEW'] })
    ).json<RoleJson>();
    await t.admin.post('/api/users', { username: 'finn', password: 'finn-password-1', roleIds: [role.id] });
    const finn = await t.login('finn', 'finn-password-1');
    expect((await finn.get('/api/locations')).statusCode).toBe(200);
    const refused = await finn.post('/api/locations', { code: 'FINN-1', name: 'Finn shelf' });
    expect(refused.statusCode).toBe(403);
    expect(code(refused)).toBe('FORBIDDEN');

    const edited = await t.admin.patch(`/api/roles/${role.id}`, {
      description: 'Shelves and items',
      permissions: ['INV_VIEW', 'INV_EDIT_ITEMS', 'INV_VIEW'],
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json<RoleJson>()).toMatchObject({
      permissions: ['INV_EDIT_ITEMS', 'INV_VIEW'],
      builtIn: false,
    });
    expect((await finn.post('/api/locations', { code: 'FINN-1', name: 'Finn shelf' })).statusCode).toBe(201);
  });

  it('refuses unknown permissions with 422 and duplicate role names with 409', async () => {
    const bad = await t.admin.post('/api/roles', { name: 'Wishful', permissions: ['INV_VIEW', 'FLY'] });
    expect(bad.statusCode).toBe(422);
    expect(bad.json<Problem>()).toMatchObject({
      code: 'UNKNOWN_PERMISSION',
      errors: [expect.objectContaining({ field: 'permissions' })],
    });
    expect(
      (await t.admin.get('/api/roles')).json<{ roles: RoleJson[] }>().roles.map((r) => r.name),
    ).not.toContain('Wishful');

    const role = (
      await t.admin.post('/api/roles', { name: 'Counter', permissions: ['INV_VIEW'] })
    ).json<RoleJson>();
    const badEdit = await t.admin.patch(`/api/roles/${role.id}`, {
      permissions: ['INV_VIEW', 'inv_transfer'],
    });
    expect(badEdit.statusCode).toBe(422);
    expect(code(badEdit)).toBe('UNKNOWN_PERMISSION');
    const unchanged = (await t.admin.get('/api/roles'))
      .json<{ roles: RoleJson[] }>()
      .roles.find((r) => r.id === role.id);
    expect(unchanged?.permissions).toEqual(['INV_VIEW']);

    const duplicate = await t.admin.post('/api/roles', { name: 'Counter', permissions: [] });
    expect(duplicate.statusCode).toBe(409);
    expect(code(duplicate)).toBe('ROLE_NAME_TAKEN');
  });

  it('refuses to change or delete a built-in role with 409 BUILT_IN_ROLE', async () => {
    const viewer = roleNamed('Viewer');
    const edit = await t.admin.patch(`/api/roles/${viewer.id}`, { permissions: ['INV_VIEW', 'USERS_ADMIN'] });
    expect(edit.statusCode).toBe(409);
    expect(code(edit)).toBe('BUILT_IN_ROLE');
    const remove = await t.admin.delete(`/api/roles/${roleNamed('Clerk').id}`);
    expect(remove.statusCode).toBe(409);
    expect(code(remove)).toBe('BUILT_IN_ROLE');

    const now = (await t.admin.get('/api/roles')).json<{ roles: RoleJson[] }>().roles;
    expect(now.find((r) => r.id === viewer.id)?.permissions).toEqual(['INV_VIEW']);
    expect(now.map((r) => r.name)).toContain('Clerk');
  });

  it('refuses to delete a role in use; once unassigned it can be deleted', async () => {
    const role = (
      await t.admin.post('/api/roles', { name: 'Seasonal', permissions: ['INV_VIEW'] })
    ).json<RoleJson>();
    const user = (
      await t.admin.post('/api/users', { username: 'gus', password: 'gus-password-1', roleIds: [role.id] })
    ).json<{ id: number }>();

    const inUse = await t.admin.delete(`/api/roles/${role.id}`);
    expect(inUse.statusCode).toBe(409);
    expect(code(inUse)).toBe('ROLE_IN_USE');
    expect((await t.admin.get('/api/roles')).json<{ roles: RoleJson[] }>().roles.map((r) => r.id)).toContain(
      role.id,
    );

    expect((await t.admin.patch(`/api/users/${user.id}`, { roleIds: [] })).statusCode).toBe(200);
    expect((await t.admin.delete(`/api/roles/${role.id}`)).statusCode).toBe(200);
    expect(
      (await t.admin.get('/api/roles')).json<{ roles: RoleJson[] }>().roles.map((r) => r.id),
    ).not.toContain(role.id);
    expect((await t.admin.delete(`/api/roles/${role.id}`)).statusCode).toBe(404);
  });
});

describeEachDialect('the last administrator', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t?.close());

  it('keeps the only administrator from deactivating themselves or dropping their admin role', async () => {
    const deactivate = await t.admin.patch(`/api/users/${t.admin.userId}`, { active: false });
    expect(deactivate.statusCode).toBe(409);
    expect(code(deactivate)).toBe('LAST_ADMINISTRATOR');
    const demote = await t.admin.patch(`/api/users/${t.admin.userId}`, { roleIds: [] });
    expect(demote.statusCode).toBe(409);
    expect(code(demote)).toBe('LAST_ADMINISTRATOR');

    // Nothing changed: still active, still an administrator, still signed in.
    const me = await t.admin.get(`/api/users/${t.admin.userId}`);
    expect(me.statusCode).toBe(200);
    expect(me.json<{ active: boolean; roleIds: number[] }>()).toMatchObject({ active: true });
    expect(me.json<{ roleIds: number[] }>().roleIds).toHaveLength(1);
  });

  it('lets one of two administrators be deactivated, but not a role edit that leaves none', async () => {
    const role = (
      await t.admin.post('/api/roles', { name: 'Custom admin', permissions: ['USERS_ADMIN', 'INV_VIEW'] })
    ).json<RoleJson>();
    expect(
      (
        await t.admin.post('/api/users', {
          username: 'boss',
          password: 'boss-password-1',
          roleIds: [role.id],
        })
      ).statusCode,
    ).toBe(201);
    const boss = await t.login('boss', 'boss-password-1');

    expect((await boss.patch(`/api/users/${t.admin.userId}`, { active: false })).statusCode).toBe(200);
    expect((await t.admin.get('/api/auth/session')).statusCode).toBe(401);

    // boss is now the only active administrator, through a custom role.
    const strip = await boss.patch(`/api/roles/${role.id}`, { permissions: ['INV_VIEW'] });
    expect(strip.statusCode).toBe(409);
    expect(code(strip)).toBe('LAST_ADMINISTRATOR');
    const self = await boss.patch(`/api/users/${boss.userId}`, { active: false });
    expect(self.statusCode).toBe(409);
    expect(code(self)).toBe('LAST_ADMINISTRATOR');
    expect((await boss.get('/api/users')).statusCode).toBe(200);

    expect((await boss.patch(`/api/users/${t.admin.userId}`, { active: true })).statusCode).toBe(200);
    expect((await boss.patch(`/api/users/${boss.userId}`, { active: false })).statusCode).toBe(200);
  });
});
