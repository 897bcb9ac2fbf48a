import type { Db } from '../db/database.js';
import { invalid, notFound } from '../shared/errors.js';
import { itemsRepository } from '../items/items.repository.js';
import { serialsRepository } from '../serials/serials.repository.js';
import { expandSerialExpression } from './serial-expression.js';

export function createSerialExpressionsService(db: Db) {
  return {
    /** Expands an expression; `~` continues from `after`, or from the item's latest serial. */
    async expand(input: {
      expression: string;
      quantity?: number | undefined;
      itemId?: number | undefined;
      after?: string | undefined;
    }) {
      let after = input.after;
      if (after === undefined && input.itemId !== undefined) {
        if (!(await itemsRepository.findById(db, input.itemId))) throw notFound('Item', input.itemId);
        after = (await serialsRepository.latestOfItem(db, input.itemId)) ?? undefined;
      }
      const result = expandSerialExpression(input.expression, { quantity: input.quantity, after });
      if (!result.ok) {
        throw invalid(
          'BAD_SERIAL_EXPRESSION',
          `The serial expression has ${result.errors.length} problem(s).`,
          result.errors,
        );
      }
      return { serials: result.serials };
    },
  };
}

export type SerialExpressionsService = ReturnType<typeof createSerialExpressionsService>;
