import { Migrator, type Migration, type MigrationResultSet } from 'kysely';
import type { Database } from './database.js';
import { migration0001Initial } from './migrations/0001-initial.js';
import { migration0002Documents } from './migrations/0002-documents.js';
import { migration0003CustomFields } from './migrations/0003-custom-fields.js';
import { migration0004Imports } from './migrations/0004-imports.js';
import { migration0005ReceiptSerials } from './migrations/0005-receipt-serials.js';
import { migration0006ImportErrorValues } from './migrations/0006-import-error-values.js';
import { migration0007SerialsByCustomer } from './migrations/0007-serials-by-customer.js';
import { migration0008SerialEventsNoTruncate } from './migrations/0008-serial-events-no-truncate.js';
import { migration0009ReturnLinesBySerial } from './migrations/0009-return-lines-by-serial.js';
import { migration0010SerialCorrections } from './migrations/0010-serial-corrections.js';
import { migration0011MoneyBigint } from './migrations/0011-money-bigint.js';
import { migration0012SignInThrottle } from './migrations/0012-sign-in-throttle.js';
import { migration0013Counts } from './migrations/0013-counts.js';
import { migration0014PrefixSearch } from './migrations/0014-prefix-search.js';

/** Append-only, numbered. Never edit one that has shipped: add the next number instead. */
function migrationsFor(database: Database): Record<string, Migration> {
  return {
    '0001-initial': migration0001Initial(database.dialect),
    '0002-documents': migration0002Documents(database.dialect),
    '0003-custom-fields': migration0003CustomFields(database.dialect),
    '0004-imports': migration0004Imports(database.dialect),
    '0005-receipt-serials': migration0005ReceiptSerials(database.dialect),
    '0006-import-error-values': migration0006ImportErrorValues(database.dialect),
    '0007-serials-by-customer': migration0007SerialsByCustomer(database.dialect),
    '0008-serial-events-no-truncate': migration0008SerialEventsNoTruncate(database.dialect),
    '0009-return-lines-by-serial': migration0009ReturnLinesBySerial(database.dialect),
    '0010-serial-corrections': migration0010SerialCorrections(database.dialect),
    '0011-money-bigint': migration0011MoneyBigint(database.dialect),
    '0012-sign-in-throttle': migration0012SignInThrottle(),
    '0013-counts': migration0013Counts(database.dialect),
    '0014-prefix-search': migration0014PrefixSearch(database.dialect),
  };
}

/**
 * Kysely's migrator is strict by default: it refuses to run when an applied migration is missing from
 * this list or when the applied history is not a prefix of it (allowUnorderedMigrations stays false).
 */
export async function migrateToLatest(database: Database): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: () => Promise.resolve(migrationsFor(database)) },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const reason = result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${reason}`);
  }
  return result;
}
