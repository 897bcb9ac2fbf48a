import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { errorResponses } from '../http/common.schemas.js';
import { notFound } from '../shared/errors.js';
import { documentsRepository } from './documents.repository.js';

export const DOCUMENT_TYPES = ['purchase_order', 'sale', 'return', 'transfer', 'import', 'count'] as const;

/** Resolves a document reference (Source / Used On: type + number) to its id, so the UI can link it. */
export function registerDocumentsRoutes(app: FastifyInstance, database: Database): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/documents/resolve', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags: ['Documents'],
      summary: 'Find a document by type and number',
      querystring: z.object({ type: z.enum(DOCUMENT_TYPES), number: z.string().min(1).max(100) }),
      response: {
        200: z.object({ type: z.enum(DOCUMENT_TYPES), id: z.number(), saleId: z.number().optional() }),
        ...errorResponses,
      },
    },
    handler: async (req) => {
      const found = await documentsRepository.findIdByNumber(database.db, req.query.type, req.query.number);
      if (!found) throw notFound('Document', `${req.query.type} ${req.query.number}`);
      return { type: req.query.type, ...found };
    },
  });
}
