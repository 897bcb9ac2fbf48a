import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { describeEachDialect } from '../../test/support/dialects.js';
import { createTestDatabase, PG_BASE_URL, type TestDatabase } from '../../test/support/databases.js';
import { createDatabase, openSqlite, withStatementCache, type Database } from './database.js';

describeEachDialect('the database handle', (dialect) => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase(dialect);
    database = createDatabase(testDb.config);
  });
  afterAll(async () => {
    await database?.destroy();
    await testDb?.drop();
  });

  it.runIf(dialect === 'postgres')(
    'survives PostgreSQL ending its idle connections (a restart, pg_terminate_backend) and reconnects',
    async () => {
      // Fill the pool with idle connections.
      await Promise.all(Array.from({ length: 3 }, () => sql`select pg_sleep(0.05)`.execute(database.db)));
      const name = new URL(testDb.config.kind === 'postgres' ? testDb.config.url : '').pathname.slice(1);
      const admin = new pg.Client({ connectionString: PG_BASE_URL });
      await admin.connect();
      try {
        const killed = await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [name],
        );
        expect(killed.rowCount).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      // Without an error listener on the pool, the idle clients' errors are thrown as uncaught exceptions
      // here, which would end a running server.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const row = await sql<{ one: number }>`select 1 as one`.execute(database.db);
      expect(row.rows[0]?.one).toBe(1);
    },
  );
});

describe('the SQLite statement cache', () => {
  const open = (max?: number, maxBulk?: number) => {
    const sqlite = openSqlite(':memory:');
    sqlite.exec('create table t (n integer not null); insert into t values (1), (2), (3)');
    return withStatementCache(sqlite, max, maxBulk);
  };
  const select = 'select n from t order by n';

  it('reuses a statement by its SQL, but never one that is still iterating', () => {
    const db = open();
    const first = db.prepare(select);
    expect(db.prepare(select)).toBe(first);
    const iterator = first.iterate([]);
    expect(iterator.next().value).toEqual({ n: 1 });
    // A stream of this SQL is open: the same SQL gets a fresh statement that runs on its own.
    const second = db.prepare(select);
    expect(second).not.toBe(first);
    expect(second.all([])).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect([...iterator]).toEqual([{ n: 2 }, { n: 3 }]);
    expect(db.prepare(select)).toBe(first);
    db.close();
  });

  it('reads rows as objects of their columns, also after the table changed', () => {
    const db = open();
    const twice = db.prepare('select n, n * 2 as twice from t where n = ?');
    expect(twice.all([2])).toEqual([{ n: 2, twice: 4 }]);
    const star = db.prepare('select * from t where n = 1');
    expect(star.all([])).toEqual([{ n: 1 }]);
    db.prepare('alter table t add column note text').run([]);
    // The schema change emptied the cache, and a statement still held re-reads its columns.
    expect(db.prepare('select * from t where n = 1')).not.toBe(star);
    expect(db.prepare('select * from t where n = 1').all([])).toEqual([{ n: 1, note: null }]);
    expect(star.all([])).toEqual([{ n: 1, note: null }]);
    expect([...db.prepare('select n from t order by n').iterate([])]).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    db.close();
  });

  it('keeps at most `max` statements, and `maxBulk` bulk ones, least recently used out first', () => {
    const db = open(2, 1);
    const a = db.prepare('select 1');
    const b = db.prepare('select 2');
    expect(db.prepare('select 1')).toBe(a);
    db.prepare('select 3'); // evicts "select 2", the least recently used
    expect(db.prepare('select 1')).toBe(a);
    expect(db.prepare('select 2')).not.toBe(b);
    const bulk = (n: number) =>
      `select n from t where n in (${Array.from({ length: n }, () => '?').join(', ')})`;
    const first = db.prepare(bulk(100));
    expect(db.prepare(bulk(100))).toBe(first);
    db.prepare(bulk(101)); // the one bulk place goes to the newer statement
    expect(db.prepare(bulk(100))).not.toBe(first);
    expect(db.prepare('select 1')).toBe(a);
    db.close();
  });
});
