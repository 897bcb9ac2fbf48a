import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import {
  BUILT_SERVER,
  isRunning,
  keepAliveAgent,
  postJson,
  requireBuild,
  seedDatabase,
  startProcess,
  type ServerProcess,
} from '../support/server-process.js';

/**
 * Stopping the server as deployments do, each while a 300-label PDF is being made over a keep-alive
 * connection: the PDF completes, the process exits 0 within 10 s, and SQLite is left as one checkpointed
 * file (no -wal). The server is the built one (`npm run build`), run by `npm start` or by node directly.
 */
/** The hard deadline is unit-tested (graceful-shutdown.test.ts); here it must not cut a PDF slowed by load. */
const NO_DEADLINE = { SHUTDOWN_TIMEOUT_S: '120' };

describe.runIf(dialectsUnderTest().includes('sqlite'))('graceful shutdown [sqlite]', () => {
  let dir: string;
  let seedFile: string;
  let seed: { token: string; serialIds: number[] };
  let running: ServerProcess | undefined;

  beforeAll(async () => {
    requireBuild();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serialtrack-shutdown-'));
    seedFile = path.join(dir, 'seed.db');
    seed = await seedDatabase(seedFile, 300);
  });
  afterEach(() => running?.kill());
  afterAll(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  /** A fresh copy of the seeded database for one case. */
  function databaseFor(name: string): string {
    const file = path.join(dir, `${name}.db`);
    fs.copyFileSync(seedFile, file);
    return file;
  }

  function pdfRequest(server: ServerProcess, agent = keepAliveAgent()) {
    return postJson(
      `${server.url}/api/labels`,
      { serialIds: seed.serialIds },
      { authorization: `Bearer ${seed.token}` },
      agent,
    );
  }

  /** Sends the PDF request, signals once the server has it, and checks everything a deployer relies on. */
  async function stopsCleanly(server: ServerProcess, dbFile: string, signal: () => void) {
    const agent = keepAliveAgent();
    // Warm-up: the connection the PDF then reuses is already open and kept alive.
    expect((await pdfRequest(server, agent)).status).toBe(200);
    const pdf = pdfRequest(server, agent);
    // Signal once the server has the request (its log line), not before: a request that arrives after the
    // signal gets 503, by design.
    const received = () =>
      server.output().match(/"url":"\/api\/labels".*"msg":"incoming request"/g)?.length ?? 0;
    await vi.waitFor(() => expect(received()).toBe(2), { timeout: 10_000, interval: 10 });
    const signalledAt = performance.now();
    signal();
    const res = await pdf;
    const answeredAt = performance.now();
    expect(res.status, res.body.toString()).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.body.subarray(0, 5).toString()).toBe('%PDF-');
    expect(res.body.subarray(-6).toString()).toContain('%%EOF');
    const exit = await server.exited;
    expect(exit.code, server.output()).toBe(0);
    // Within 10 s of the signal on an unloaded machine; on a busy one the PDF alone may take longer, so the
    // deadline is lifted (SHUTDOWN_TIMEOUT_S) and what is checked is that nothing waits after the answer.
    expect(exit.at - answeredAt).toBeLessThan(3000);
    expect(exit.at).toBeGreaterThan(signalledAt);
    expect(isRunning(server.serverPid())).toBe(false);
    expect(fs.existsSync(`${dbFile}-wal`)).toBe(false);
    const db = new SQLite(dbFile, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    agent.destroy();
    return exit;
  }

  it('SIGTERM to the process group of `npm start` (systemd, Ctrl-C): the PDF completes, exit 0, no WAL left', async () => {
    const dbFile = databaseFor('group');
    running = await startProcess('npm', ['start'], dbFile, { env: NO_DEADLINE });
    await stopsCleanly(running, dbFile, () => process.kill(-running!.child.pid!, 'SIGTERM'));
    expect(running.output()).toContain('shut down cleanly');
  });

  it('SIGINT to the process group of `npm start` (Ctrl-C in a terminal) stops it the same way', async () => {
    const dbFile = databaseFor('group-int');
    running = await startProcess('npm', ['start'], dbFile, { env: NO_DEADLINE });
    await stopsCleanly(running, dbFile, () => process.kill(-running!.child.pid!, 'SIGINT'));
  });

  it('SIGTERM to npm alone (docker stop): the server behind it stops too, nothing keeps listening', async () => {
    const dbFile = databaseFor('npm-only');
    running = await startProcess('npm', ['start'], dbFile, { env: NO_DEADLINE });
    const server = running;
    expect(server.serverPid()).not.toBe(server.child.pid);
    await stopsCleanly(server, dbFile, () => process.kill(server.child.pid!, 'SIGTERM'));
    await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
  });

  it('SIGTERM to node directly does not wait for the kept-alive connection (exits at once, not 72 s later)', async () => {
    const dbFile = databaseFor('node');
    running = await startProcess(process.execPath, [BUILT_SERVER, 'serve'], dbFile, { env: NO_DEADLINE });
    const server = running;
    const started = performance.now();
    const exit = await stopsCleanly(server, dbFile, () => process.kill(server.child.pid!, 'SIGTERM'));
    expect(exit.at - started).toBeLessThan(15_000);
  });

  it('SIGINT to node directly, idle, exits 0 at once', async () => {
    const dbFile = databaseFor('node-int');
    running = await startProcess(process.execPath, [BUILT_SERVER, 'serve'], dbFile, { env: NO_DEADLINE });
    const signalledAt = performance.now();
    process.kill(running.child.pid!, 'SIGINT');
    const exit = await running.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(3000);
    expect(fs.existsSync(`${dbFile}-wal`)).toBe(false);
  });
});
