/**
 * Opt-in "what if" variants of the runtime, to measure a proposed fix on the same harness without changing
 * src/. Off by default; the bench says loudly when one is on. Not the shipped code.
 */
import type SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import type { AppConfig } from '../src/config.js';
import { createServices } from '../src/app.js';
import { openSqlite, type Database } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import type { DB } from '../src/db/schema.js';
import type { Runtime } from '../src/server.js';

/**
 * A better-sqlite3 handle whose prepare() reuses statements by SQL text (LRU, `max` entries). Kysely's
 * SqliteDialect otherwise calls prepare() for every query it runs: SQLite re-parses and re-plans the SQL and
 * every call leaves a native Statement object behind for the garbage collector to finalise.
 */
export function withStatementCache(sqlite: SQLite.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql);
        cache.set(sql, stmt);
        return stmt;
      }
      stmt = sqlite.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      return stmt;
    },
    close() {
      cache.clear();
      sqlite.close();
    },
  };
}

/** Same as openRuntime() from src/server.ts, but SQLite goes through withStatementCache(). */
export async function openRuntimeWithStatementCache(config: AppConfig): Promise<Runtime> {
  if (config.database.kind !== 'sqlite') throw new Error('the statement-cache experiment is for SQLite only');
  const file = config.database.file;
  const db = new Kysely<DB>({
    dialect: new SqliteDialect({ database: withStatementCache(openSqlite(file)) }),
  });
  const database: Database = { db, dialect: 'sqlite', file, destroy: () => db.destroy() };
  try {
    await migrateToLatest(database);
    const services = createServices(database, config);
    await services.users.ensureBuiltInRoles();
    return { config, database, services, close: () => database.destroy() };
  } catch (err) {
    await database.destroy();
    throw err;
  }
}
