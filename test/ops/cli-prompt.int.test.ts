import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openRuntime } from '../../src/server.js';
import { dialectsUnderTest } from '../support/databases.js';
import { loginOn } from '../support/test-app.js';
import {
  BUILT_SERVER,
  ROOT,
  requireBuild,
  sqliteConfig,
  startProcess,
  type ServerProcess,
} from '../support/server-process.js';

const run = promisify(execFile);
const PTY = path.join(ROOT, 'test', 'support', 'pty-driver.py');

/** The built CLI as an administrator uses it: in a terminal (a real pty), or with SERIALTRACK_PASSWORD. */
describe.runIf(dialectsUnderTest().includes('sqlite'))('cli in a terminal [sqlite]', () => {
  let dir: string;
  let dbFile: string;
  let server: ServerProcess | undefined;

  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = {
      ...process.env,
      SERIALTRACK_DB_FILE: dbFile,
      LOG_LEVEL: 'silent',
      ...extra,
    };
    delete e['DATABASE_URL'];
    delete e['SERIALTRACK_PASSWORD'];
    return { ...e, ...extra };
  };

  async function inTerminal(args: string[], paste: string) {
    try {
      const { stdout } = await run('python3', [PTY, process.execPath, BUILT_SERVER, ...args], {
        env: env({ PROMPT: 'Password for', PASTE: paste }),
        timeout: 60_000,
      });
      return { code: 0, shown: stdout };
    } catch (err) {
      const e = err as { code: number; stdout: string };
      return { code: e.code, shown: e.stdout };
    }
  }

  /** Signs in through the API on the CLI's database; throws unless 200. */
  async function signIn(username: string, password: string): Promise<void> {
    const config = sqliteConfig(dbFile);
    const runtime = await openRuntime(config);
    const app = await buildApp(config, runtime.database, runtime.services);
    try {
      await loginOn(app, username, password);
    } finally {
      await app.close();
      await runtime.close();
    }
  }

  beforeAll(() => {
    requireBuild();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serialtrack-pty-'));
    dbFile = path.join(dir, 'cli.db');
  });
  afterAll(() => {
    server?.kill();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the start-up hint names a command that works: it creates the first administrator from a pasted password', async () => {
    server = await startProcess(process.execPath, [BUILT_SERVER, 'serve'], dbFile);
    const hint = /`(npx serialtrack users add [^`]+)`/.exec(server.output())?.[1];
    expect(hint).toBe('npx serialtrack users add admin --admin');
    process.kill(server.child.pid!, 'SIGTERM');
    await server.exited;

    // Pasted in a terminal: one chunk that ends in \r. The \r is the Enter, not part of the password.
    const args = hint!.split(' ').slice(2);
    const res = await inTerminal(args, 'pasted-password-123\r');
    expect(res.code, res.shown).toBe(0);
    expect(res.shown).toContain('Created user admin');
    expect(res.shown).not.toContain('pasted-password-123');
    await signIn('admin', 'pasted-password-123');
  });

  it('a paste ending in \\r\\n is the same password', async () => {
    const res = await inTerminal(['users', 'add', 'bob'], 'bob-password-1234\r\n');
    expect(res.code, res.shown).toBe(0);
    await signIn('bob', 'bob-password-1234');
  });

  it('takes the password from SERIALTRACK_PASSWORD without asking, as the help says', async () => {
    const { stdout } = await run(process.execPath, [BUILT_SERVER, 'users', 'add', 'carol'], {
      env: env({ SERIALTRACK_PASSWORD: 'carol-password-123' }),
      timeout: 30_000,
    });
    expect(stdout).toContain('Created user carol');
    await signIn('carol', 'carol-password-123');
    const help = await run(process.execPath, [BUILT_SERVER, 'users', 'add', '--help'], { env: env() });
    expect(help.stdout).toContain('SERIALTRACK_PASSWORD');
  });

  it('--version prints the version of package.json', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const bin of [BUILT_SERVER, path.join(ROOT, 'bin', 'serialtrack.js')]) {
      const { stdout } = await run(process.execPath, [bin, '--version'], { env: env(), timeout: 30_000 });
      expect(stdout.trim()).toBe(version);
    }
  });
});
