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
        'Preview the exact serials an expression makes (ranges A-B, S+N, S+, ~); 422 lists every problem',
      body: expandBody,
      response: { 200: z.object({ serials: z.array(z.string()) }), ...errorResponses },
    },
    handler: (req) => serialExpressions.expand(req.body),
  });
}
