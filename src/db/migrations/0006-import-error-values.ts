import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

type AnyDb = Kysely<unknown>;

/**
 * The cell each dry-run error is about, as the file had it, so the errors CSV lets someone find and fix
 * the cell in their spreadsheet. Null for errors about a whole row (a malformed record).
 */
export function migration0006ImportErrorValues(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('import_errors').addColumn('value', 'text').execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('import_errors').dropColumn('value').execute();
    },
  };
}
