import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../database.js';

type AnyDb = Kysely<unknown>;

/**
 * The serials sold to one customer, most recently changed first (the Customers page's "Serials sold"), as
 * a keyset page read. Partial: most serials are in stock with no customer, and leaving them out keeps the
 * index small and spares their writes from maintaining it.
 */
export function migration0007SerialsByCustomer(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createIndex('serials_customer_updated_idx')
        .on('serials')
        .columns(['customer_id', 'updated_at', 'id'])
        .where(sql.ref('customer_id'), 'is not', null)
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropIndex('serials_customer_updated_idx').execute();
    },
  };
}
