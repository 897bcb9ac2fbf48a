import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { describeEachDialect } from '../../test/support/dialects.js';
import { createTestDatabase, PG_BASE_URL, type TestDatabase } from '../../test/support/databases.js';
import { createDatabase, type Database } from './database.js';

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
