import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../app.js';
import { errorResponses, idParams } from '../http/common.schemas.js';
import type { PartnersService } from './partners.service.js';
import {
  createPartnerWithCheckBody,
  customerSerialPageSchema,
  customerSerialsQuery,
  listPartnersQuery,
  partnerSchema,
  searchPartnersQuery,
  updatePartnerBody,
} from './partners.schemas.js';

function registerPartnerRoutes(
  app: FastifyInstance,
  table: 'suppliers' | 'customers',
  service: PartnersService,
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = [table === 'suppliers' ? 'Suppliers' : 'Customers'];
  const noun = table === 'suppliers' ? 'supplier' : 'customer';
  const page = z.object({ [table]: z.array(partnerSchema), nextCursor: z.string().nullable() });

  r.get(`/api/${table}`, {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: `Search ${table} by name or contact`,
      querystring: listPartnersQuery,
      response: { 200: page, ...errorResponses },
    },
    handler: (req) => service.list({ search: req.query.q, cursor: req.query.cursor, limit: req.query.limit }),
  });
  r.get(`/api/${table}/search`, {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: `The pickers' search: ${table} whose name starts with q, ignoring case and spaces`,
      querystring: searchPartnersQuery,
      response: { 200: z.object({ [table]: z.array(partnerSchema) }), ...errorResponses },
    },
    handler: (req) => service.search({ prefix: req.query.q, limit: req.query.limit }),
  });
  r.post(`/api/${table}`, {
    config: { access: 'PARTNERS_MANAGE' },
    schema: {
      tags,
      summary: `Create a ${noun}`,
      description:
        `A ${noun} whose name matches an existing one, ignoring case and spaces, is refused with 409 ` +
        'DUPLICATE_NAME unless allowDuplicateName is true.',
      body: createPartnerWithCheckBody,
      response: { 201: partnerSchema, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await service.create(req.body)),
  });
  r.get(`/api/${table}/:id`, {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: `One ${noun}`,
      params: idParams,
      response: { 200: partnerSchema, ...errorResponses },
    },
    handler: (req) => service.get(req.params.id),
  });
  r.patch(`/api/${table}/:id`, {
    config: { access: 'PARTNERS_MANAGE' },
    schema: {
      tags,
      summary: `Edit a ${noun}`,
      params: idParams,
      body: updatePartnerBody,
      response: { 200: partnerSchema, ...errorResponses },
    },
    handler: (req) => service.update(req.params.id, req.body),
  });
}

export function registerPartnersRoutes(app: FastifyInstance, { suppliers, customers }: Services): void {
  registerPartnerRoutes(app, 'suppliers', suppliers);
  registerPartnerRoutes(app, 'customers', customers);
  app.withTypeProvider<ZodTypeProvider>().get('/api/customers/:id/serials', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags: ['Customers'],
      summary: 'The serials sold to a customer, most recently changed first',
      description:
        'Serials whose customer is this one: sold to them, or returned by them and not yet restocked. ' +
        'Warranty status is as of today.',
      params: idParams,
      querystring: customerSerialsQuery,
      response: { 200: customerSerialPageSchema, ...errorResponses },
    },
    handler: (req) => customers.listSerialsSold(req.params.id, req.query),
  });
}
