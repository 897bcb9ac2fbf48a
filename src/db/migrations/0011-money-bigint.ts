import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../database.js';

type AnyDb = Kysely<unknown>;

/**
 * Unit costs and prices are accepted up to 100,000,000.00, i.e. 10^10 cents, which a 32-bit PostgreSQL
 * `integer` cannot hold. They become `bigint` (read back as a number: see the type parser in database.ts).
 * SQLite integers are 64-bit already, so nothing changes there.
 */
export function migration0011MoneyBigint(dialect: Dialect): Migration {
  const pg = dialect === 'postgres';
  return {
    async up(db: AnyDb) {
      if (!pg) return;
      await sql`alter table purchase_order_lines alter column unit_cost_cents type bigint`.execute(db);
      await sql`alter table sale_lines alter column unit_price_cents type bigint`.execute(db);
    },
    async down(db: AnyDb) {
      if (!pg) return;
      await sql`alter table purchase_order_lines alter column unit_cost_cents type integer`.execute(db);
      await sql`alter table sale_lines alter column unit_price_cents type integer`.execute(db);
    },
  };
}
