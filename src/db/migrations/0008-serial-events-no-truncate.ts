import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../database.js';

type AnyDb = Kysely<unknown>;

/**
 * PostgreSQL's TRUNCATE skips row triggers, so the ledger's update/delete triggers (0001) did not stop it
 * from being emptied in one statement. A statement trigger closes that gap. SQLite has no TRUNCATE: its
 * "delete from" without a WHERE is a delete, which 0001's trigger already refuses.
 */
export function migration0008SerialEventsNoTruncate(dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      if (dialect !== 'postgres') return;
      await sql`create trigger serial_events_no_truncate before truncate on serial_events
        for each statement execute function serial_events_append_only()`.execute(db);
    },
    async down(db: AnyDb) {
      if (dialect !== 'postgres') return;
      await sql`drop trigger serial_events_no_truncate on serial_events`.execute(db);
    },
  };
}
