import type { CreateTableBuilder, Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

type AnyDb = Kysely<unknown>;

/**
 * Custom fields per part type, a value per serial, and each item's Default Serial Q&A. Values are canonical
 * text (number as a decimal string, date YYYY-MM-DD, boolean 'true'/'false', choice = one of the choices);
 * an empty value is no row, so "has a value" is a join and the (field_id, value) index serves exact filters.
 */
export function migration0003CustomFields(dialect: Dialect): Migration {
  const pg = dialect === 'postgres';
  const idColumn = <T extends string>(t: CreateTableBuilder<T, never>) =>
    pg
      ? t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  return {
    async up(db: AnyDb) {
      await idColumn(db.schema.createTable('custom_field_definitions'))
        .addColumn('part_type_id', 'integer', (c) => c.notNull().references('part_types.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        // text, number, date, boolean, choice
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('required', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('position', 'integer', (c) => c.notNull())
        // JSON array of the allowed values for type choice; null otherwise.
        .addColumn('choices', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('custom_field_definitions_name_uq')
        .on('custom_field_definitions')
        .columns(['part_type_id', 'name'])
        .unique()
        .execute();

      await db.schema
        .createTable('serial_custom_values')
        .addColumn('serial_id', 'integer', (c) => c.notNull().references('serials.id'))
        .addColumn('field_id', 'integer', (c) => c.notNull().references('custom_field_definitions.id'))
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('serial_custom_values_pk', ['serial_id', 'field_id'])
        .execute();
      // Filter "field = value" and "does this field have any values" without touching the serials.
      await db.schema
        .createIndex('serial_custom_values_field_value_idx')
        .on('serial_custom_values')
        .columns(['field_id', 'value'])
        .execute();

      await db.schema
        .createTable('item_custom_defaults')
        .addColumn('item_id', 'integer', (c) => c.notNull().references('items.id'))
        .addColumn('field_id', 'integer', (c) => c.notNull().references('custom_field_definitions.id'))
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('item_custom_defaults_pk', ['item_id', 'field_id'])
        .execute();
      await db.schema
        .createIndex('item_custom_defaults_field_idx')
        .on('item_custom_defaults')
        .column('field_id')
        .execute();
    },
  };
}
