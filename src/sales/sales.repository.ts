import type { Executor } from '../db/database.js';

/** A return with its sale, customer, location and user: one return's page, or the returns of a sale. */
function returnsQuery(db: Executor) {
  return db
    .selectFrom('customer_returns')
    .innerJoin('sales', 'sales.id', 'customer_returns.sale_id')
    .innerJoin('customers', 'customers.id', 'sales.customer_id')
    .innerJoin('locations', 'locations.id', 'customer_returns.location_id')
    .innerJoin('users', 'users.id', 'customer_returns.user_id')
    .select([
      'customer_returns.id',
      'customer_returns.number',
      'customer_returns.sale_id',
      'sales.number as sale_number',
      'customers.name as customer_name',
      'customer_returns.location_id',
      'locations.code as location_code',
      'customer_returns.at',
      'users.username',
      'customer_returns.notes',
    ]);
}

export const salesRepository = {
  async insertSale(
    db: Executor,
    s: { number: string; customerId: number; notes: string; at: string; userId: number },
  ): Promise<number> {
    const row = await db
      .insertInto('sales')
      .values({
        number: s.number,
        customer_id: s.customerId,
        status: 'open',
        sale_date: null,
        notes: s.notes,
        created_at: s.at,
        created_by: s.userId,
        updated_at: s.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },

  async insertLine(
    db: Executor,
    l: {
      saleId: number;
      lineNo: number;
      itemId: number;
      quantity: number;
      locationId: number | null;
      unitPriceCents: number;
    },
    serialIds: number[],
  ): Promise<number> {
    const row = await db
      .insertInto('sale_lines')
      .values({
        sale_id: l.saleId,
        line_no: l.lineNo,
        item_id: l.itemId,
        quantity: l.quantity,
        location_id: l.locationId,
        unit_price_cents: l.unitPriceCents,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let i = 0; i < serialIds.length; i += 1000) {
      await db
        .insertInto('sale_line_serials')
        .values(serialIds.slice(i, i + 1000).map((serial_id) => ({ sale_line_id: row.id, serial_id })))
        .execute();
    }
    return row.id;
  },

  findSale(db: Executor, id: number) {
    return db
      .selectFrom('sales')
      .innerJoin('customers', 'customers.id', 'sales.customer_id')
      .select([
        'sales.id',
        'sales.number',
        'sales.customer_id',
        'customers.name as customer_name',
        'sales.status',
        'sales.sale_date',
        'sales.notes',
        'sales.created_at',
        'sales.updated_at',
      ])
      .where('sales.id', '=', id)
      .executeTakeFirst();
  },

  listSales(db: Executor, q: { status?: string | undefined; beforeId?: number | undefined; limit: number }) {
    let query = db
      .selectFrom('sales')
      .innerJoin('customers', 'customers.id', 'sales.customer_id')
      .select([
        'sales.id',
        'sales.number',
        'sales.customer_id',
        'customers.name as customer_name',
        'sales.status',
        'sales.sale_date',
        'sales.notes',
        'sales.created_at',
        'sales.updated_at',
      ]);
    if (q.status) query = query.where('sales.status', '=', q.status);
    if (q.beforeId !== undefined) query = query.where('sales.id', '<', q.beforeId);
    return query.orderBy('sales.id', 'desc').limit(q.limit).execute();
  },

  lines(db: Executor, saleId: number) {
    return db
      .selectFrom('sale_lines')
      .innerJoin('items', 'items.id', 'sale_lines.item_id')
      .select([
        'sale_lines.id',
        'sale_lines.line_no',
        'sale_lines.item_id',
        'items.sku',
        'items.name as item_name',
        'items.track_serials',
        'items.warranty_months',
        'sale_lines.quantity',
        'sale_lines.location_id',
        'sale_lines.unit_price_cents',
      ])
      .where('sale_lines.sale_id', '=', saleId)
      .orderBy('sale_lines.line_no')
      .execute();
  },

  lineSerials(db: Executor, saleId: number) {
    return db
      .selectFrom('sale_line_serials')
      .innerJoin('sale_lines', 'sale_lines.id', 'sale_line_serials.sale_line_id')
      .innerJoin('serials', 'serials.id', 'sale_line_serials.serial_id')
      .select([
        'sale_line_serials.sale_line_id',
        'serials.id',
        'serials.serial_number',
        'serials.item_id',
        'serials.status',
        'serials.location_id',
        'serials.customer_id',
        'serials.last_document_type',
        'serials.last_document_number',
      ])
      .where('sale_lines.sale_id', '=', saleId)
      .orderBy('serials.serial_number')
      .execute();
  },

  /** Moves a sale from `from` to `to` status only if it is still in `from`; returns whether it did. */
  async setStatusIf(
    db: Executor,
    id: number,
    from: string,
    to: string,
    at: string,
    saleDate?: string,
  ): Promise<boolean> {
    const result = await db
      .updateTable('sales')
      .set({ status: to, updated_at: at, ...(saleDate && { sale_date: saleDate }) })
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },

  async insertReturn(
    db: Executor,
    r: { number: string; saleId: number; locationId: number; at: string; userId: number; notes: string },
    lines: { serialId: number; conditionNotes: string }[],
  ): Promise<number> {
    const row = await db
      .insertInto('customer_returns')
      .values({
        number: r.number,
        sale_id: r.saleId,
        location_id: r.locationId,
        at: r.at,
        user_id: r.userId,
        notes: r.notes,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('customer_return_lines')
      .values(
        lines.map((l) => ({ return_id: row.id, serial_id: l.serialId, condition_notes: l.conditionNotes })),
      )
      .execute();
    return row.id;
  },

  findReturn(db: Executor, id: number) {
    return returnsQuery(db).where('customer_returns.id', '=', id).executeTakeFirst();
  },

  returnsOfSale(db: Executor, saleId: number) {
    return returnsQuery(db)
      .where('customer_returns.sale_id', '=', saleId)
      .orderBy('customer_returns.id')
      .execute();
  },

  /** The serials of returns with their state now, to tell which still wait for a disposition. */
  returnLines(db: Executor, returnIds: number[]) {
    if (returnIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('customer_return_lines')
      .innerJoin('serials', 'serials.id', 'customer_return_lines.serial_id')
      .select([
        'customer_return_lines.return_id',
        'serials.id',
        'serials.serial_number',
        'serials.item_id',
        'serials.status',
        'serials.location_id',
        'serials.customer_id',
        'serials.warranty_end_date',
        'serials.version',
        'customer_return_lines.condition_notes',
        // The unit's latest return: only that one may decide its disposition (it may have been transferred
        // since, which changes its Used On, not which return it is out on).
        (eb) =>
          eb
            .selectFrom('customer_return_lines as later')
            .select((l) => l.fn.max('later.return_id').as('id'))
            .whereRef('later.serial_id', '=', 'serials.id')
            .as('latest_return_id'),
      ])
      .where('customer_return_lines.return_id', 'in', returnIds)
      .orderBy('serials.serial_number')
      .execute();
  },

  /** History rows of `kinds` that returns (by number) wrote for these serials. */
  returnEvents(db: Executor, serialIds: number[], returnNumbers: string[], kinds: readonly string[]) {
    if (serialIds.length === 0 || returnNumbers.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('serial_events')
      .select(['serial_events.serial_id', 'serial_events.document_number', 'serial_events.kind'])
      .where('serial_events.serial_id', 'in', serialIds)
      .where('serial_events.document_type', '=', 'return')
      .where('serial_events.document_number', 'in', returnNumbers)
      .where('serial_events.kind', 'in', kinds)
      .execute();
  },

  /**
   * Leaves Returned for a unit as read in this transaction (`version`): a concurrent change (a transfer, a
   * warranty correction, another disposition) makes it answer false instead of overwriting that change.
   */
  async updateReturnedSerial(
    db: Executor,
    id: number,
    version: number,
    set: {
      status: string;
      customer_id: null;
      warranty_end_date: null;
      last_document_type: 'return';
      last_document_number: string;
      updated_at: string;
      updated_by: number;
    },
  ): Promise<boolean> {
    const result = await db
      .updateTable('serials')
      .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .where('status', '=', 'returned')
      .where('version', '=', version)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },
};
