import type { Executor } from '../db/database.js';

/** The 1,000-id chunks keep every query well under SQLite's and PostgreSQL's bind-parameter limits. */
const CHUNK = 1000;

export interface LabelRow {
  id: number;
  serial_number: string;
  sku: string;
  item_name: string;
}

export const labelsRepository = {
  async serialsByIds(db: Executor, ids: readonly number[]): Promise<LabelRow[]> {
    const rows: LabelRow[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      rows.push(
        ...(await db
          .selectFrom('serials')
          .innerJoin('items', 'items.id', 'serials.item_id')
          .select(['serials.id', 'serials.serial_number', 'items.sku', 'items.name as item_name'])
          .where('serials.id', 'in', ids.slice(i, i + CHUNK))
          .execute()),
      );
    }
    return rows;
  },

  findReceipt(db: Executor, ref: { id: number } | { number: string }) {
    return db
      .selectFrom('receipts')
      .innerJoin('purchase_orders', 'purchase_orders.id', 'receipts.purchase_order_id')
      .select([
        'receipts.id',
        'receipts.number',
        'receipts.at',
        'receipts.purchase_order_id',
        'purchase_orders.number as po_number',
      ])
      .where((eb) => ('id' in ref ? eb('receipts.id', '=', ref.id) : eb('receipts.number', '=', ref.number)))
      .executeTakeFirst();
  },

  /** The serials a receipt created (receipt_serials, written by receiving), at most `limit`. */
  receiptSerials(db: Executor, receiptId: number, limit: number): Promise<LabelRow[]> {
    return db
      .selectFrom('receipt_serials')
      .innerJoin('serials', 'serials.id', 'receipt_serials.serial_id')
      .innerJoin('items', 'items.id', 'serials.item_id')
      .select(['serials.id', 'serials.serial_number', 'items.sku', 'items.name as item_name'])
      .where('receipt_serials.receipt_id', '=', receiptId)
      .orderBy('serials.id')
      .limit(limit)
      .execute();
  },
};
