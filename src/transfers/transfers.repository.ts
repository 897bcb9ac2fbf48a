import type { Executor } from '../db/database.js';

/** Serials per conditional update: two parameters each, well under either database's parameter limit. */

export const transfersRepository = {
  async insert(
    db: Executor,
    t: {
      number: string;
      at: string;
      userId: number;
      fromLocationId: number;
      toLocationId: number;
      note: string;
    },
    serialIds: number[],
  ): Promise<number> {
    const row = await db
      .insertInto('transfers')
      .values({
        number: t.number,
        at: t.at,
        user_id: t.userId,
        from_location_id: t.fromLocationId,
        to_location_id: t.toLocationId,
        note: t.note,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let i = 0; i < serialIds.length; i += 1000) {
      await db
        .insertInto('transfer_lines')
        .values(serialIds.slice(i, i + 1000).map((serial_id) => ({ transfer_id: row.id, serial_id })))
        .execute();
    }
    return row.id;
  },

  baseQuery(db: Executor) {
    return db
      .selectFrom('transfers')
      .innerJoin('users', 'users.id', 'transfers.user_id')
      .innerJoin('locations as from_loc', 'from_loc.id', 'transfers.from_location_id')
      .innerJoin('locations as to_loc', 'to_loc.id', 'transfers.to_location_id')
      .select([
        'transfers.id',
        'transfers.number',
        'transfers.at',
        'transfers.user_id',
        'users.username',
        'transfers.from_location_id',
        'from_loc.code as from_location_code',
        'transfers.to_location_id',
        'to_loc.code as to_location_code',
        'transfers.note',
      ]);
  },

  findById(db: Executor, id: number) {
    return transfersRepository.baseQuery(db).where('transfers.id', '=', id).executeTakeFirst();
  },

  list(db: Executor, q: { beforeId?: number | undefined; limit: number }) {
    let query = transfersRepository.baseQuery(db);
    if (q.beforeId !== undefined) query = query.where('transfers.id', '<', q.beforeId);
    return query.orderBy('transfers.id', 'desc').limit(q.limit).execute();
  },

  lines(db: Executor, transferId: number) {
    return db
      .selectFrom('transfer_lines')
      .innerJoin('serials', 'serials.id', 'transfer_lines.serial_id')
      .innerJoin('items', 'items.id', 'serials.item_id')
      .select(['serials.id', 'serials.serial_number', 'serials.item_id', 'items.sku'])
      .where('transfer_lines.transfer_id', '=', transferId)
      .orderBy('serials.id')
      .execute();
  },
};
