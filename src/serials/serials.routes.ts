import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../app.js';
import { errorResponses, idParams } from '../http/common.schemas.js';
import { principalOf } from '../http/auth-hooks.js';
import { checkManualTransition, SERIAL_STATUSES, STATUS_INFO } from './serial-status.js';
import {
  addSerialsBody,
  addSerialsFromExpressionBody,
  customFieldFiltersOf,
  nextSerialsBody,
  listSerialsQuery,
  renumberSerialBody,
  voidResultSchema,
  voidSerialBody,
  voidSerialsBody,
  lookupQuery,
  lookupResultSchema,
  serialDetailSchema,
  serialPageSchema,
  serialSchema,
  statusesSchema,
  updateSerialBody,
} from './serials.schemas.js';

export function registerSerialsRoutes(app: FastifyInstance, { serials }: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Serials'];

  r.get('/api/serial-statuses', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'The status state machine: labels, colours, allowed moves',
      response: { 200: statusesSchema, ...errorResponses },
    },
    handler: () => ({
      statuses: SERIAL_STATUSES.map((s) => ({
        status: s,
        ...STATUS_INFO[s],
        next: [...STATUS_INFO[s].next],
        manualNext: STATUS_INFO[s].next.filter((n) => checkManualTransition(s, n).ok),
      })),
    }),
  });

  r.get('/api/items/:id/serials', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: "An item's serials: filters, sort, keyset pages and counts per status",
      params: idParams,
      querystring: listSerialsQuery,
      response: { 200: serialPageSchema, ...errorResponses },
    },
    handler: (req) =>
      serials.list(req.params.id, {
        statuses: req.query.status,
        locationId: req.query.locationId,
        text: req.query.q,
        warrantyExpiringWithinDays: req.query.warrantyExpiringWithinDays,
        sort: req.query.sort,
        direction: req.query.direction,
        cursor: req.query.cursor,
        limit: req.query.limit,
        customFilters: customFieldFiltersOf(req.query),
        withCustomValues: req.query.fields === '1',
      }),
  });

  r.post('/api/items/:id/serials', {
    config: { access: 'INV_MANAGE_SERIALS' },
    schema: {
      tags,
      summary: 'Add one or many serials (In Stock); all or nothing',
      params: idParams,
      body: addSerialsBody,
      response: { 201: z.object({ serials: z.array(serialSchema) }), ...errorResponses },
    },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send({ serials: await serials.addSerials(principalOf(req), req.params.id, req.body.serials) }),
  });

  r.post('/api/items/:id/serials/from-expression', {
    config: { access: 'INV_MANAGE_SERIALS' },
    schema: {
      tags,
      summary:
        'Add the serials an expression makes (In Stock); `~` continues from the latest serial at the moment of saving',
      params: idParams,
      body: addSerialsFromExpressionBody,
      response: { 201: z.object({ serials: z.array(serialSchema) }), ...errorResponses },
    },
    handler: async (req, reply) =>
      reply.status(201).send({
        serials: await serials.addSerialsFromExpression(principalOf(req), req.params.id, req.body),
      }),
  });

  r.post('/api/items/:id/serials/next', {
    config: { access: 'INV_MANAGE_SERIALS' },
    schema: {
      tags,
      summary: "Add the next N serials from the item's serial pattern (e.g. SN-{#####})",
      params: idParams,
      body: nextSerialsBody,
      response: { 201: z.object({ serials: z.array(serialSchema) }), ...errorResponses },
    },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send({ serials: await serials.addNextSerials(principalOf(req), req.params.id, req.body) }),
  });

  r.get('/api/serials/lookup', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'Find a serial across all items by exact value or prefix',
      querystring: lookupQuery,
      response: { 200: lookupResultSchema, ...errorResponses },
    },
    handler: async (req) => ({ matches: await serials.lookup(req.query.q, req.query.mode, req.query.limit) }),
  });

  r.get('/api/serials/:id', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'One serial with its full history',
      params: idParams,
      response: { 200: serialDetailSchema, ...errorResponses },
    },
    handler: (req) => serials.get(req.params.id),
  });

  r.patch('/api/serials/:id', {
    config: { access: 'INV_MANAGE_SERIALS' },
    schema: {
      tags,
      summary: 'Edit condition notes and/or change status (state machine enforced); recorded in history',
      params: idParams,
      body: updateSerialBody,
      response: { 200: serialDetailSchema, ...errorResponses },
    },
    // The answer is the whole detail with its history, which the Serial Detail dialog shows at once.
    handler: async (req) => {
      await serials.update(principalOf(req), req.params.id, req.body);
      return serials.get(req.params.id);
    },
  });

  r.post('/api/serials/void', {
    config: { access: 'INV_MANAGE_SERIALS' },
    schema: {
      tags,
      summary: 'Void serials entered in error (untouched since entered), all or nothing, with one reason',
      body: voidSerialsBody,
      response: { 200: voidResultSchema, ...errorResponses },
    },
    handler: (req) => serials.voidSerials(principalOf(req), req.body),
  });

  r.post('/api/serials/:id/void', {
    config: { access: 'INV_MANAGE_SERIALS' },
    schema: {
      tags,
      summary:
        'Void one serial entered in error; its number can be entered again, its history keeps the void',
      params: idParams,
      body: voidSerialBody,
      response: { 200: serialDetailSchema, ...errorResponses },
    },
    handler: async (req) => {
      await serials.voidSerials(principalOf(req), { serialIds: [req.params.id], ...req.body });
      return serials.get(req.params.id);
    },
  });

  r.post('/api/serials/:id/renumber', {
    config: { access: 'INV_MANAGE_SERIALS' },
    schema: {
      tags,
      summary: 'Correct a serial number (a typo); the history keeps old and new, lookup finds the old one',
      params: idParams,
      body: renumberSerialBody,
      response: { 200: serialDetailSchema, ...errorResponses },
    },
    handler: async (req) => {
      await serials.renumberSerial(principalOf(req), req.params.id, req.body);
      return serials.get(req.params.id);
    },
  });
}
