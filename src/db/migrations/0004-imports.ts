import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../database.js';

type AnyDb = Kysely<unknown>;

/**
 * CSV imports of serials. An import is a document (Import #N); its parsed rows wait in `import_rows`, a
 * staging table no serial query reads, until one commit turns them into serials. `import_errors` holds the
 * dry run's findings, several per row when a row has several problems.
 */
export function migration0004Imports(dialect: Dialect): Migration {
  const pg = dialect === 'postgres';
  const idColumn = <T extends string>(t: CreateTableBuilder<T, never>) =>
    pg
      ? t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  return {
    async up(db: AnyDb) {
      await idColumn(db.schema.createTable('imports'))
        .addColumn('number', 'text', (c) => c.notNull().unique())
        // uploading → staged → committed, or cancelled / failed at any point before commit.
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('item_id', 'integer', (c) => c.references('items.id'))
        .addColumn('delimiter', 'text')
        .addColumn('mapping', 'text')
        .addColumn('columns', 'text')
        .addColumn('bytes_read', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('rows_parsed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('rows_with_errors', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('serials_created', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('message', 'text')
        .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('committed_at', 'text')
        .execute();
      await db.schema
        .createIndex('imports_status_idx')
        .on('imports')
        .columns(['status', 'updated_at'])
        .execute();

      await db.schema
        .createTable('import_rows')
        .addColumn('import_id', 'integer', (c) => c.notNull())
        .addColumn('line', 'integer', (c) => c.notNull())
        .addColumn('item_id', 'integer')
        .addColumn('serial_number', 'text', (c) =>
          // Compared with serials.serial_number, which is byte-wise (collate "C") on PostgreSQL.
          pg ? c.modifyEnd(sql`collate "C"`) : c,
        )
        .addColumn('location_id', 'integer')
        .addColumn('status', 'text')
        .addColumn('date_received', 'text')
        .addColumn('warranty_end_date', 'text')
        .addColumn('condition_notes', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('event_data', 'text')
        .addPrimaryKeyConstraint('import_rows_pk', ['import_id', 'line'])
        .execute();
      // The set-based duplicate and already-exists checks, and the commit's join back to the new serials.
      await db.schema
        .createIndex('import_rows_serial_idx')
        .on('import_rows')
        .columns(['import_id', 'item_id', 'serial_number'])
        .execute();

      // Custom field values of the staged rows (canonical text), one row per value given in the file.
      await db.schema
        .createTable('import_row_values')
        .addColumn('import_id', 'integer', (c) => c.notNull())
        .addColumn('line', 'integer', (c) => c.notNull())
        .addColumn('field_id', 'integer', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('import_row_values_pk', ['import_id', 'line', 'field_id'])
        .execute();

      await db.schema
        .createTable('import_errors')
        .addColumn('import_id', 'integer', (c) => c.notNull())
        .addColumn('line', 'integer', (c) => c.notNull())
        .addColumn('column_name', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('import_errors_line_idx')
        .on('import_errors')
        .columns(['import_id', 'line'])
        .execute();
    },
  };
}
