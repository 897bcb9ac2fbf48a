import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../app.js';
import { errorResponses, idParams } from '../http/common.schemas.js';
import { principalOf } from '../http/auth-hooks.js';
import {
  createReturnBody,
  createSaleBody,
  disposeReturnBody,
  listSalesQuery,
  returnSchema,
  saleSchema,
  saleSummarySchema,
} from './sales.schemas.js';

export function registerSalesRoutes(app: FastifyInstance, { sales, returns }: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Sales and returns'];

  r.get('/api/sales', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'Sales, newest first',
      querystring: listSalesQuery,
      response: {
        200: z.object({ sales: z.array(saleSummarySchema), nextCursor: z.string().nullable() }),
        ...errorResponses,
      },
    },
    handler: (req) => sales.list(req.query),
  });
  r.post('/api/sales', {
    config: { access: 'SALES_MANAGE' },
    schema: {
      tags,
      summary: 'Create a sale; its serials are Reserved (or Sold with complete: true)',
      body: createSaleBody,
      response: { 201: saleSchema, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await sales.create(principalOf(req), req.body)),
  });
  r.get('/api/sales/:id', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'One sale with its lines and serials',
      params: idParams,
      response: { 200: saleSchema, ...errorResponses },
    },
    handler: (req) => sales.get(req.params.id),
  });
  r.post('/api/sales/:id/complete', {
    config: { access: 'SALES_MANAGE' },
    schema: {
      tags,
      summary: 'Complete: serials become Sold to the customer, warranty starts, quantity drops',
      params: idParams,
      response: { 200: saleSchema, ...errorResponses },
    },
    handler: (req) => sales.complete(principalOf(req), req.params.id),
  });
  r.post('/api/sales/:id/cancel', {
    config: { access: 'SALES_MANAGE' },
    schema: {
      tags,
      summary: 'Cancel an open sale: its serials go back In Stock',
      params: idParams,
      response: { 200: saleSchema, ...errorResponses },
    },
    handler: (req) => sales.cancel(principalOf(req), req.params.id),
  });
  r.post('/api/returns', {
    config: { access: 'RETURNS_MANAGE' },
    schema: {
      tags,
      summary: 'Take serials back against their sale: Returned at a location, quantity rises',
      body: createReturnBody,
      response: { 201: returnSchema, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await returns.create(principalOf(req), req.body)),
  });
  r.post('/api/returns/:id/disposition', {
    config: { access: 'RETURNS_MANAGE' },
    schema: {
      tags,
      summary:
        'Restock (In Stock), mark Damaged or scrap units still Returned on this return; customer and warranty are cleared',
      params: idParams,
      body: disposeReturnBody,
      response: { 200: returnSchema, ...errorResponses },
    },
    handler: (req) => returns.dispose(principalOf(req), req.params.id, req.body),
  });
  r.get('/api/returns/:id', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'One customer return',
      params: idParams,
      response: { 200: returnSchema, ...errorResponses },
    },
    handler: (req) => returns.get(req.params.id),
  });
}
