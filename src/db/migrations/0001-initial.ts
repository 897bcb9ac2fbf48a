import {
  sql,
  type ColumnDefinitionBuilder,
  type CreateTableBuilder,
  type Kysely,
  type Migration,
} from 'kysely';
import type { Dialect } from '../database.js';

// Migrations deliberately take Kysely<unknown>: they describe the schema as it was when they shipped.
type AnyDb = Kysely<unknown>;

export function migration0001Initial(dialect: Dialect): Migration {
  const pg = dialect === 'postgres';
  const idColumn = <T extends string>(t: CreateTableBuilder<T, never>) =>
    pg
      ? t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  // Byte-wise ordering for serial numbers and codes on both databases, so sorting, keyset cursors and
  // prefix lookups behave identically and can use the index (PostgreSQL's locale collations cannot).
  const binaryText = (c: ColumnDefinitionBuilder) => (pg ? c.modifyEnd(sql`collate "C"`) : c);

  return {
    async up(db: AnyDb) {
      await idColumn(db.schema.createTable('users'))
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await idColumn(db.schema.createTable('roles'))
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('built_in', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('role_permissions')
        .addColumn('role_id', 'integer', (c) => c.notNull().references('roles.id').onDelete('cascade'))
        .addColumn('permission', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('role_permissions_pk', ['role_id', 'permission'])
        .execute();

      await db.schema
        .createTable('user_roles')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('role_id', 'integer', (c) => c.notNull().references('roles.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'role_id'])
        .execute();
      await db.schema.createIndex('user_roles_role_idx').on('user_roles').column('role_id').execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

      await idColumn(db.schema.createTable('api_tokens'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('token_prefix', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('api_tokens_user_idx').on('api_tokens').column('user_id').execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('document_sequences')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('next_value', 'integer', (c) => c.notNull())
        .execute();

      await idColumn(db.schema.createTable('locations'))
        .addColumn('code', 'text', (c) => binaryText(c.notNull().unique()))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await idColumn(db.schema.createTable('part_types'))
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await idColumn(db.schema.createTable('items'))
        .addColumn('sku', 'text', (c) => binaryText(c.notNull().unique()))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('part_type_id', 'integer', (c) => c.references('part_types.id'))
        .addColumn('primary_location_id', 'integer', (c) => c.references('locations.id'))
        .addColumn('warranty_months', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('serial_pattern', 'text')
        .addColumn('track_serials', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('items_name_idx').on('items').column('name').execute();

      await db.schema
        .createTable('stock_levels')
        .addColumn('item_id', 'integer', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'integer', (c) => c.notNull().references('locations.id'))
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('stock_levels_pk', ['item_id', 'location_id'])
        .execute();

      await idColumn(db.schema.createTable('stock_adjustments'))
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('item_id', 'integer', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'integer', (c) => c.notNull().references('locations.id'))
        .addColumn('delta', 'integer', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('stock_adjustments_item_idx')
        .on('stock_adjustments')
        .columns(['item_id', 'id'])
        .execute();

      await idColumn(db.schema.createTable('customers'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('contact', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await idColumn(db.schema.createTable('serials'))
        .addColumn('item_id', 'integer', (c) => c.notNull().references('items.id'))
        .addColumn('serial_number', 'text', (c) => binaryText(c.notNull()))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('location_id', 'integer', (c) => c.notNull().references('locations.id'))
        .addColumn('customer_id', 'integer', (c) => c.references('customers.id'))
        .addColumn('warranty_end_date', 'text')
        .addColumn('date_received', 'text', (c) => c.notNull())
        .addColumn('condition_notes', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('source_document_type', 'text', (c) => c.notNull())
        .addColumn('source_document_number', 'text')
        .addColumn('last_document_type', 'text')
        .addColumn('last_document_number', 'text')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'integer', (c) => c.references('users.id'))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'integer', (c) => c.references('users.id'))
        .execute();
      // Serial numbers are unique per item; the same index serves the serial-sorted keyset page.
      await db.schema
        .createIndex('serials_item_serial_uq')
        .on('serials')
        .columns(['item_id', 'serial_number'])
        .unique()
        .execute();
      // Global lookup by exact value and by prefix, across items.
      await db.schema.createIndex('serials_serial_idx').on('serials').column('serial_number').execute();
      await db.schema
        .createIndex('serials_item_received_idx')
        .on('serials')
        .columns(['item_id', 'date_received', 'serial_number'])
        .execute();
      await db.schema
        .createIndex('serials_item_status_idx')
        .on('serials')
        .columns(['item_id', 'status', 'serial_number'])
        .execute();
      await db.schema
        .createIndex('serials_item_location_idx')
        .on('serials')
        .columns(['item_id', 'location_id', 'serial_number'])
        .execute();

      await db.schema
        .createTable('serial_counts')
        .addColumn('item_id', 'integer', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'integer', (c) => c.notNull().references('locations.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('serial_counts_pk', ['item_id', 'location_id', 'status'])
        .execute();

      await idColumn(db.schema.createTable('serial_events'))
        .addColumn('serial_id', 'integer', (c) => c.notNull().references('serials.id'))
        .addColumn('item_id', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.references('users.id'))
        .addColumn('document_type', 'text')
        .addColumn('document_number', 'text')
        .addColumn('from_location_id', 'integer')
        .addColumn('to_location_id', 'integer')
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text')
        .addColumn('customer_id', 'integer')
        .addColumn('data', 'text')
        .execute();
      await db.schema
        .createIndex('serial_events_serial_idx')
        .on('serial_events')
        .columns(['serial_id', 'id'])
        .execute();

      // The ledger is append-only at the database level too, whatever code runs against it.
      if (pg) {
        await sql`create function serial_events_append_only() returns trigger language plpgsql as $$
          begin raise exception 'serial_events is append-only'; end $$`.execute(db);
        await sql`create trigger serial_events_no_update before update or delete on serial_events
          for each row execute function serial_events_append_only()`.execute(db);
      } else {
        await sql`create trigger serial_events_no_update before update on serial_events
          begin select raise(abort, 'serial_events is append-only'); end`.execute(db);
        await sql`create trigger serial_events_no_delete before delete on serial_events
          begin select raise(abort, 'serial_events is append-only'); end`.execute(db);
      }

      await idColumn(db.schema.createTable('transfers'))
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('from_location_id', 'integer', (c) => c.notNull().references('locations.id'))
        .addColumn('to_location_id', 'integer', (c) => c.notNull().references('locations.id'))
        .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
        .execute();

      await db.schema
        .createTable('transfer_lines')
        .addColumn('transfer_id', 'integer', (c) => c.notNull().references('transfers.id'))
        .addColumn('serial_id', 'integer', (c) => c.notNull().references('serials.id'))
        .addPrimaryKeyConstraint('transfer_lines_pk', ['transfer_id', 'serial_id'])
        .execute();
    },
  };
}
