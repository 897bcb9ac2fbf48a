import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type * as FastifyModule from 'fastify';
import type { LightMyRequestResponse } from 'fastify';
import { ALL_PERMISSIONS, isPermission, type Permission } from '../auth/permissions.js';
import { describeEachDialect } from '../../test/support/dialects.js';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.js';

interface RegisteredRoute {
  method: string | string[];
  url: string;
  config?: { access?: string; methodNotAllowed?: boolean };
  schema?: { hide?: boolean };
}

/**
 * Fastify's router exposes no list of routes with their config, so every app built in this file records what
 * it registers. The route options are kept by reference: a later onRoute hook may still set `access`.
 */
const registered = vi.hoisted(() => new WeakMap<object, RegisteredRoute[]>());

vi.mock('fastify', async (importOriginal) => {
  const actual = await importOriginal<typeof FastifyModule>();
  const create = ((opts?: Parameters<typeof actual.default>[0]) => {
    const app = actual.default(opts);
    const routes: RegisteredRoute[] = [];
    registered.set(app, routes);
    app.addHook('onRoute', (route) => {
      routes.push(route);
    });
    return app;
  }) as typeof actual.default;
  return { ...actual, default: create, fastify: create };
});

interface Route {
  method: string;
  url: string;
  access: string | undefined;
  documented: boolean;
}

const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

/** Path parameters and bodies are deliberately invalid: the access check must answer before validation. */
const concrete = (url: string) => url.replace(/:\w+/g, '0').replace('*', 'x');
const INVALID_BODY = ['not', 'an', 'object'];
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describeEachDialect('the route walk: who may call what', (dialect) => {
  let t: TestApp;
  let routes: Route[];
  let methodNotAllowed: RegisteredRoute[];

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const seen = registered.get(t.app);
    if (!seen) throw new Error('the routes of the app were not recorded');
    // The 405 answers for a path's missing methods (framework-errors.ts) are walked apart, below.
    methodNotAllowed = seen.filter((r) => r.config?.methodNotAllowed === true);
    routes = seen
      .filter((r) => r.config?.methodNotAllowed !== true)
      .flatMap((r) =>
        (Array.isArray(r.method) ? r.method : [r.method]).map((method) => ({
          method: method.toUpperCase(),
          url: r.url,
          access: r.config?.access,
          documented: r.schema?.hide !== true,
        })),
      );
  });
  afterAll(() => t?.close());

  const byAccess = (predicate: (access: string | undefined) => boolean) =>
    routes
      .filter((r) => r.method !== 'HEAD' && predicate(r.access))
      .map(key)
      .sort();

  async function anonymous(route: Route, headers: Record<string, string> = {}) {
    return t.app.inject({
      method: route.method as 'GET',
      url: concrete(route.url),
      headers,
      ...(WRITES.has(route.method) && { payload: INVALID_BODY }),
    });
  }

  function call(client: Client, route: Route) {
    return client.request(
      route.method,
      concrete(route.url),
      WRITES.has(route.method) ? INVALID_BODY : undefined,
    );
  }

  function bearer(token: string, route: Route) {
    return anonymous(route, { authorization: `Bearer ${token}` });
  }

  const describeResponse = (route: Route, res: LightMyRequestResponse) =>
    `${key(route)} → ${res.statusCode} ${res.body.slice(0, 120)}`;

  it('sees every route, and every route declares an access rule (fail closed)', () => {
    expect(routes.length).toBeGreaterThan(30);
    const undeclared = routes.filter(
      (r) =>
        r.access === undefined ||
        !(r.access === 'public' || r.access === 'authenticated' || isPermission(r.access)),
    );
    expect(undeclared.map(key)).toEqual([]);
  });

  it('documents every API route in the OpenAPI document, and nothing more', () => {
    const doc = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const inDocument = Object.entries(doc.paths)
      .flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => key({ method: m.toUpperCase(), url: path.replace(/\{(\w+)\}/g, ':$1') })),
      )
      .sort();
    const inApp = routes
      .filter((r) => r.documented && r.method !== 'HEAD')
      .map(key)
      .sort();
    expect(inDocument.length).toBeGreaterThan(30);
    expect(inDocument).toEqual(inApp);
  });

  it('leaves only sign-in, first-run setup, health, the API docs and the web UI files public', () => {
    const isApi = (k: string) => k.split(' ')[1]!.startsWith('/api');
    // The built web UI (when present) is static files: GET/HEAD only, outside /api.
    expect(
      routes.filter((r) => !r.url.startsWith('/api')).every((r) => r.method === 'GET' || r.method === 'HEAD'),
    ).toBe(true);
    expect(byAccess((a) => a === 'public').filter((k) => isApi(k) && !k.startsWith('GET /api/docs'))).toEqual(
      [
        'GET /api/health',
        'GET /api/openapi.json',
        'GET /api/setup',
        'POST /api/auth/login',
        'POST /api/setup',
      ],
    );
    // The docs UI serves only GET/HEAD static files and the OpenAPI document.
    expect(
      routes
        .filter((r) => r.url.startsWith('/api/docs'))
        .every((r) => r.method === 'GET' || r.method === 'HEAD'),
    ).toBe(true);
  });

  it('opens to any signed-in user only the self-service routes', () => {
    expect(byAccess((a) => a === 'authenticated')).toEqual([
      'DELETE /api/tokens/:id',
      'GET /api/auth/session',
      'GET /api/tokens',
      'POST /api/auth/logout',
      'POST /api/auth/password',
      'POST /api/tokens',
    ]);
  });

  it('guards administration with its own permissions, and no write with INV_VIEW alone', () => {
    const accessOf = (method: string, url: string) =>
      routes.find((r) => r.method === method && r.url === url)?.access;
    for (const r of routes.filter((r) => /^\/api\/(users|roles|permissions)\b/.test(r.url))) {
      expect(r.access, key(r)).toBe('USERS_ADMIN');
    }
    expect(accessOf('PATCH', '/api/settings')).toBe('SETTINGS_ADMIN');
    // Correcting mistakes (voiding, renumbering) is deleting and editing serials: INV_MANAGE_SERIALS.
    for (const url of ['/api/serials/void', '/api/serials/:id/void', '/api/serials/:id/renumber']) {
      expect(accessOf('POST', url), url).toBe('INV_MANAGE_SERIALS');
    }
    // Expanding a serial expression is a POST only because the expression can be long; it writes nothing.
    // Printing labels for a selection is a POST only because thousands of ids do not fit a URL.
    const readOnlyPosts = new Set(['POST /api/serial-expressions/expand', 'POST /api/labels']);
    const viewWrites = routes.filter(
      (r) => WRITES.has(r.method) && r.access === 'INV_VIEW' && !readOnlyPosts.has(key(r)),
    );
    expect(viewWrites.map(key)).toEqual([]);
  });

  it('answers 401 to a caller without credentials, or with a bad token, on every non-public route', async () => {
    const guarded = routes.filter((r) => r.access !== 'public');
    expect(guarded.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    for (const route of guarded) {
      const res = await anonymous(route);
      if (res.statusCode !== 401) wrong.push(describeResponse(route, res));
      else if (route.method !== 'HEAD' && res.json<{ code: string }>().code !== 'UNAUTHENTICATED') {
        wrong.push(describeResponse(route, res));
      }
      const forged = await bearer('st_not-a-real-token', route);
      if (forged.statusCode !== 401) wrong.push(`(bad token) ${describeResponse(route, forged)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('lets anonymous callers reach the public routes', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => r.access === 'public')) {
      const res = await anonymous(route);
      if (res.statusCode === 401 || res.statusCode === 403) wrong.push(describeResponse(route, res));
    }
    expect(wrong).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
  });

  it('answers 405 with Allow, as a problem, to every method a known API path does not take', async () => {
    expect(methodNotAllowed.length).toBeGreaterThan(20);
    const wrong: string[] = [];
    for (const r of methodNotAllowed) {
      for (const method of Array.isArray(r.method) ? r.method : [r.method]) {
        if (method === 'HEAD') continue;
        const res = await t.admin.request(method, concrete(r.url));
        const allow = String(res.headers['allow'] ?? '');
        const taken = routes.filter((x) => x.url === r.url).map((x) => x.method);
        if (
          res.statusCode !== 405 ||
          !String(res.headers['content-type']).startsWith('application/problem+json') ||
          taken.some((m) => !allow.split(', ').includes(m))
        ) {
          wrong.push(`${method} ${r.url}: ${res.statusCode} allow=${allow}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers 403 FORBIDDEN, before validating anything, to a user holding every permission but the one a route needs', async () => {
    const permissionRoutes = routes.filter((r): r is Route & { access: Permission } =>
      isPermission(r.access ?? ''),
    );
    expect(permissionRoutes.length).toBeGreaterThan(25);
    const wrong: string[] = [];
    for (const missing of ALL_PERMISSIONS) {
      const others = ALL_PERMISSIONS.filter((p) => p !== missing);
      const user = await t.userWith(others, `all-but-${missing.toLowerCase()}`);
      const created = await user.post('/api/tokens', { name: 'walk' });
      expect(created.statusCode).toBe(201);
      const token = created.json<{ token: string }>().token;

      for (const route of permissionRoutes) {
        for (const [via, res] of [
          ['session', await call(user, route)],
          ['token', await bearer(token, route)],
        ] as const) {
          const denied =
            res.statusCode === 403 &&
            (route.method === 'HEAD' || res.json<{ code: string }>().code === 'FORBIDDEN');
          // Forbidden exactly when the route needs the one permission this user lacks.
          if (denied !== (route.access === missing))
            wrong.push(`without ${missing} (${via}) ${describeResponse(route, res)}`);
          if (res.statusCode === 401)
            wrong.push(`without ${missing} (${via}) ${describeResponse(route, res)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lets a user with no permissions at all use the self-service routes', async () => {
    await t.userWith([], 'no-permissions');
    const wrong: string[] = [];
    for (const route of routes.filter((r) => r.access === 'authenticated')) {
      // A fresh session each time: one of these routes is logout.
      const user = await t.login('no-permissions', 'user-password-123');
      const res = await call(user, route);
      if (res.statusCode === 401 || res.statusCode === 403) wrong.push(describeResponse(route, res));
    }
    expect(wrong).toEqual([]);
  });
});
