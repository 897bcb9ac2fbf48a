import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../config.js';
import type { Principal } from '../auth/auth.service.js';
import { openRuntime } from '../server.js';
import { dialectsUnderTest } from '../../test/support/databases.js';

/** `serialtrack import` works on the SQLite file named by SERIALTRACK_DB_FILE: SQLite only. */
const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'serialtrack.js');

describe.runIf(dialectsUnderTest().includes('sqlite'))('cli import [sqlite]', () => {
  let dir: string;
  let dbFile: string;

  function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, SERIALTRACK_DB_FILE: dbFile, LOG_LEVEL: 'silent' };
    delete env['DATABASE_URL'];
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  async function serialNumbers(): Promise<string[]> {
    const rt = await openRuntime(config());
    try {
      const rows = await rt.database.db
        .selectFrom('serials')
        .select('serial_number')
        .orderBy('serial_number')
        .execute();
      return rows.map((r) => r.serial_number);
    } finally {
      await rt.close();
    }
  }

  const config = (): AppConfig => ({
    database: { kind: 'sqlite', file: dbFile },
    host: '127.0.0.1',
    port: 0,
    sessionTtlHours: 1,
    cookieSecure: false,
    trustProxy: false,
    logLevel: 'silent',
    timeZone: 'UTC',
  });

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serialtrack-cli-import-'));
    dbFile = path.join(dir, 'serialtrack.db');
    const rt = await openRuntime(config());
    try {
      const admin = await rt.services.auth.setupFirstAdmin({
        username: 'admin',
        password: 'admin-password-123',
      });
      const principal: Principal = {
        userId: admin.id,
        username: 'admin',
        displayName: 'admin',
        permissions: new Set(['INV_EDIT_ITEMS', 'INV_MANAGE_SERIALS'] as const),
        via: 'token',
      };
      const loc = await rt.services.locations.create({ code: 'R1-1A' });
      await rt.services.items.create(principal, {
        sku: 'ALT-100',
        name: 'Alternator',
        trackSerials: true,
        primaryLocationId: loc.id,
      });
    } finally {
      await rt.close();
    }
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports bad rows with line and reason, exits 1 and imports nothing', async () => {
    const file = write('bad.csv', 'Serial Number,Location\nC-1,R1-1A\nC-1,R1-1A\nC-2,NOWHERE\n');
    const res = await cli(['import', file, '--item', 'ALT-100']);
    expect(res.code, res.stderr).toBe(1);
    expect(res.stdout).toContain('3 row(s), 1 valid, 2 with errors');
    expect(res.stdout).toContain(
      'line 3, Serial Number: Serial C-1 appears more than once in the file (first on line 2).',
    );
    expect(res.stdout).toContain('line 4, Location: There is no location NOWHERE.');
    expect(res.stderr).toContain('Reading');
    expect(await serialNumbers()).toEqual([]);
  });

  it('shows the first errors on the terminal and writes every one to the --errors file', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => `E-${i},NOWHERE`);
    const file = write('many-bad.csv', `Serial Number,Location\n${rows.join('\n')}\n`);
    const shown = await cli(['import', file, '--item', 'ALT-100']);
    expect(shown.code, shown.stderr).toBe(1);
    expect(shown.stdout).toContain('300 row(s), 0 valid, 300 with errors (300 error(s))');
    expect(shown.stdout).toContain('unknown_location (Location): 300');
    expect(shown.stdout).toContain('Run again with --errors FILE to write every bad row to a CSV file.');

    const out = path.join(dir, 'errors.csv');
    const written = await cli(['import', file, '--item', 'ALT-100', '--errors', out]);
    expect(written.code, written.stderr).toBe(1);
    expect(written.stdout).toContain(`Wrote all 300 error(s) of 300 row(s) to ${out}.`);
    expect(written.stdout).not.toContain('Run again with --errors');
    const lines = fs.readFileSync(out, 'utf8').trimEnd().split('\r\n');
    expect(lines).toHaveLength(301);
    expect(lines[0]).toBe('Line,Column,Code,Problem,Value');
    expect(lines[300]).toBe('301,Location,unknown_location,There is no location NOWHERE.,NOWHERE');
    expect(await serialNumbers()).toEqual([]);
  });

  it('--dry-run shows the report and the effect on counts, importing nothing', async () => {
    const file = write('good.csv', 'SKU;Serial Number\nALT-100;C-1\nALT-100;C-2\n');
    const res = await cli(['import', file, '--dry-run']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('2 row(s), 2 valid, 0 with errors');
    expect(res.stdout).toContain(
      'ALT-100 @ R1-1A: +2 in_stock; serials present 0 → 2, quantity on hand 0 (mismatch +2)',
    );
    expect(res.stdout).toContain('Dry run: nothing was imported.');
    expect(await serialNumbers()).toEqual([]);
  });

  it('imports a clean file as one Import #N', async () => {
    const file = write('good.csv', 'Numéro;Remarque\nC-1;ok\nC-2;\n');
    const res = await cli([
      'import',
      file,
      '--item',
      'ALT-100',
      '--map',
      'Numéro=serialNumber',
      '--map',
      'Remarque=conditionNotes',
    ]);
    expect(res.code, res.stderr + res.stdout).toBe(0);
    expect(res.stdout).toMatch(/Imported 2 serial\(s\) as Import #\d+\./);
    expect(await serialNumbers()).toEqual(['C-1', 'C-2']);
  });
  /** Runs `serialtrack import` and SIGKILLs it as soon as its stderr shows `marker`. */
  async function killWhen(args: string[], marker: RegExp): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env, SERIALTRACK_DB_FILE: dbFile, LOG_LEVEL: 'silent' };
    delete env['DATABASE_URL'];
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: 'pipe' });
    let stderr = '';
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (marker.test(stderr)) child.kill('SIGKILL');
      });
      child.on('close', () => resolve());
    });
    clearTimeout(timer);
    return stderr;
  }

  it('a kill mid-upload or mid-commit leaves nothing half-imported; the dead upload is cleaned up', async () => {
    const rows = Array.from({ length: 150_000 }, (_, i) => `KILL-${String(i).padStart(6, '0')},R1-1A`);
    const file = write('big.csv', `Serial Number,Location\n${rows.join('\n')}\n`);
    const upload = await killWhen(['import', file, '--item', 'ALT-100'], /Reading [1-9]0%/);
    expect(upload).toMatch(/Reading [1-9]0%/);
    const commit = await killWhen(['import', file, '--item', 'ALT-100'], /Committing/);
    expect(commit).toContain('Committing');

    const rt = await openRuntime(config());
    try {
      const db = rt.database.db;
      const count = async () =>
        Number(
          (
            await db
              .selectFrom('serials')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('serial_number', 'like', 'KILL-%')
              .executeTakeFirstOrThrow()
          ).n,
        );
      // All or nothing: the commit was killed inside its transaction, or finished before the kill landed.
      expect([0, 150_000]).toContain(await count());
      const events = await db
        .selectFrom('serial_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('document_type', '=', 'import')
        .executeTakeFirstOrThrow();
      expect(Number(events.n) - 2).toBe(await count()); // the 2 from the earlier test, plus one per serial
      const countsRow = await db
        .selectFrom('serial_counts')
        .select((eb) => eb.fn.sum<number>('count').as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(countsRow.n)).toBe(2 + (await count()));

      const dead = await db
        .selectFrom('imports')
        .select(['id', 'status'])
        .where('status', '=', 'uploading')
        .execute();
      expect(dead.length).toBeGreaterThanOrEqual(1);
      await rt.services.imports.cleanupStale(Date.now() + 60 * 60 * 1000);
      for (const d of dead) expect((await rt.services.imports.get(d.id)).status).toBe('failed');
      const staging = await db
        .selectFrom('import_rows')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(
          'import_id',
          'in',
          dead.map((d) => d.id),
        )
        .executeTakeFirstOrThrow();
      expect(Number(staging.n)).toBe(0);
    } finally {
      await rt.close();
    }
  }, 120_000);
});
