import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../database.js';

type AnyDb = Kysely<unknown>;

/**
 * Voiding and renumbering serials entered in error.
 * - `void_key` is 0 while a serial is live and its own id once voided. Serial numbers are unique per
 *   (item, number, void_key): unique among live serials, while a voided number can be entered again. The
 *   index keeps (item_id, serial_number) leading, so it still serves the serial-sorted keyset page, the
 *   prefix search and every (item, number) probe exactly as the unique index it replaces did.
 * - `serial_former_numbers` holds every number a serial was renumbered from, so lookup by an old number
 *   (on a label, in an e-mail) still finds the unit, with a note that it was renumbered.
 */
export function migration0010SerialCorrections(dialect: Dialect): Migration {
  const pg = dialect === 'postgres';
  return {
    async up(db: AnyDb) {
      await db.schema
        .alterTable('serials')
        .addColumn('void_key', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('serials_item_serial_live_uq')
        .on('serials')
        .columns(['item_id', 'serial_number', 'void_key'])
        .unique()
        .execute();
      await db.schema.dropIndex('serials_item_serial_uq').execute();

      await db.schema
        .createTable('serial_former_numbers')
        .addColumn('serial_id', 'integer', (c) => c.notNull().references('serials.id'))
        .addColumn('serial_number', 'text', (c) =>
          pg ? c.notNull().modifyEnd(sql`collate "C"`) : c.notNull(),
        )
        .addColumn('renumbered_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('serial_former_numbers_pk', ['serial_number', 'serial_id'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('serial_former_numbers').execute();
      await db.schema
        .createIndex('serials_item_serial_uq')
        .on('serials')
        .columns(['item_id', 'serial_number'])
        .unique()
        .execute();
      await db.schema.dropIndex('serials_item_serial_live_uq').execute();
      await db.schema.alterTable('serials').dropColumn('void_key').execute();
    },
  };
}
