import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

type AnyDb = Kysely<unknown>;

/**
 * A unit's latest return (which one decides its disposition) is read by serial: the primary key of
 * customer_return_lines starts with the return, so without this every read scanned the table.
 */
export function migration0009ReturnLinesBySerial(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createIndex('customer_return_lines_serial_idx')
        .on('customer_return_lines')
        .columns(['serial_id', 'return_id'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropIndex('customer_return_lines_serial_idx').execute();
    },
  };
}
