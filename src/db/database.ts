import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type SqliteDatabase, type SqliteStatement, type Transaction } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import type { DB } from './schema.js';
import { startSqliteCheckpointer, type SqliteCheckpointer } from './sqlite-checkpointer.js';
import { SqliteRoutingDialect } from './sqlite-driver.js';

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
  /** SQLite files: the worker that checkpoints the WAL (sqlite-checkpointer.ts). */
  checkpointer?: SqliteCheckpointer;
  destroy(): Promise<void>;
}

// PostgreSQL returns BIGINT (count(*), the cents columns) as text by default; these values always fit in a
// JS number exactly (cents are at most 10^10, far below 2^53).
pg.types.setTypeParser(20, (v: string) => Number(v));

export function openSqlite(file: string): SQLite.Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -16384');
  return sqlite;
}

/**
 * A connection for reads only, on a file openSqlite has opened (and so set to WAL): SQLite itself refuses any
 * write on it.
 */
export function openSqliteReader(file: string): SQLite.Database {
  const sqlite = new SQLite(file);
  sqlite.pragma('query_only = ON');
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

type Row = Record<string, unknown>;

/**
 * A prepared statement as Kysely uses it, whose rows are read as arrays (better-sqlite3's raw mode) and made
 * into objects by a function written for its columns. better-sqlite3 builds every row object one property at a
 * time; objects made here are allocated at their final size, all of one shape: for 51 rows of 20 columns
 * that is 60 instead of 89 KB of garbage per call, and a third less time.
 */
class ShapedStatement implements SqliteStatement {
  readonly reader: boolean;
  /** The statement writes nothing (SQLite's own verdict); the reader connection runs only these. */
  readonly readonly: boolean;
  private width = -1;
  private toRow: (values: unknown[]) => Row = () => ({});

  constructor(private readonly stmt: SQLite.Statement) {
    this.reader = stmt.reader;
    this.readonly = stmt.readonly;
    if (this.reader) stmt.raw(true);
  }

  get busy(): boolean {
    return this.stmt.busy;
  }

  all(parameters: readonly unknown[]): unknown[] {
    const rows = this.stmt.all(parameters) as unknown[][];
    if (rows.length > 0 && rows[0]!.length !== this.width) this.shape();
    return rows.map(this.toRow);
  }

  run(parameters: readonly unknown[]) {
    return this.stmt.run(parameters);
  }

  *iterate(parameters: readonly unknown[]): IterableIterator<unknown> {
    for (const values of this.stmt.iterate(parameters) as IterableIterator<unknown[]>) {
      if (values.length !== this.width) this.shape();
      yield this.toRow(values);
    }
  }

  /** (Re)writes the row function from the statement's columns; a later column wins a name, as in better-sqlite3. */
  private shape(): void {
    const names = this.stmt.columns().map((c) => c.name);
    this.width = names.length;
    const fields = names.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(', ');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the source is column names, JSON-quoted
    this.toRow = new Function('v', `return { ${fields} };`) as (values: unknown[]) => Row;
  }
}

/** A least-recently-used map of prepared statements by SQL text. */
class StatementLru {
  private readonly map = new Map<string, ShapedStatement>();
  constructor(private readonly max: number) {}

  get(sql: string): ShapedStatement | undefined {
    const stmt = this.map.get(sql);
    if (stmt) {
      this.map.delete(sql);
      this.map.set(sql, stmt);
    }
    return stmt;
  }

  set(sql: string, stmt: ShapedStatement): void {
    this.map.set(sql, stmt);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }

  clear(): void {
    this.map.clear();
  }
}

const SCHEMA_CHANGE = /^\s*(create|alter|drop)\s/i;

/**
 * One SQLite connection whose prepare() reuses statements by SQL text, least recently used first out.
 * Kysely's SQLite driver calls prepare() for every query it runs; without this SQLite parses and plans the
 * same SQL on every call and each call leaves a native statement behind for the garbage collector.
 * - A cached statement that is busy (an iterator of a streamed query is still open on it) is never handed
 *   out again; the caller gets a fresh, uncached one.
 * - Bulk statements (many parameters: 1,000-row inserts, long IN lists) hold up to a few MB of native memory
 *   each and their SQL varies with the batch size, so only the last `maxBulk` of them are kept.
 * - A schema change (create, alter, drop) empties the cache, so no statement outlives the columns it read.
 * - The cache belongs to this one connection; statements are never shared between connections. A schema
 *   change made on another connection of the same file reaches this one through `clear()`.
 */
export function withStatementCache(
  sqlite: SQLite.Database,
  max = 1000,
  maxBulk = 4,
  onSchemaChange: () => void = () => undefined,
): SqliteDatabase & { clear(): void } {
  const small = new StatementLru(max);
  const bulk = new StatementLru(maxBulk);
  return {
    clear() {
      small.clear();
      bulk.clear();
    },
    prepare(sql) {
      if (SCHEMA_CHANGE.test(sql)) {
        small.clear();
        bulk.clear();
        onSchemaChange();
      }
      const cache = parameterCountExceeds(sql, MAX_SMALL_PARAMETERS) ? bulk : small;
      const cached = cache.get(sql);
      if (cached && !cached.busy) return cached;
      const stmt = new ShapedStatement(sqlite.prepare(sql));
      if (!cached) cache.set(sql, stmt);
      return stmt;
    },
    close() {
      small.clear();
      bulk.clear();
      // Fold the WAL into the database file and empty it: a stopped server leaves one self-contained file.
      // (The reader connection, query_only, leaves that to the writer.)
      if (sqlite.open && !sqlite.readonly && !sqlite.pragma('query_only', { simple: true })) {
        sqlite.pragma('wal_checkpoint(TRUNCATE)');
      }
      sqlite.close();
    },
  };
}

export function createDatabase(config: DatabaseConfig): Database {
  if (config.kind === 'sqlite') {
    // A second connection for reads outside transactions (see sqlite-driver.ts); an in-memory database is
    // private to its connection, so it has only the one.
    let reader: ReturnType<typeof withStatementCache> | null = null;
    const sqlite = openSqlite(config.file);
    const writer = withStatementCache(sqlite, 1000, 4, () => reader?.clear());
    let checkpointer: ReturnType<typeof startSqliteCheckpointer> | null = null;
    if (config.file !== ':memory:') {
      reader = withStatementCache(openSqliteReader(config.file));
      // Checkpoints off the event loop (sqlite-checkpointer.ts); should the worker fail, the writer checkpoints
      // again itself rather than let the WAL grow.
      sqlite.pragma('wal_autocheckpoint = 0');
      sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
      checkpointer = startSqliteCheckpointer(config.file, {
        onFailure: () => {
          if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
        },
      });
    }
    const db = new Kysely<DB>({ dialect: new SqliteRoutingDialect({ writer, reader }) });
    const destroy = async () => {
      await checkpointer?.stop();
      await db.destroy();
    };
    return { db, dialect: 'sqlite', file: config.file, destroy, checkpointer: checkpointer ?? undefined };
  }
  // No connection timeout: under load a request waits its turn for a pooled connection rather than fail;
  // a database that is down refuses at once, and /api/health bounds its own wait.
  const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize });
  // A connection the server ends (a restart, a failover, pg_terminate_backend) emits 'error': on the pool
  // while it is idle, on the client itself while a request holds it. Without a listener either event is
  // thrown and ends the process. The query that was running fails (the request answers 503), the pool
  // drops the dead client on release (it is no longer queryable) and connects anew when next needed.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', destroy: () => db.destroy() };
}
