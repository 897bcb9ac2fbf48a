import type { Kysely, Migration } from 'kysely';

type AnyDb = Kysely<unknown>;

/**
 * Sign-in attempts counted where every app server sees them. One row per throttle key (a digest of a
 * username at an address, or of an address): `attempts` counts attempts since `window_started_at`, raised
 * atomically by an upsert before the password is checked, so parallel guesses cannot all pass the check.
 */
export function migration0012SignInThrottle(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('sign_in_throttle')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('window_started_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('sign_in_throttle_window_idx')
        .on('sign_in_throttle')
        .column('window_started_at')
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('sign_in_throttle').execute();
    },
  };
}
