import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config.js';

export type TestDialect = 'sqlite' | 'postgres';

/** Base URL of the PostgreSQL server the tests create their databases on. */
export const PG_BASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let pgReachable: Promise<boolean> | undefined;

export function isPostgresReachable(): Promise<boolean> {
  pgReachable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_BASE_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (err) {
      const msg = `\n*** PostgreSQL is NOT reachable at ${PG_BASE_URL}: ${(err as Error).message}\n*** PostgreSQL integration tests ${process.env['CI'] === 'true' ? 'FAIL under CI=true' : 'are SKIPPED'}.\n`;
      console.error(msg);
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return pgReachable;
}

/** The dialects to loop the integration suite over. Under CI=true both are mandatory. */
export function dialectsUnderTest(): TestDialect[] {
  const only = process.env['TEST_DIALECTS'];
  if (only) return only.split(',').map((d) => d.trim()) as TestDialect[];
  return ['sqlite', 'postgres'];
}

export interface TestDatabase {
  config: DatabaseConfig;
  drop(): Promise<void>;
}

/** A fresh, uniquely named database: a temp SQLite file, or a new PostgreSQL database dropped afterwards. */
export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  const suffix = `${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serialtrack-test-'));
    return {
      config: { kind: 'sqlite', file: path.join(dir, 'test.db') },
      drop: () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })),
    };
  }
  if (!(await isPostgresReachable())) {
    throw new Error(`PostgreSQL is not reachable at ${PG_BASE_URL}; cannot run the PostgreSQL tests.`);
  }
  const name = `serialtrack_test_${suffix}`;
  const admin = new pg.Client({ connectionString: PG_BASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_BASE_URL);
  url.pathname = `/${name}`;
  return {
    config: { kind: 'postgres', url: url.toString(), poolSize: 10 },
    async drop() {
      const c = new pg.Client({ connectionString: PG_BASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
