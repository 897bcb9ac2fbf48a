import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/databases.js';
import { createDatabase, type Database } from '../db/database.js';
import { migrateToLatest } from '../db/migrator.js';
import { partnersRepository } from '../partners/partners.repository.js';
import { nowIso } from './time.js';

describeEachDialect('contains-text search with LIKE wildcards in the text', (dialect) => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase(dialect);
    database = createDatabase(testDb.config);
    await migrateToLatest(database);
    for (const name of [
      'Parts_Direct',
      'PartsXDirect',
      '100% Motors',
      '100X Motors',
      'Back\\Slash Ltd',
      'Back Slash Ltd',
    ]) {
      await partnersRepository.insert(database.db, 'customers', {
        name,
        contact: '',
        notes: '',
        at: nowIso(),
      });
    }
  });
  afterAll(async () => {
    await database?.destroy();
    await testDb?.drop();
  });

  const search = async (text: string) =>
    (await partnersRepository.list(database.db, 'customers', { search: text, limit: 50 })).map((c) => c.name);

  it('partner search takes _, % and \\ literally, case-insensitively', async () => {
    expect(await search('s_d')).toEqual(['Parts_Direct']);
    expect(await search('0% m')).toEqual(['100% Motors']);
    expect(await search('k\\s')).toEqual(['Back\\Slash Ltd']);
    expect((await search('parts')).sort()).toEqual(['PartsXDirect', 'Parts_Direct']);
  });
});
