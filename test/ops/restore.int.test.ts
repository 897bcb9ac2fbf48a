import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import {
  BUILT_SERVER,
  requireBuild,
  seedDatabase,
  startProcess,
  type ServerProcess,
} from '../support/server-process.js';

const run = promisify(execFile);

/** `serialtrack backup` and `serialtrack restore` of the built CLI, on one SQLite file. */
describe.runIf(dialectsUnderTest().includes('sqlite'))('backup and restore [sqlite]', () => {
  let dir: string;
  let dbFile: string;
  let seed: { token: string; itemId: number };
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    requireBuild();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serialtrack-restore-'));
    dbFile = path.join(dir, 'live.db');
    seed = await seedDatabase(dbFile, 10);
  });
  afterEach(() => server?.kill());
  afterAll(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, SERIALTRACK_DB_FILE: dbFile, LOG_LEVEL: 'silent' };
    delete env['DATABASE_URL'];
    try {
      const { stdout, stderr } = await run(process.execPath, [BUILT_SERVER, ...args], {
        env,
        timeout: 30_000,
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  const countIn = (file: string) => {
    const db = new SQLite(file, { readonly: true });
    try {
      return (db.prepare('select count(*) as n from serials').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  async function serialCount(s: ServerProcess): Promise<number> {
    const res = await fetch(`${s.url}/api/items/${seed.itemId}/serials?limit=1`, {
      headers: { authorization: `Bearer ${seed.token}` },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { counts: { total: number } }).counts.total;
  }

  it('restores a backup taken under write load, refusing while the server has the database open', async () => {
    server = await startProcess(process.execPath, [BUILT_SERVER, 'serve'], dbFile);
    const live = server;
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        const res = await fetch(`${live.url}/api/items/${seed.itemId}/serials`, {
          method: 'POST',
          headers: { authorization: `Bearer ${seed.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ serials: [{ serialNumber: `LOAD-${++written}` }] }),
        });
        expect(res.status).toBe(201);
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    const backupFile = path.join(dir, 'under-load.db');
    const backup = await cli('backup', backupFile);
    expect(backup.code, backup.stderr).toBe(0);
    await new Promise((r) => setTimeout(r, 500));

    const refused = await cli('restore', backupFile);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is open in another process (a running server?)');

    writing = false;
    await writer;
    const beforeRestore = await serialCount(live);
    process.kill(live.child.pid!, 'SIGTERM');
    expect((await live.exited).code).toBe(0);

    const inBackup = countIn(backupFile);
    expect(inBackup).toBeGreaterThan(10);
    expect(inBackup).toBeLessThan(beforeRestore);

    const restored = await cli('restore', backupFile);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(
      /Restored .* into .*live\.db; the database it replaced is .*live\.db\.replaced-/,
    );

    server = await startProcess(process.execPath, [BUILT_SERVER, 'serve'], dbFile);
    expect(await serialCount(server)).toBe(inBackup);
  });

  it('refuses a damaged backup, a file that is not SQLite and a missing one, leaving the database as it was', async () => {
    const good = path.join(dir, 'good.db');
    expect((await cli('backup', good)).code).toBe(0);
    const damaged = path.join(dir, 'damaged.db');
    const bytes = fs.readFileSync(good);
    bytes.fill(0x5a, 4096 * 2, 4096 * 6);
    fs.writeFileSync(damaged, bytes);
    const notSqlite = path.join(dir, 'notes.txt');
    fs.writeFileSync(notSqlite, 'not a database at all, just some text that is long enough to be read');
    const before = countIn(dbFile);

    for (const [file, message] of [
      [damaged, 'so it was not restored'],
      [notSqlite, 'cannot be read as a SQLite database'],
      [path.join(dir, 'missing.db'), 'No backup file at'],
    ] as const) {
      const res = await cli('restore', file);
      expect(res.code, file).toBe(1);
      expect(res.stderr).toContain(message);
    }
    expect(countIn(dbFile)).toBe(before);
  });
});
