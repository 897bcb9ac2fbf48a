import type { Executor } from '../db/database.js';

export const documentsRepository = {
  async findIdByNumber(
    db: Executor,
    type: string,
    number: string,
  ): Promise<{ id: number; saleId?: number } | null> {
    switch (type) {
      case 'purchase_order': {
        const row = await db
          .selectFrom('purchase_orders')
          .select('id')
          .where('number', '=', number)
          .executeTakeFirst();
        return row ?? null;
      }
      case 'sale': {
        const row = await db.selectFrom('sales').select('id').where('number', '=', number).executeTakeFirst();
        return row ?? null;
      }
      case 'return': {
        const row = await db
          .selectFrom('customer_returns')
          .select(['id', 'sale_id'])
          .where('number', '=', number)
          .executeTakeFirst();
        return row ? { id: row.id, saleId: row.sale_id } : null;
      }
      case 'import': {
        const row = await db
          .selectFrom('imports')
          .select('id')
          .where('number', '=', number)
          .executeTakeFirst();
        return row ?? null;
      }
      case 'transfer': {
        const row = await db
          .selectFrom('transfers')
          .select('id')
          .where('number', '=', number)
          .executeTakeFirst();
        return row ?? null;
      }
      case 'count': {
        const row = await db
          .selectFrom('counts')
          .select('id')
          .where('number', '=', number)
          .executeTakeFirst();
        return row ?? null;
      }
      default:
        return null;
    }
  },
};
