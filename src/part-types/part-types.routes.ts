import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../app.js';
import { errorResponses, idParams } from '../http/common.schemas.js';
import { createPartTypeBody, partTypeSchema, updatePartTypeBody } from './part-types.schemas.js';

export function registerPartTypesRoutes(app: FastifyInstance, { partTypes }: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Part types'];

  r.get('/api/part-types', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'List part types',
      response: { 200: z.object({ partTypes: z.array(partTypeSchema) }), ...errorResponses },
    },
    handler: async () => ({ partTypes: await partTypes.list() }),
  });

  r.post('/api/part-types', {
    config: { access: 'INV_EDIT_ITEMS' },
    schema: {
      tags,
      summary: 'Create a part type',
      body: createPartTypeBody,
      response: { 201: partTypeSchema, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await partTypes.create(req.body)),
  });

  r.get('/api/part-types/:id', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'One part type',
      params: idParams,
      response: { 200: partTypeSchema, ...errorResponses },
    },
    handler: (req) => partTypes.get(req.params.id),
  });

  r.patch('/api/part-types/:id', {
    config: { access: 'INV_EDIT_ITEMS' },
    schema: {
      tags,
      summary: 'Edit a part type',
      params: idParams,
      body: updatePartTypeBody,
      response: { 200: partTypeSchema, ...errorResponses },
    },
    handler: (req) => partTypes.update(req.params.id, req.body),
  });
}
