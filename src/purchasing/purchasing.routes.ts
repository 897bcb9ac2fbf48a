import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../app.js';
import { errorResponses, idParams } from '../http/common.schemas.js';
import { principalOf } from '../http/auth-hooks.js';
import {
  createPurchaseOrderBody,
  listPurchaseOrdersQuery,
  purchaseOrderSchema,
  purchaseOrderSummarySchema,
  receiptResultSchema,
  receiveBody,
  updatePurchaseOrderBody,
} from './purchasing.schemas.js';

export function registerPurchasingRoutes(app: FastifyInstance, { purchasing, receiving }: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Purchase orders'];

  r.get('/api/purchase-orders', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'Purchase orders, newest first',
      querystring: listPurchaseOrdersQuery,
      response: {
        200: z.object({
          purchaseOrders: z.array(purchaseOrderSummarySchema),
          nextCursor: z.string().nullable(),
        }),
        ...errorResponses,
      },
    },
    handler: (req) => purchasing.list(req.query),
  });

  r.post('/api/purchase-orders', {
    config: { access: 'PO_MANAGE' },
    schema: {
      tags,
      summary: 'Create a purchase order (numbered prefix + sequence, e.g. 1-14)',
      body: createPurchaseOrderBody,
      response: { 201: purchaseOrderSchema, ...errorResponses },
    },
    handler: async (req, reply) =>
      reply.status(201).send(await purchasing.create(principalOf(req), req.body)),
  });

  r.get('/api/purchase-orders/:id', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'One purchase order with lines and receipts',
      params: idParams,
      response: { 200: purchaseOrderSchema, ...errorResponses },
    },
    handler: (req) => purchasing.get(req.params.id),
  });

  r.patch('/api/purchase-orders/:id', {
    config: { access: 'PO_MANAGE' },
    schema: {
      tags,
      summary: "Open, close or annotate a purchase order; change a draft's lines",
      params: idParams,
      body: updatePurchaseOrderBody,
      response: { 200: purchaseOrderSchema, ...errorResponses },
    },
    handler: (req) => purchasing.update(req.params.id, req.body),
  });

  r.post('/api/purchase-orders/:id/receipts', {
    config: { access: 'PO_RECEIVE' },
    schema: {
      tags,
      summary:
        'Receive units, split across locations, with one serial per unit for serialized items; all or nothing',
      params: idParams,
      body: receiveBody,
      response: { 201: receiptResultSchema, ...errorResponses },
    },
    handler: async (req, reply) =>
      reply.status(201).send(await receiving.receive(principalOf(req), req.params.id, req.body)),
  });
}
