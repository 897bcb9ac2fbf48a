import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../database.js';

type AnyDb = Kysely<unknown>;

/**
 * Which receipt created which serial. Receiving writes a row per serial in the receipt's transaction, so
 * labels for "the serials of a receipt" (and the receipt shown on a purchase order) need no guessing.
 * Receipts made before this migration are linked through their serials' Source (the PO) and creation time,
 * which receiving writes equal to the receipt's time; a receipt sharing its millisecond with another receipt
 * of the same order is left unlinked rather than linked wrongly.
 */
export function migration0005ReceiptSerials(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('receipt_serials')
        .addColumn('receipt_id', 'integer', (c) => c.notNull().references('receipts.id'))
        .addColumn('serial_id', 'integer', (c) => c.notNull().references('serials.id'))
        .addPrimaryKeyConstraint('receipt_serials_pk', ['receipt_id', 'serial_id'])
        .execute();
      // A serial is created by at most one receipt.
      await db.schema
        .createIndex('receipt_serials_serial_idx')
        .on('receipt_serials')
        .column('serial_id')
        .unique()
        .execute();
      await sql`
        insert into receipt_serials (receipt_id, serial_id)
        select r.id, s.id
        from receipts r
        join purchase_orders po on po.id = r.purchase_order_id
        join serials s
          on s.source_document_type = 'purchase_order'
         and s.source_document_number = po.number
         and s.created_at = r.at
         and s.item_id in (
           select pol.item_id from receipt_lines rl
           join purchase_order_lines pol on pol.id = rl.purchase_order_line_id
           where rl.receipt_id = r.id)
        where (select count(*) from receipts r2
               where r2.purchase_order_id = r.purchase_order_id and r2.at = r.at) = 1
      `.execute(db);
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('receipt_serials').execute();
    },
  };
}
