import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type Services } from '../../src/app.js';
import type { AppConfig } from '../../src/config.js';
import { openRuntime, type Runtime } from '../../src/server.js';
import { createTestDatabase, type TestDialect } from './databases.js';

export const ADMIN_PASSWORD = 'admin-password-123';

export interface Client {
  userId: number;
  username: string;
  request(method: string, url: string, body?: unknown): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  delete(url: string): Promise<LightMyRequestResponse>;
}

export interface TestApp {
  dialect: TestDialect;
  app: FastifyInstance;
  runtime: Runtime;
  services: Services;
  admin: Client;
  /** Signs in through the API with a cookie session (CSRF header included on writes). */
  login(username: string, password: string): Promise<Client>;
  /** Creates a user holding the given permissions (through a custom role) and signs in as them. */
  userWith(permissions: string[], username?: string): Promise<Client>;
  close(): Promise<void>;
}

/** Signs in on a given app instance (the session lives in the database, so any instance of it accepts it). */
export async function loginOn(app: FastifyInstance, username: string, password: string): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  // `__Host-st_session` when the app runs with COOKIE_SECURE=true.
  const cookie = res.cookies.find((c) => c.name.endsWith('st_session'));
  const session = res.json<{ csrfToken: string; user: { id: number } }>();
  const request = (method: string, url: string, body?: unknown) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: { cookie: `${cookie!.name}=${cookie!.value}`, 'x-csrf-token': session.csrfToken },
      ...(body !== undefined && { payload: body as object }),
    });
  return {
    userId: session.user.id,
    username,
    request,
    get: (url) => request('GET', url),
    post: (url, body) => request('POST', url, body ?? {}),
    patch: (url, body) => request('PATCH', url, body ?? {}),
    delete: (url) => request('DELETE', url),
  };
}

export interface SecondServer {
  app: FastifyInstance;
  runtime: Runtime;
  /** The administrator, signed in on this server. */
  admin: Client;
  close(): Promise<void>;
}

/** A second, fully separate app server (own pool, own services) on the test app's database. */
export async function openSecondServer(t: TestApp): Promise<SecondServer> {
  const runtime = await openRuntime({ ...t.runtime.config });
  try {
    const app = await buildApp(runtime.config, runtime.database, runtime.services);
    await app.ready();
    const admin = await loginOn(app, 'admin', ADMIN_PASSWORD);
    return {
      app,
      runtime,
      admin,
      async close() {
        await app.close();
        await runtime.close();
      },
    };
  } catch (err) {
    await runtime.close();
    throw err;
  }
}

/** The configuration every test server runs with, on the given database. */
export function testConfig(database: AppConfig['database']): AppConfig {
  return {
    database,
    host: '127.0.0.1',
    port: 0,
    sessionTtlHours: 1,
    cookieSecure: false,
    trustProxy: false,
    logLevel: 'silent',
    timeZone: 'UTC',
  };
}

let userCounter = 0;

/** A fresh database with the administrator set up, and the app on it; `overrides` change its config. */
export async function createTestApp(
  dialect: TestDialect,
  overrides: Partial<Omit<AppConfig, 'database'>> = {},
): Promise<TestApp> {
  const testDb = await createTestDatabase(dialect);
  const config: AppConfig = { ...testConfig(testDb.config), ...overrides };
  const runtime = await openRuntime(config);
  const app = await buildApp(config, runtime.database, runtime.services);
  await app.ready();

  const login = (username: string, password: string) => loginOn(app, username, password);

  const setup = await app.inject({
    method: 'POST',
    url: '/api/setup',
    payload: { username: 'admin', password: ADMIN_PASSWORD, displayName: 'Admin' },
  });
  if (setup.statusCode !== 201) throw new Error(`setup failed: ${setup.body}`);
  const admin = await login('admin', ADMIN_PASSWORD);

  return {
    dialect,
    app,
    runtime,
    services: runtime.services,
    admin,
    login,
    async userWith(permissions, username) {
      const name =
        username ?? `user${++userCounter}_${permissions.join('_').toLowerCase() || 'none'}`.slice(0, 90);
      const role = await runtime.services.users.createRole({ name: `role-${name}`, permissions });
      await runtime.services.users.createUser({
        username: name,
        password: 'user-password-123',
        roleIds: [role.id],
      });
      return login(name, 'user-password-123');
    },
    async close() {
      await app.close();
      await runtime.close();
      await testDb.drop();
    },
  };
}

/** Creates a location and returns its id. */
export async function makeLocation(client: Client, code: string): Promise<number> {
  const res = await client.post('/api/locations', { code, name: `Location ${code}` });
  if (res.statusCode !== 201) throw new Error(`location ${code}: ${res.body}`);
  return res.json<{ id: number }>().id;
}

/** Creates an item (tracking serials by default) and returns its id. */
export async function makeItem(
  client: Client,
  sku: string,
  fields: Record<string, unknown> = {},
): Promise<number> {
  const res = await client.post('/api/items', { sku, name: `Item ${sku}`, trackSerials: true, ...fields });
  if (res.statusCode !== 201) throw new Error(`item ${sku}: ${res.body}`);
  return res.json<{ id: number }>().id;
}

export async function addSerials(
  client: Client,
  itemId: number,
  serials: (string | { serialNumber: string; locationId?: number; conditionNotes?: string })[],
): Promise<{ id: number; serialNumber: string }[]> {
  const res = await client.post(`/api/items/${itemId}/serials`, {
    serials: serials.map((s) => (typeof s === 'string' ? { serialNumber: s } : s)),
  });
  if (res.statusCode !== 201) throw new Error(`add serials: ${res.statusCode} ${res.body}`);
  return res.json<{ serials: { id: number; serialNumber: string }[] }>().serials;
}
