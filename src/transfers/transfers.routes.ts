import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../app.js';
import { cursorQuery, errorResponses, idParams, limitQuery } from '../http/common.schemas.js';
import { principalOf } from '../http/auth-hooks.js';
import {
  createTransferBody,
  transferBatchSchema,
  transferDetailSchema,
  transferSchema,
} from './transfers.schemas.js';

export function registerTransfersRoutes(app: FastifyInstance, { transfers }: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Transfers'];

  r.post('/api/transfers', {
    config: { access: 'INV_TRANSFER' },
    schema: {
      tags,
      summary:
        'Move serials to another location: from one stated source as one document, or without ' +
        '`fromLocationId` from wherever each is, one document per source; all or nothing with a reason per serial',
      body: createTransferBody,
      response: { 201: z.union([transferDetailSchema, transferBatchSchema]), ...errorResponses },
    },
    handler: async (req, reply) => {
      const { fromLocationId, ...rest } = req.body;
      const principal = principalOf(req);
      return reply
        .status(201)
        .send(
          fromLocationId === undefined
            ? await transfers.transferFromEachSource(principal, rest)
            : await transfers.transfer(principal, { ...rest, fromLocationId }),
        );
    },
  });

  r.get('/api/transfers', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'Transfers, newest first',
      querystring: z.object({ cursor: cursorQuery, limit: limitQuery }),
      response: {
        200: z.object({ transfers: z.array(transferSchema), nextCursor: z.string().nullable() }),
        ...errorResponses,
      },
    },
    handler: (req) => transfers.list(req.query),
  });

  r.get('/api/transfers/:id', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'One transfer with its serials',
      params: idParams,
      response: { 200: transferDetailSchema, ...errorResponses },
    },
    handler: (req) => transfers.get(req.params.id),
  });
}
