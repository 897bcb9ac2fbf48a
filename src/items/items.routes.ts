import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../app.js';
import { errorResponses, idParams } from '../http/common.schemas.js';
import { principalOf } from '../http/auth-hooks.js';
import {
  adjustmentSchema,
  createAdjustmentBody,
  createItemBody,
  itemSchema,
  itemStockRowSchema,
  listAdjustmentsQuery,
  listItemStockQuery,
  searchItemsQuery,
  listItemsQuery,
  stockSummarySchema,
  trackSerialsBody,
  updateItemBody,
} from './items.schemas.js';

export function registerItemsRoutes(app: FastifyInstance, { items, stock }: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Items'];

  r.get('/api/items', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'List items by SKU, with search over SKU and name',
      querystring: listItemsQuery,
      response: {
        200: z.object({ items: z.array(itemSchema), nextCursor: z.string().nullable() }),
        ...errorResponses,
      },
    },
    handler: (req) => items.list({ search: req.query.q, cursor: req.query.cursor, limit: req.query.limit }),
  });

  r.get('/api/items/search', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: "The pickers' search: items whose SKU or name starts with q, ignoring case",
      description:
        'SKU matches first (by SKU), then name matches (by name). Index range scans, at most `limit`.',
      querystring: searchItemsQuery,
      response: { 200: z.object({ items: z.array(itemSchema) }), ...errorResponses },
    },
    handler: (req) => items.search({ prefix: req.query.q, limit: req.query.limit }),
  });

  r.get('/api/items/stock-list', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'The Items list: quantity on hand against serials present per item, sortable, keyset-paged',
      querystring: listItemStockQuery,
      response: {
        200: z.object({ items: z.array(itemStockRowSchema), nextCursor: z.string().nullable() }),
        ...errorResponses,
      },
    },
    handler: (req) =>
      items.listWithStock({
        prefix: req.query.q,
        mismatchOnly: req.query.mismatch === 'true',
        sort: req.query.sort,
        descending: req.query.dir === 'desc',
        cursor: req.query.cursor,
        limit: req.query.limit,
      }),
  });

  r.post('/api/items', {
    config: { access: 'INV_EDIT_ITEMS' },
    schema: {
      tags,
      summary: 'Create an item',
      body: createItemBody,
      response: { 201: itemSchema, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await items.create(principalOf(req), req.body)),
  });

  r.get('/api/items/:id', {
    config: { access: 'INV_VIEW' },
    schema: { tags, summary: 'One item', params: idParams, response: { 200: itemSchema, ...errorResponses } },
    handler: (req) => items.get(req.params.id),
  });

  r.patch('/api/items/:id', {
    config: { access: 'INV_EDIT_ITEMS' },
    schema: {
      tags,
      summary: 'Edit an item, including Track Serials (which also needs INV_MANAGE_SERIALS)',
      params: idParams,
      body: updateItemBody,
      response: { 200: itemSchema, ...errorResponses },
    },
    handler: (req) => items.update(principalOf(req), req.params.id, req.body),
  });

  // Its own route because the help pages make INV_MANAGE_SERIALS alone the permission for Track Serials:
  // a serials manager who may not edit items can still turn it on or off.
  r.put('/api/items/:id/track-serials', {
    config: { access: 'INV_MANAGE_SERIALS' },
    schema: {
      tags,
      summary: 'Turn Track Serials on or off (needs only INV_MANAGE_SERIALS)',
      description:
        'Turning it off once the item has serials is refused under the "lock" setting; under "hide" it needs ' +
        'confirmHideSerials and the records are kept.',
      params: idParams,
      body: trackSerialsBody,
      response: { 200: itemSchema, ...errorResponses },
    },
    handler: (req) => items.setTrackSerials(principalOf(req), req.params.id, req.body),
  });

  r.get('/api/items/:id/stock', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'Quantity on hand against serials present, per location, with the mismatch',
      params: idParams,
      response: { 200: stockSummarySchema, ...errorResponses },
    },
    handler: (req) => stock.summary(req.params.id),
  });

  r.get('/api/stock-adjustments', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags: ['Stock adjustments'],
      summary: 'Stock adjustments, newest first',
      querystring: listAdjustmentsQuery,
      response: {
        200: z.object({ adjustments: z.array(adjustmentSchema), nextCursor: z.string().nullable() }),
        ...errorResponses,
      },
    },
    handler: (req) => stock.listAdjustments(req.query),
  });

  r.post('/api/stock-adjustments', {
    config: { access: 'INV_ADJUST_STOCK' },
    schema: {
      tags: ['Stock adjustments'],
      summary: 'Adjust the quantity on hand of an item at a location, with a reason',
      body: createAdjustmentBody,
      response: { 201: adjustmentSchema.extend({ quantityOnHand: z.number() }), ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await stock.adjust(principalOf(req), req.body)),
  });
}
