/**
 * The HTTP lookup's raw floor: node:http answering GET /api/serials/lookup?q=… with the work the product's
 * route does, straight on the driver: the bearer token's hash looked up, its user and permissions read,
 * INV_VIEW checked, the exact lookup run, the rows sent as JSON. No framework, no validation, no view mapping.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { DatabaseConfig } from '../src/config.js';
import { openSqlite } from '../src/db/database.js';
import { LOOKUP_SELECT } from './raw.js';

const TOKEN_SQL = 'select user_id from api_tokens where token_hash = ? and revoked_at is null';
const USER_SQL = 'select active from users where id = ?';
const PERMISSIONS_SQL = `select distinct rp.permission from user_roles ur
  inner join role_permissions rp on rp.role_id = ur.role_id where ur.user_id = ?`;
const LOOKUP_SQL = `${LOOKUP_SELECT} where s.serial_number = ? order by s.serial_number, s.id limit ?`;

interface RawReads {
  userOfToken(hash: string): Promise<number | undefined>;
  active(userId: number): Promise<boolean>;
  permissions(userId: number): Promise<string[]>;
  lookup(value: string, limit: number): Promise<unknown[]>;
  close(): Promise<void>;
}

function sqliteReads(file: string): RawReads {
  const db = openSqlite(file);
  const token = db.prepare(TOKEN_SQL);
  const user = db.prepare(USER_SQL);
  const perms = db.prepare(PERMISSIONS_SQL);
  const lookup = db.prepare(LOOKUP_SQL);
  return {
    userOfToken: (hash) => Promise.resolve((token.get(hash) as { user_id: number } | undefined)?.user_id),
    active: (id) => Promise.resolve((user.get(id) as { active: number } | undefined)?.active === 1),
    permissions: (id) =>
      Promise.resolve((perms.all(id) as { permission: string }[]).map((r) => r.permission)),
    lookup: (value, limit) => Promise.resolve(lookup.all(value, limit)),
    close: () => Promise.resolve(void db.close()),
  };
}

/** A pool as large as the product's, and named statements, so concurrent requests are not serialised. */
function postgresReads(url: string, poolSize: number): RawReads {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => undefined);
  let n = 0;
  const numbered = (text: string) => text.replace(/\?/g, () => `$${++n}`);
  const statement = (name: string, text: string) => {
    n = 0;
    const sql = numbered(text);
    return async (values: unknown[]): Promise<unknown[]> =>
      (await pool.query<Record<string, unknown>>({ name, text: sql, values })).rows;
  };
  const token = statement('raw_http_token', TOKEN_SQL);
  const user = statement('raw_http_user', USER_SQL);
  const perms = statement('raw_http_permissions', PERMISSIONS_SQL);
  const lookup = statement('raw_http_lookup', LOOKUP_SQL);
  return {
    userOfToken: async (hash) => ((await token([hash]))[0] as { user_id: number } | undefined)?.user_id,
    active: async (id) => ((await user([id]))[0] as { active: number } | undefined)?.active === 1,
    permissions: async (id) => ((await perms([id])) as { permission: string }[]).map((r) => r.permission),
    lookup: (value, limit) => lookup([value, limit]),
    close: () => pool.end(),
  };
}

export interface RawHttpServer {
  port: number;
  close(): Promise<void>;
}

export async function startRawHttpServer(config: DatabaseConfig, poolSize: number): Promise<RawHttpServer> {
  const reads = config.kind === 'sqlite' ? sqliteReads(config.file) : postgresReads(config.url, poolSize);
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(text);
  };
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method !== 'GET' || url.pathname !== '/api/serials/lookup') return send(res, 404, {});
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ')) return send(res, 401, {});
      const userId = await reads.userOfToken(createHash('sha256').update(auth.slice(7)).digest('hex'));
      if (userId === undefined || !(await reads.active(userId))) return send(res, 401, {});
      if (!(await reads.permissions(userId)).includes('INV_VIEW')) return send(res, 403, {});
      const q = url.searchParams.get('q')?.trim() ?? '';
      send(res, 200, { matches: await reads.lookup(q, 20) });
    })().catch((err: unknown) => send(res, 500, { error: String(err) }));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }).then(() => reads.close())),
  };
}
