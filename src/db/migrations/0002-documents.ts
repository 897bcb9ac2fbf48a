import type { CreateTableBuilder, Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

type AnyDb = Kysely<unknown>;

/** Suppliers, purchase orders with receipts, sales and customer returns. */
export function migration0002Documents(dialect: Dialect): Migration {
  const pg = dialect === 'postgres';
  const idColumn = <T extends string>(t: CreateTableBuilder<T, never>) =>
    pg
      ? t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  return {
    async up(db: AnyDb) {
      await idColumn(db.schema.createTable('suppliers'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('contact', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('suppliers_name_idx').on('suppliers').column('name').execute();
      await db.schema.createIndex('customers_name_idx').on('customers').column('name').execute();

      await idColumn(db.schema.createTable('purchase_orders'))
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('supplier_id', 'integer', (c) => c.notNull().references('suppliers.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await idColumn(db.schema.createTable('purchase_order_lines'))
        .addColumn('purchase_order_id', 'integer', (c) => c.notNull().references('purchase_orders.id'))
        .addColumn('line_no', 'integer', (c) => c.notNull())
        .addColumn('item_id', 'integer', (c) => c.notNull().references('items.id'))
        .addColumn('quantity_ordered', 'integer', (c) => c.notNull())
        .addColumn('quantity_received', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('unit_cost_cents', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('purchase_order_lines_po_idx')
        .on('purchase_order_lines')
        .columns(['purchase_order_id', 'line_no'])
        .unique()
        .execute();

      await idColumn(db.schema.createTable('receipts'))
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('purchase_order_id', 'integer', (c) => c.notNull().references('purchase_orders.id'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .execute();
      await db.schema.createIndex('receipts_po_idx').on('receipts').column('purchase_order_id').execute();

      await db.schema
        .createTable('receipt_lines')
        .addColumn('receipt_id', 'integer', (c) => c.notNull().references('receipts.id'))
        .addColumn('purchase_order_line_id', 'integer', (c) =>
          c.notNull().references('purchase_order_lines.id'),
        )
        .addColumn('location_id', 'integer', (c) => c.notNull().references('locations.id'))
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('receipt_lines_receipt_idx')
        .on('receipt_lines')
        .column('receipt_id')
        .execute();

      await idColumn(db.schema.createTable('sales'))
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('customer_id', 'integer', (c) => c.notNull().references('customers.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('sale_date', 'text')
        .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await idColumn(db.schema.createTable('sale_lines'))
        .addColumn('sale_id', 'integer', (c) => c.notNull().references('sales.id'))
        .addColumn('line_no', 'integer', (c) => c.notNull())
        .addColumn('item_id', 'integer', (c) => c.notNull().references('items.id'))
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('location_id', 'integer', (c) => c.references('locations.id'))
        .addColumn('unit_price_cents', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('sale_lines_sale_idx')
        .on('sale_lines')
        .columns(['sale_id', 'line_no'])
        .unique()
        .execute();

      await db.schema
        .createTable('sale_line_serials')
        .addColumn('sale_line_id', 'integer', (c) => c.notNull().references('sale_lines.id'))
        .addColumn('serial_id', 'integer', (c) => c.notNull().references('serials.id'))
        .addPrimaryKeyConstraint('sale_line_serials_pk', ['sale_line_id', 'serial_id'])
        .execute();
      await db.schema
        .createIndex('sale_line_serials_serial_idx')
        .on('sale_line_serials')
        .column('serial_id')
        .execute();

      await idColumn(db.schema.createTable('customer_returns'))
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('sale_id', 'integer', (c) => c.notNull().references('sales.id'))
        .addColumn('location_id', 'integer', (c) => c.notNull().references('locations.id'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
        .execute();

      await db.schema
        .createTable('customer_return_lines')
        .addColumn('return_id', 'integer', (c) => c.notNull().references('customer_returns.id'))
        .addColumn('serial_id', 'integer', (c) => c.notNull().references('serials.id'))
        .addColumn('condition_notes', 'text', (c) => c.notNull().defaultTo(''))
        .addPrimaryKeyConstraint('customer_return_lines_pk', ['return_id', 'serial_id'])
        .execute();

      // "Warranty expiring within N days" per item.
      await db.schema
        .createIndex('serials_item_warranty_idx')
        .on('serials')
        .columns(['item_id', 'warranty_end_date', 'serial_number'])
        .execute();
    },
  };
}
