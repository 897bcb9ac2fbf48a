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

  /** How many receipts of one purchase order carry this exact timestamp (normally one). */
  async receiptsAt(db: Executor, purchaseOrderId: number, at: string): Promise<number> {
    const row = await db
      .selectFrom('receipts')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('purchase_order_id', '=', purchaseOrderId)
      .where('at', '=', at)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  /**
   * The serials a receipt created, at most `limit`. A receipt writes its serials with Source = its PO and
   * created_at = the receipt's own timestamp, in the same transaction; that pair names them without a link
   * table. date_received (the receipt's day) lets the (item, date_received) index find them at any size.
   */
  receiptSerials(
    db: Executor,
    receipt: { id: number; at: string; po_number: string },
    limit: number,
  ): Promise<LabelRow[]> {
    return db
      .selectFrom('serials')
      .innerJoin('items', 'items.id', 'serials.item_id')
      .select(['serials.id', 'serials.serial_number', 'items.sku', 'items.name as item_name'])
      .where('serials.item_id', 'in', (eb) =>
        eb
          .selectFrom('receipt_lines')
          .innerJoin(
            'purchase_order_lines',
            'purchase_order_lines.id',
            'receipt_lines.purchase_order_line_id',
          )
          .select('purchase_order_lines.item_id')
          .where('receipt_lines.receipt_id', '=', receipt.id),
      )
      .where('serials.date_received', '=', receipt.at.slice(0, 10))
      .where('serials.created_at', '=', receipt.at)
      .where('serials.source_document_type', '=', 'purchase_order')
      .where('serials.source_document_number', '=', receipt.po_number)
      .orderBy('serials.id')
      .limit(limit)
      .execute();
  },
};
