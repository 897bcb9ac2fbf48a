import type { Executor } from '../db/database.js';

export const stockRepository = {
  levelsByItem(db: Executor, itemId: number) {
    return db
      .selectFrom('stock_levels')
      .select(['location_id', 'quantity'])
      .where('item_id', '=', itemId)
      .execute();
  },

  /** Adds `delta` to the quantity on hand and returns the new quantity, atomically. */
  async addQuantity(db: Executor, itemId: number, locationId: number, delta: number): Promise<number> {
    const row = await db
      .insertInto('stock_levels')
      .values({ item_id: itemId, location_id: locationId, quantity: delta })
      .onConflict((oc) =>
        oc
          .columns(['item_id', 'location_id'])
          .doUpdateSet((eb) => ({ quantity: eb('stock_levels.quantity', '+', delta) })),
      )
      .returning('quantity')
      .executeTakeFirstOrThrow();
    return row.quantity;
  },

  async insertAdjustment(
    db: Executor,
    a: {
      number: string;
      itemId: number;
      locationId: number;
      delta: number;
      reason: string;
      userId: number;
      at: string;
    },
  ): Promise<number> {
    const row = await db
      .insertInto('stock_adjustments')
      .values({
        number: a.number,
        item_id: a.itemId,
        location_id: a.locationId,
        delta: a.delta,
        reason: a.reason,
        user_id: a.userId,
        at: a.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },

  listAdjustments(
    db: Executor,
    q: { itemId?: number | undefined; beforeId?: number | undefined; limit: number },
  ) {
    let query = db
      .selectFrom('stock_adjustments')
      .innerJoin('locations', 'locations.id', 'stock_adjustments.location_id')
      .innerJoin('users', 'users.id', 'stock_adjustments.user_id')
      .select([
        'stock_adjustments.id',
        'stock_adjustments.number',
        'stock_adjustments.item_id',
        'stock_adjustments.location_id',
        'locations.code as location_code',
        'stock_adjustments.delta',
        'stock_adjustments.reason',
        'stock_adjustments.user_id',
        'users.username',
        'stock_adjustments.at',
      ]);
    if (q.itemId !== undefined) query = query.where('stock_adjustments.item_id', '=', q.itemId);
    if (q.beforeId !== undefined) query = query.where('stock_adjustments.id', '<', q.beforeId);
    return query.orderBy('stock_adjustments.id', 'desc').limit(q.limit).execute();
  },
};
