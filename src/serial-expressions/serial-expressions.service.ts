import type { Db } from '../db/database.js';
import { notFound } from '../shared/errors.js';
import { itemsRepository } from '../items/items.repository.js';
import { serialsRepository } from '../serials/serials.repository.js';
import { expandSerialPlan, parseSerialExpression, serialExpressionError } from './serial-expression.js';

export function createSerialExpressionsService(db: Db) {
  return {
    /** Expands an expression; `~` continues from `after`, or from the item's latest serial. */
    async expand(input: {
      expression: string;
      quantity?: number | undefined;
      itemId?: number | undefined;
      after?: string | undefined;
    }) {
      // Read and counted first: an expression over the limit is refused before anything else is done.
      const parsed = parseSerialExpression(input.expression, { quantity: input.quantity });
      if (!parsed.ok) throw serialExpressionError(parsed.errors);
      let after = input.after;
      if (after === undefined && input.itemId !== undefined) {
        if (!(await itemsRepository.findById(db, input.itemId))) throw notFound('Item', input.itemId);
        if (parsed.plan.usesNext)
          after = (await serialsRepository.latestOfItem(db, input.itemId)) ?? undefined;
      }
      const result = expandSerialPlan(parsed.plan, after);
      if (!result.ok) throw serialExpressionError(result.errors);
      return { serials: result.serials, expands: parsed.plan.expands, continuedAt: result.continuedAt };
    },
  };
}

export type SerialExpressionsService = ReturnType<typeof createSerialExpressionsService>;
