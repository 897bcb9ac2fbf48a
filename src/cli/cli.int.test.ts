import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../config.js';
import { openRuntime } from '../server.js';
import { dialectsUnderTest } from '../../test/support/databases.js';

/** The CLI works on the SQLite file named by SERIALTRACK_DB_FILE, so this suite is SQLite only. */

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'serialtrack.js');
/** Generous for a cold tsx start on a busy machine; every child is killed when it runs over. */
const CLI_TIMEOUT_MS = 20_000;
const PASSWORD = 'alice-password-123';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const children = new Set<ChildProcess>();

function kill(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.delete(child);
}

describe.runIf(dialectsUnderTest().includes('sqlite'))('cli [sqlite]', () => {
  let dir: string;
  let dbFile: string;
  let token: string;

  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = {
      ...process.env,
      SERIALTRACK_DB_FILE: dbFile,
      LOG_LEVEL: 'silent',
      ...extra,
    };
    delete e['DATABASE_URL'];
    return e;
  };

  /** Runs `serialtrack ARGS` to completion (or kills it after CLI_TIMEOUT_MS), optionally piping stdin. */
  async function cli(args: string[], input?: string): Promise<CliResult> {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: env(), stdio: 'pipe' });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
    let timer: NodeJS.Timeout | undefined;
    try {
      const code = await new Promise<number | null>((resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`serialtrack ${args.join(' ')} timed out; stderr: ${stderr}`)),
          CLI_TIMEOUT_MS,
        );
        child.on('error', reject);
        child.on('close', (c) => resolve(c));
      });
      return { code, stdout, stderr };
    } finally {
      clearTimeout(timer);
      kill(child);
    }
  }

  function config(): AppConfig {
    return {
      database: { kind: 'sqlite', file: dbFile },
      host: '127.0.0.1',
      port: 0,
      sessionTtlHours: 1,
      cookieSecure: false,
      trustProxy: false,
      logLevel: 'silent',
      timeZone: 'UTC',
    };
  }

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serialtrack-cli-'));
    dbFile = path.join(dir, 'data', 'serialtrack.db');
  });
  afterAll(() => {
    for (const child of children) kill(child);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('migrate creates the database and brings the schema up to date', async () => {
    const res = await cli(['migrate']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('Database schema is up to date.');
    const db = new SQLite(dbFile, { readonly: true });
    try {
      const applied = db.prepare('select name from schema_migrations').all() as { name: string }[];
      expect(applied.map((m) => m.name)).toEqual([
        '0001-initial',
        '0002-documents',
        '0003-custom-fields',
        '0004-imports',
        '0005-receipt-serials',
        '0006-import-error-values',
        '0007-serials-by-customer',
        '0008-serial-events-no-truncate',
        '0009-return-lines-by-serial',
        '0010-serial-corrections',
        '0011-money-bigint',
        '0012-sign-in-throttle',
        '0013-counts',
        '0014-prefix-search',
      ]);
    } finally {
      db.close();
    }
    // Running it again is harmless.
    expect((await cli(['migrate'])).code).toBe(0);
  });

  it('users add refuses a short password with a clear message and creates nobody', async () => {
    const res = await cli(['users', 'add', 'bob', '--admin'], 'short\n');
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('at least 12 characters');
    const db = new SQLite(dbFile, { readonly: true });
    try {
      expect(db.prepare('select count(*) as n from users').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('users add --admin reads the password from piped stdin', async () => {
    const res = await cli(['users', 'add', 'alice', '--admin'], `${PASSWORD}\n`);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/Created user alice \(id \d+\) with role\(s\): Administrator\./);

    // The password piped in is the one that signs in, and alice is an administrator.
    const rt = await openRuntime(config());
    try {
      const { principal } = await rt.services.auth.login('alice', PASSWORD);
      expect(principal.username).toBe('alice');
      expect(principal.permissions.has('INV_TRANSFER')).toBe(true);
      expect(await rt.services.auth.setupNeeded()).toBe(false);
    } finally {
      await rt.close();
    }
  });

  it('tokens create prints a working st_ token once', async () => {
    const res = await cli(['tokens', 'create', '--user', 'alice', '--name', 'test']);
    expect(res.code).toBe(0);
    token = res.stdout.trim();
    expect(token).toMatch(/^st_\S+$/);
    const rt = await openRuntime(config());
    try {
      const principal = await rt.services.auth.authenticateToken(token);
      expect(principal?.username).toBe('alice');
    } finally {
      await rt.close();
    }

    const nobody = await cli(['tokens', 'create', '--user', 'nobody', '--name', 'test']);
    expect(nobody.code).not.toBe(0);
    expect(nobody.stderr).toContain('No user named "nobody"');
  });

  it('lookup exits 1 with a message when no serial matches', async () => {
    const res = await cli(['lookup', 'X']);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('No serial equal to "X"');
  });

  it('lookup finds a serial by exact value and by prefix', async () => {
    const rt = await openRuntime(config());
    try {
      const { principal } = await rt.services.auth.login('alice', PASSWORD);
      const loc = await rt.services.locations.create({ code: 'R1-1A' });
      const item = await rt.services.items.create(principal, {
        sku: 'ALT-100',
        name: 'Alternator',
        trackSerials: true,
        primaryLocationId: loc.id,
      });
      await rt.services.serials.addSerials(principal, item.id, [{ serialNumber: 'SN-1' }]);
    } finally {
      await rt.close();
    }

    const exact = await cli(['lookup', 'SN-1']);
    expect(exact.code).toBe(0);
    for (const text of ['SN-1', 'ALT-100', 'Alternator', 'In Stock', 'R1-1A']) {
      expect(exact.stdout).toContain(text);
    }

    const prefix = await cli(['lookup', 'SN', '--prefix']);
    expect(prefix.code).toBe(0);
    expect(prefix.stdout).toContain('SN-1');

    const notExact = await cli(['lookup', 'SN']);
    expect(notExact.code).toBe(1);
    expect(notExact.stdout).toContain('No serial equal to "SN"');
  });

  it('serials expand prints the exact list, or every problem with exit code 1', async () => {
    const ok = await cli(['serials', 'expand', 'AB01..AB03', '10+2']);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim().split('\n')).toEqual(['AB01', 'AB02', 'AB03', '10', '11', '12']);
    const literal = await cli(['serials', 'expand', 'AF5-69H', 'WID-100-0200']);
    expect(literal.stdout.trim().split('\n')).toEqual(['AF5-69H', 'WID-100-0200']);
    const bad = await cli(['serials', 'expand', '5..3, -', '--quantity', '4']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('the range ends before it starts');
    expect(bad.stderr).toContain('"-" on its own is not a serial');
    const dupes = await cli(['serials', 'expand', 'A1 A1']);
    expect(dupes.code).toBe(1);
    expect(dupes.stderr).toContain('"A1" appears more than once');
  });

  it('backup writes a valid SQLite copy and never overwrites a file', async () => {
    const target = path.join(dir, 'backup.db');
    const res = await cli(['backup', target]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`to ${target}`);
    const copy = new SQLite(target, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = copy.prepare('select serial_number, status from serials').all();
      expect(rows).toEqual([{ serial_number: 'SN-1', status: 'in_stock' }]);
    } finally {
      copy.close();
    }

    const existing = path.join(dir, 'keep-me.txt');
    fs.writeFileSync(existing, 'precious');
    const again = await cli(['backup', existing]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('already exists');
    expect(fs.readFileSync(existing, 'utf8')).toBe('precious');

    const sizeBefore = fs.statSync(target).size;
    const overBackup = await cli(['backup', target]);
    expect(overBackup.code).not.toBe(0);
    expect(fs.statSync(target).size).toBe(sizeBefore);
  });

  it('backup copies a database that is being written to: the copy is one consistent moment', async () => {
    const rt = await openRuntime(config());
    const target = path.join(dir, 'backup-under-load.db');
    let writes = 0;
    let writing = true;
    try {
      const { principal } = await rt.services.auth.login('alice', PASSWORD);
      const item = await rt.services.items.getBySku('ALT-100');
      // Batches of serials, each with its history rows and counters, keep landing while the backup runs.
      const writer = (async () => {
        while (writing) {
          const batch = Array.from({ length: 200 }, (_, i) => ({
            serialNumber: `LOAD-${String(writes * 200 + i).padStart(7, '0')}`,
          }));
          await rt.services.serials.addSerials(principal, item.id, batch);
          writes++;
          await new Promise((r) => setImmediate(r));
        }
      })();
      while (writes < 3) await new Promise((r) => setTimeout(r, 10));
      const res = await cli(['backup', target]);
      writing = false;
      await writer;
      expect(res.code, res.stderr).toBe(0);
    } finally {
      writing = false;
      await rt.close();
    }
    const copy = new SQLite(target, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const serials = (copy.prepare('select count(*) as n from serials').get() as { n: number }).n;
      // Whole batches only, each serial with its "created" row and counted once: no torn transaction.
      expect((serials - 1) % 200).toBe(0);
      expect(serials).toBeGreaterThan(1);
      const created = copy.prepare("select count(*) as n from serial_events where kind = 'created'").get();
      expect(created).toEqual({ n: serials });
      const counted = copy.prepare('select sum(count) as n from serial_counts').get();
      expect(counted).toEqual({ n: serials });
    } finally {
      copy.close();
    }
    expect(writes).toBeGreaterThan(3);
  });

  it('serve starts, answers /api/health and the API, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve'], {
      cwd: ROOT,
      env: env({ PORT: '0', HOST: '127.0.0.1' }),
      stdio: 'pipe',
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let timer: NodeJS.Timeout | undefined;
    const within = <T>(p: Promise<T>, what: string) =>
      Promise.race([
        p,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${what} timed out; stderr: ${stderr}`)), CLI_TIMEOUT_MS);
        }),
      ]).finally(() => clearTimeout(timer));
    try {
      const url = await within(
        new Promise<string>((resolve, reject) => {
          const check = () => {
            const m = /running on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
            if (m) resolve(m[1]!);
          };
          child.stdout.on('data', check);
          child.on('error', reject);
          child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
        }),
        'serve start',
      );
      expect(stdout).toContain(`SQLite ${dbFile}`);
      expect(url).not.toMatch(/:0$/);

      const health = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5000) });
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', database: 'sqlite' });

      // The token made by the CLI works against the server it started.
      const lookup = await fetch(`${url}/api/serials/lookup?q=SN-1`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(5000),
      });
      expect(lookup.status).toBe(200);
      const body = (await lookup.json()) as { matches: { serialNumber: string }[] };
      expect(body.matches.map((m) => m.serialNumber)).toEqual(['SN-1']);

      const exitCode = await within(
        new Promise<number | null>((resolve) => {
          child.on('exit', (code) => resolve(code));
          child.kill('SIGTERM');
        }),
        'serve stop',
      );
      expect(exitCode).toBe(0);
    } finally {
      kill(child);
    }
  });
});
