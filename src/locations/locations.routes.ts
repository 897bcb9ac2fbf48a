import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../app.js';
import { errorResponses, idParams } from '../http/common.schemas.js';
import {
  createLocationBody,
  listLocationsQuery,
  locationSchema,
  searchLocationsQuery,
  updateLocationBody,
} from './locations.schemas.js';

export function registerLocationsRoutes(app: FastifyInstance, { locations }: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Locations'];

  r.get('/api/locations', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'List locations',
      querystring: listLocationsQuery,
      response: { 200: z.object({ locations: z.array(locationSchema) }), ...errorResponses },
    },
    handler: async (req) => ({ locations: await locations.list(req.query.includeInactive === 'true') }),
  });

  r.get('/api/locations/search', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: "The pickers' search: active locations whose code or name starts with q, ignoring case",
      querystring: searchLocationsQuery,
      response: { 200: z.object({ locations: z.array(locationSchema) }), ...errorResponses },
    },
    handler: async (req) => ({ locations: await locations.search(req.query.q, req.query.limit) }),
  });

  r.post('/api/locations', {
    config: { access: 'INV_EDIT_ITEMS' },
    schema: {
      tags,
      summary: 'Create a location',
      body: createLocationBody,
      response: { 201: locationSchema, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await locations.create(req.body)),
  });

  r.get('/api/locations/:id', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'One location',
      params: idParams,
      response: { 200: locationSchema, ...errorResponses },
    },
    handler: (req) => locations.get(req.params.id),
  });

  r.patch('/api/locations/:id', {
    config: { access: 'INV_EDIT_ITEMS' },
    schema: {
      tags,
      summary: 'Edit or (de)activate a location',
      params: idParams,
      body: updateLocationBody,
      response: { 200: locationSchema, ...errorResponses },
    },
    handler: (req) => locations.update(req.params.id, req.body),
  });
}
