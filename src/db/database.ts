import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import type { DB } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;
/** Anything that can run queries: the database or an open transaction. */
export type Executor = Kysely<DB>;

export interface Database {
  db: Db;
  dialect: Dialect;
  /** The SQLite file path, when the database is SQLite. */
  file?: string;
  destroy(): Promise<void>;
}

// PostgreSQL returns BIGINT (e.g. count(*)) as text by default; these counts always fit in a JS number.
pg.types.setTypeParser(20, (v: string) => Number(v));

export function openSqlite(file: string): SQLite.Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -65536');
  return sqlite;
}

export function createDatabase(config: DatabaseConfig): Database {
  if (config.kind === 'sqlite') {
    const sqlite = openSqlite(config.file);
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { db, dialect: 'sqlite', file: config.file, destroy: () => db.destroy() };
  }
  const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize });
  // An idle connection the server ends (a restart, pg_terminate_backend) is reported here; without a
  // listener the event is thrown and ends the process. The pool drops it and connects anew when needed.
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', destroy: () => db.destroy() };
}
