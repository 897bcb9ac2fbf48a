import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase, type Transaction } from 'kysely';
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

/** Statements with more bound parameters than this (bulk IN lists, multi-row inserts) are "bulk" ones. */
const MAX_SMALL_PARAMETERS = 64;

function parameterCountExceeds(sql: string, max: number): boolean {
  let n = 0;
  for (let i = sql.indexOf('?'); i !== -1; i = sql.indexOf('?', i + 1)) if (++n > max) return true;
  return false;
}

/** A least-recently-used map of prepared statements by SQL text. */
class StatementLru {
  private readonly map = new Map<string, SQLite.Statement>();
  constructor(private readonly max: number) {}

  get(sql: string): SQLite.Statement | undefined {
    const stmt = this.map.get(sql);
    if (stmt) {
      this.map.delete(sql);
      this.map.set(sql, stmt);
    }
    return stmt;
  }

  set(sql: string, stmt: SQLite.Statement): void {
    this.map.set(sql, stmt);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }

  clear(): void {
    this.map.clear();
  }
}

/**
 * One SQLite connection whose prepare() reuses statements by SQL text, least recently used first out.
 * Kysely's SQLite driver calls prepare() for every query it runs; without this SQLite parses and plans the
 * same SQL on every call and each call leaves a native statement behind for the garbage collector.
 * - A cached statement that is busy (an iterator of a streamed query is still open on it) is never handed
 *   out again; the caller gets a fresh, uncached one.
 * - Bulk statements (many parameters: 1,000-row inserts, long IN lists) hold up to a few MB of native memory
 *   each and their SQL varies with the batch size, so only the last `maxBulk` of them are kept.
 * - The cache belongs to this one connection; statements are never shared between connections.
 */
export function withStatementCache(sqlite: SQLite.Database, max = 1000, maxBulk = 4): SqliteDatabase {
  const small = new StatementLru(max);
  const bulk = new StatementLru(maxBulk);
  return {
    prepare(sql) {
      const cache = parameterCountExceeds(sql, MAX_SMALL_PARAMETERS) ? bulk : small;
      const cached = cache.get(sql);
      if (cached && !cached.busy) return cached;
      const stmt = sqlite.prepare(sql);
      if (!cached) cache.set(sql, stmt);
      return stmt;
    },
    close() {
      small.clear();
      bulk.clear();
      sqlite.close();
    },
  };
}

export function createDatabase(config: DatabaseConfig): Database {
  if (config.kind === 'sqlite') {
    const sqlite = withStatementCache(openSqlite(config.file));
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
