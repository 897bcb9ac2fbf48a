import type { Executor } from '../db/database.js';

export const settingsRepository = {
  list(db: Executor) {
    return db.selectFrom('settings').select(['key', 'value']).execute();
  },

  /**
   * Sets a key, inserting or overwriting it. On PostgreSQL the upsert also row-locks the key until the
   * transaction ends, which is how lock rows (`lock.*`) serialise work across app servers.
   */
  async upsert(db: Executor, key: string, value: string, at: string): Promise<void> {
    await db
      .insertInto('settings')
      .values({ key, value, updated_at: at })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
      .execute();
  },
};
