import type { Executor } from '../db/database.js';

export const purchasingRepository = {
  async insertOrder(
    db: Executor,
    po: { number: string; supplierId: number; status: string; notes: string; at: string; userId: number },
  ): Promise<number> {
    const row = await db
      .insertInto('purchase_orders')
      .values({
        number: po.number,
        supplier_id: po.supplierId,
        status: po.status,
        notes: po.notes,
        created_at: po.at,
        created_by: po.userId,
        updated_at: po.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },

  async insertLines(
    db: Executor,
    orderId: number,
    lines: { itemId: number; quantityOrdered: number; unitCostCents: number }[],
  ): Promise<void> {
    await db
      .insertInto('purchase_order_lines')
      .values(
        lines.map((l, i) => ({
          purchase_order_id: orderId,
          line_no: i + 1,
          item_id: l.itemId,
          quantity_ordered: l.quantityOrdered,
          quantity_received: 0,
          unit_cost_cents: l.unitCostCents,
        })),
      )
      .execute();
  },

  /** A draft's lines, replaced as a whole (a draft has no receipts that could point at them). */
  async replaceLines(
    db: Executor,
    orderId: number,
    lines: { itemId: number; quantityOrdered: number; unitCostCents: number }[],
  ): Promise<void> {
    await db.deleteFrom('purchase_order_lines').where('purchase_order_id', '=', orderId).execute();
    await purchasingRepository.insertLines(db, orderId, lines);
  },

  findOrder(db: Executor, id: number) {
    return db
      .selectFrom('purchase_orders')
      .innerJoin('suppliers', 'suppliers.id', 'purchase_orders.supplier_id')
      .select([
        'purchase_orders.id',
        'purchase_orders.number',
        'purchase_orders.supplier_id',
        'suppliers.name as supplier_name',
        'purchase_orders.status',
        'purchase_orders.notes',
        'purchase_orders.created_at',
        'purchase_orders.updated_at',
      ])
      .where('purchase_orders.id', '=', id)
      .executeTakeFirst();
  },

  listOrders(
    db: Executor,
    q: {
      status?: string | undefined;
      supplierId?: number | undefined;
      beforeId?: number | undefined;
      limit: number;
    },
  ) {
    let query = db
      .selectFrom('purchase_orders')
      .innerJoin('suppliers', 'suppliers.id', 'purchase_orders.supplier_id')
      .select([
        'purchase_orders.id',
        'purchase_orders.number',
        'purchase_orders.supplier_id',
        'suppliers.name as supplier_name',
        'purchase_orders.status',
        'purchase_orders.notes',
        'purchase_orders.created_at',
        'purchase_orders.updated_at',
      ]);
    if (q.status) query = query.where('purchase_orders.status', '=', q.status);
    if (q.supplierId !== undefined) query = query.where('purchase_orders.supplier_id', '=', q.supplierId);
    if (q.beforeId !== undefined) query = query.where('purchase_orders.id', '<', q.beforeId);
    return query.orderBy('purchase_orders.id', 'desc').limit(q.limit).execute();
  },

  lines(db: Executor, orderId: number) {
    return db
      .selectFrom('purchase_order_lines')
      .innerJoin('items', 'items.id', 'purchase_order_lines.item_id')
      .select([
        'purchase_order_lines.id',
        'purchase_order_lines.line_no',
        'purchase_order_lines.item_id',
        'items.sku',
        'items.name as item_name',
        'items.track_serials',
        'purchase_order_lines.quantity_ordered',
        'purchase_order_lines.quantity_received',
        'purchase_order_lines.unit_cost_cents',
      ])
      .where('purchase_order_lines.purchase_order_id', '=', orderId)
      .orderBy('purchase_order_lines.line_no')
      .execute();
  },

  async setStatus(db: Executor, id: number, status: string, at: string): Promise<void> {
    await db.updateTable('purchase_orders').set({ status, updated_at: at }).where('id', '=', id).execute();
  },

  /**
   * Moves an order to `to` only if it is still in one of `from`; returns whether it did. On PostgreSQL the
   * row stays locked to the end of the transaction, so a receipt and a close of one order take turns.
   */
  async setStatusIf(
    db: Executor,
    id: number,
    from: readonly string[],
    to: string,
    at: string,
  ): Promise<boolean> {
    const result = await db
      .updateTable('purchase_orders')
      .set({ status: to, updated_at: at })
      .where('id', '=', id)
      .where('status', 'in', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },

  /** Touches (and on PostgreSQL locks) an order only if it is in one of `from`; returns whether it did. */
  async lockIfStatus(db: Executor, id: number, from: readonly string[], at: string): Promise<boolean> {
    const result = await db
      .updateTable('purchase_orders')
      .set({ updated_at: at })
      .where('id', '=', id)
      .where('status', 'in', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },

  async updateNotes(db: Executor, id: number, notes: string, at: string): Promise<void> {
    await db.updateTable('purchase_orders').set({ notes, updated_at: at }).where('id', '=', id).execute();
  },

  /** Adds to a line's received quantity only if it stays within the ordered quantity; returns whether it did. */
  async addReceived(db: Executor, lineId: number, quantity: number): Promise<boolean> {
    const result = await db
      .updateTable('purchase_order_lines')
      .set((eb) => ({ quantity_received: eb('quantity_received', '+', quantity) }))
      .where('id', '=', lineId)
      .where((eb) => eb(eb('quantity_received', '+', quantity), '<=', eb.ref('quantity_ordered')))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },

  async insertReceipt(
    db: Executor,
    r: { number: string; orderId: number; at: string; userId: number },
    lines: { lineId: number; locationId: number; quantity: number }[],
  ): Promise<number> {
    const row = await db
      .insertInto('receipts')
      .values({ number: r.number, purchase_order_id: r.orderId, at: r.at, user_id: r.userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('receipt_lines')
      .values(
        lines.map((l) => ({
          receipt_id: row.id,
          purchase_order_line_id: l.lineId,
          location_id: l.locationId,
          quantity: l.quantity,
        })),
      )
      .execute();
    return row.id;
  },

  /** Links a receipt to the serials it created, in chunks that stay under SQLite's parameter limit. */
  async linkReceiptSerials(db: Executor, receiptId: number, serialIds: number[]): Promise<void> {
    for (let i = 0; i < serialIds.length; i += 5000) {
      await db
        .insertInto('receipt_serials')
        .values(serialIds.slice(i, i + 5000).map((id) => ({ receipt_id: receiptId, serial_id: id })))
        .execute();
    }
  },

  receipts(db: Executor, orderId: number) {
    return (
      db
        .selectFrom('receipts')
        .innerJoin('users', 'users.id', 'receipts.user_id')
        .innerJoin('receipt_lines', 'receipt_lines.receipt_id', 'receipts.id')
        .innerJoin('locations', 'locations.id', 'receipt_lines.location_id')
        .select([
          'receipts.id',
          'receipts.number',
          'receipts.at',
          'users.username',
          'receipt_lines.purchase_order_line_id',
          'receipt_lines.location_id',
          'locations.code as location_code',
          'receipt_lines.quantity',
        ])
        .where('receipts.purchase_order_id', '=', orderId)
        // receipt_lines has no id: without these the lines come back in whatever order the join yields.
        .orderBy('receipts.id')
        .orderBy('receipt_lines.purchase_order_line_id')
        .orderBy('locations.code')
        .execute()
    );
  },
};
