import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../app.js';
import { errorResponses } from '../http/common.schemas.js';

export const expandBody = z.object({
  expression: z.string().max(1_000_000),
  quantity: z.number().int().min(1).max(100_000).optional(),
  itemId: z.number().int().positive().max(2147483647).optional(),
  after: z.string().max(1000).optional().describe('The serial `~` continues from; overrides the item latest'),
});

export function registerSerialExpressionRoutes(app: FastifyInstance, { serialExpressions }: Services): void {
  app.withTypeProvider<ZodTypeProvider>().post('/api/serial-expressions/expand', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags: ['Serials'],
      summary:
        'Preview the exact serials an expression makes (ranges A..B or A - B, S+N, S+, ~; one token is one serial, dashes and all); 422 lists every problem, TOO_MANY_SERIALS over 100,000',
      body: expandBody,
      response: {
        200: z.object({
          serials: z.array(z.string()),
          expands: z
            .boolean()
            .describe('False when every item is one serial as typed; true for ranges, counts, fills and ~'),
          continuedAt: z
            .array(z.number())
            .describe(
              'Positions of the serials made by `~` (saving resolves them again, after the latest serial)',
            ),
        }),
        ...errorResponses,
      },
    },
    handler: (req) => serialExpressions.expand(req.body),
  });
}
