import type { Db, Tx } from './database.js';
import { isRetryableTxError } from '../shared/db-errors.js';

/** Attempts of one transaction that keeps losing to serialization failures or deadlocks. */
const MAX_ATTEMPTS = 5;

/**
 * Runs `fn` as one transaction, re-running it whole when the database aborted it as a deadlock victim or
 * for a serialization failure (40P01, 40001; SQLITE_BUSY), a bounded number of times with a short
 * jittered pause. Such an abort rolled everything back, so a re-run is safe as long as `fn` only changes
 * the database (no outside effects, no state kept across attempts). After the last attempt the error goes
 * to the error mapper (409 CONCURRENT_UPDATE).
 */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS || !isRetryableTxError(err)) throw err;
      const pause = 5 * 2 ** attempt * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
