import {
  sql,
  type ColumnDefinitionBuilder,
  type CreateTableBuilder,
  type Kysely,
  type Migration,
} from 'kysely';
import type { Dialect } from '../database.js';

type AnyDb = Kysely<unknown>;

/**
 * Stocktakes (cycle counts). A count (`CNT-000001`) covers one or several locations, optionally some items.
 * - `count_entries` holds what was found, once per serial: `serial_key` is `s:<serial id>` for a known serial
 *   and `u:<text>` for an unknown one, unique per count, so two people (or two app servers) scanning the same
 *   unit at the same moment resolve to one entry (insert … on conflict do nothing).
 * - `count_scans` keeps every scan as it happened (text, user, time, answer), duplicates included.
 */
export function migration0013Counts(dialect: Dialect): Migration {
  const pg = dialect === 'postgres';
  const id = <T extends string>(t: CreateTableBuilder<T, never>) =>
    pg
      ? t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  // Byte-wise, like serials.serial_number (0001).
  const binaryText = (c: ColumnDefinitionBuilder) => (pg ? c.modifyEnd(sql`collate "C"`) : c);
  return {
    async up(db: AnyDb) {
      await id(db.schema.createTable('counts'))
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('all_items', 'integer', (c) => c.notNull())
        .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('closed_by', 'integer', (c) => c.references('users.id'))
        .addColumn('closed_at', 'text')
        .addColumn('result', 'text')
        .execute();
      await db.schema
        .createTable('count_locations')
        .addColumn('count_id', 'integer', (c) => c.notNull().references('counts.id'))
        .addColumn('location_id', 'integer', (c) => c.notNull().references('locations.id'))
        .addPrimaryKeyConstraint('count_locations_pk', ['count_id', 'location_id'])
        .execute();
      await db.schema
        .createTable('count_items')
        .addColumn('count_id', 'integer', (c) => c.notNull().references('counts.id'))
        .addColumn('item_id', 'integer', (c) => c.notNull().references('items.id'))
        .addPrimaryKeyConstraint('count_items_pk', ['count_id', 'item_id'])
        .execute();
      await id(db.schema.createTable('count_entries'))
        .addColumn('count_id', 'integer', (c) => c.notNull().references('counts.id'))
        .addColumn('serial_key', 'text', (c) => binaryText(c.notNull()))
        .addColumn('serial_id', 'integer', (c) => c.references('serials.id'))
        .addColumn('serial_number', 'text', (c) => binaryText(c.notNull()))
        .addColumn('location_id', 'integer', (c) => c.notNull().references('locations.id'))
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('recorded_location_id', 'integer')
        .addColumn('recorded_status', 'text')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('count_entries_key_uq')
        .on('count_entries')
        .columns(['count_id', 'serial_key'])
        .unique()
        .execute();
      await db.schema
        .createIndex('count_entries_serial_idx')
        .on('count_entries')
        .columns(['count_id', 'serial_id'])
        .execute();
      await id(db.schema.createTable('count_scans'))
        .addColumn('count_id', 'integer', (c) => c.notNull().references('counts.id'))
        .addColumn('scanned_text', 'text', (c) => c.notNull())
        .addColumn('serial_id', 'integer')
        .addColumn('location_id', 'integer', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('count_scans_count_idx')
        .on('count_scans')
        .columns(['count_id', 'id'])
        .execute();
      // A count reads every serial recorded at its locations (expected, missing): by location, not by item.
      await db.schema
        .createIndex('serials_location_status_idx')
        .on('serials')
        .columns(['location_id', 'status'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropIndex('serials_location_status_idx').execute();
      for (const t of ['count_scans', 'count_entries', 'count_items', 'count_locations', 'counts']) {
        await db.schema.dropTable(t).execute();
      }
    },
  };
}
