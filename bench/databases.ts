import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { AppConfig, DatabaseConfig } from '../src/config.js';

export interface BenchDatabase {
  /** Where it lives, for the log: a file path, or a PostgreSQL database name. */
  where: string;
  config: DatabaseConfig;
  /** Deletes the file / drops the database. Safe to call more than once. */
  drop(): Promise<void>;
}

/** Hands out fresh, uniquely named databases for one bench run: temp SQLite files or new PostgreSQL databases. */
export interface DatabaseFactory {
  kind: 'sqlite' | 'postgres';
  create(label: string): Promise<BenchDatabase>;
  /** Removes everything this factory created (the temp directory for SQLite); later create() calls fail. */
  dispose(): Promise<void>;
}

export function sqliteFactory(): DatabaseFactory {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serialtrack-bench-'));
  let disposed = false;
  return {
    kind: 'sqlite',
    create(label) {
      if (disposed) return Promise.reject(new Error('the bench is shutting down'));
      const file = path.join(dir, `${label}.db`);
      return Promise.resolve({
        where: file,
        config: { kind: 'sqlite', file },
        drop() {
          for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
          return Promise.resolve();
        },
      });
    },
    dispose() {
      // Idempotent: a second call also removes files an in-flight open recreated after the first.
      disposed = true;
      fs.rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

/**
 * Creates databases named serialtrack_bench_<time>_<random>_<label> on the server of `baseUrl` and drops them
 * again. It never touches a database it did not create.
 */
export function postgresFactory(baseUrl: string, poolSize: number): DatabaseFactory {
  const run = `${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const created = new Set<string>();
  let disposed = false;
  async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 5000 });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end().catch(() => undefined);
    }
  }
  async function dropByName(name: string) {
    if (!created.has(name)) return;
    await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    created.delete(name);
  }
  return {
    kind: 'postgres',
    async create(label) {
      if (!/^[a-z0-9_]+$/.test(label)) throw new Error(`bad database label ${label}`);
      if (disposed) throw new Error('the bench is shutting down');
      const name = `serialtrack_bench_${run}_${label}`;
      await admin((c) => c.query(`create database ${name}`));
      created.add(name);
      if (disposed) {
        // Shutdown started while the database was being created: do not leave it behind.
        await dropByName(name);
        throw new Error('the bench is shutting down');
      }
      const url = new URL(baseUrl);
      url.pathname = `/${name}`;
      return {
        where: `${url.host}/${name}`,
        config: { kind: 'postgres', url: url.toString(), poolSize },
        drop: () => dropByName(name),
      };
    },
    async dispose() {
      disposed = true;
      for (const name of [...created]) await dropByName(name);
    },
  };
}

/** The app configuration every bench runtime uses: its database, no logging, business dates in UTC. */
export function benchAppConfig(database: DatabaseConfig): AppConfig {
  return {
    database,
    host: '127.0.0.1',
    port: 0,
    sessionTtlHours: 12,
    cookieSecure: false,
    trustProxy: false,
    logLevel: 'silent',
    timeZone: 'UTC',
  };
}
