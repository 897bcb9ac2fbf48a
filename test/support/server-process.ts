import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { buildApp } from '../../src/app.js';
import type { AppConfig } from '../../src/config.js';
import { openRuntime } from '../../src/server.js';
import { addSerials, loginOn, makeItem, makeLocation, testConfig } from './test-app.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BUILT_SERVER = path.join(ROOT, 'dist', 'cli', 'main.js');

export function requireBuild(): void {
  if (!fs.existsSync(BUILT_SERVER) || !fs.existsSync(path.join(ROOT, 'web', 'dist', 'index.html'))) {
    throw new Error('dist/ or web/dist/ is missing: run `npm run build` first (npm test does).');
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export function sqliteConfig(file: string): AppConfig {
  return testConfig({ kind: 'sqlite', file });
}

/** A database with an administrator, an API token and `serials` serials of one item; answers the token and ids. */
export async function seedDatabase(
  file: string,
  serials: number,
): Promise<{ token: string; itemId: number; serialIds: number[] }> {
  const config = sqliteConfig(file);
  const runtime = await openRuntime(config);
  const app = await buildApp(config, runtime.database, runtime.services);
  try {
    await app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: { username: 'admin', password: 'admin-password-123' },
    });
    const admin = await loginOn(app, 'admin', 'admin-password-123');
    const location = await makeLocation(admin, 'R1');
    const itemId = await makeItem(admin, 'ALT-100', {
      name: 'Alternator 12V 90A',
      primaryLocationId: location,
    });
    const numbers = Array.from({ length: serials }, (_, i) => `ALT-${String(i + 1).padStart(5, '0')}`);
    const made = await addSerials(admin, itemId, numbers);
    const { token } = await runtime.services.auth.createTokenForUsername('admin', 'ops tests');
    return { token, itemId, serialIds: made.map((s) => s.id) };
  } finally {
    await app.close();
    await runtime.close();
  }
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  output(): string;
  /** The pid of the node process that listens (from its log lines), which may be a child of `child`. */
  serverPid(): number;
  /** Resolves with the exit code and the ms between `since` and the exit. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  kill(): void;
}

/** Starts COMMAND in its own process group on `dbFile` and waits for /api/health to answer 200. */
export async function startProcess(
  command: string,
  args: string[],
  dbFile: string,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    SERIALTRACK_DB_FILE: dbFile,
    LOG_LEVEL: 'info',
  };
  // The SQLite file given, unless the caller points the server at PostgreSQL.
  if (!options.env?.['DATABASE_URL']) delete env['DATABASE_URL'];
  const child = spawn(command, args, {
    cwd: options.cwd ?? ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      throw new Error(`${command} ${args.join(' ')} did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    url,
    port,
    output: () => output,
    serverPid() {
      const pid = /"pid":(\d+)/.exec(output)?.[1];
      if (!pid) throw new Error(`no pid in the server's log: ${output}`);
      return Number(pid);
    },
    exited,
    kill() {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A keep-alive agent, as browsers and load balancers hold connections open after a response. */
export function keepAliveAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, keepAliveMsecs: 1000, maxSockets: 4 });
}

/** POSTs JSON and reads the whole answer; `onSent` fires once the request is on the wire. */
export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  agent: http.Agent,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
