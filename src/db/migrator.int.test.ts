import { afterEach, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDialect } from '../../test/support/dialects.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/databases.js';
import { createDatabase, type Database } from './database.js';
import { migrateToLatest } from './migrator.js';

describeEachDialect('strict migrator', (dialect) => {
  let testDb: TestDatabase | undefined;
  let database: Database | undefined;

  afterEach(async () => {
    await database?.destroy();
    await testDb?.drop();
    database = undefined;
    testDb = undefined;
  });

  it('applies every migration once and is a no-op the second time', async () => {
    testDb = await createTestDatabase(dialect);
    database = createDatabase(testDb.config);
    const first = await migrateToLatest(database);
    expect(first.results?.map((r) => [r.migrationName, r.status])).toEqual([
      ['0001-initial', 'Success'],
      ['0002-documents', 'Success'],
      ['0003-custom-fields', 'Success'],
      ['0004-imports', 'Success'],
      ['0005-receipt-serials', 'Success'],
      ['0006-import-error-values', 'Success'],
      ['0007-serials-by-customer', 'Success'],
      ['0008-serial-events-no-truncate', 'Success'],
      ['0009-return-lines-by-serial', 'Success'],
      ['0010-serial-corrections', 'Success'],
      ['0011-money-bigint', 'Success'],
      ['0012-sign-in-throttle', 'Success'],
      ['0013-counts', 'Success'],
      ['0014-prefix-search', 'Success'],
    ]);
    const second = await migrateToLatest(database);
    expect(second.results).toEqual([]);
  });

  it('refuses a database whose history has a migration this code does not know', async () => {
    testDb = await createTestDatabase(dialect);
    database = createDatabase(testDb.config);
    await migrateToLatest(database);
    await sql`insert into schema_migrations (name, timestamp) values ('0000-unknown', '2020-01-01T00:00:00.000Z')`.execute(
      database.db,
    );
    await expect(migrateToLatest(database)).rejects.toThrow(/0000-unknown/);
  });
});
