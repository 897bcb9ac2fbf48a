import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../app.js';
import { cursorQuery, errorResponses, idParams, limitQuery } from '../http/common.schemas.js';
import { principalOf } from '../http/auth-hooks.js';
import { bomQuery, sendCsv } from '../serial-export/serial-export.routes.js';
import {
  countDetailSchema,
  countPdfResponse,
  countSchema,
  createCountBody,
  markFoundBody,
  reconcileBody,
  reviewSchema,
  scanBody,
  scanResultSchema,
} from './counts.schemas.js';

export function registerCountsRoutes(app: FastifyInstance, { counts, countReconcile }: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Counts'];

  r.get('/api/counts', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'Stock counts, newest first',
      querystring: z.object({
        cursor: cursorQuery,
        limit: limitQuery,
        status: z.enum(['open', 'closed']).optional(),
      }),
      response: {
        200: z.object({ counts: z.array(countSchema), nextCursor: z.string().nullable() }),
        ...errorResponses,
      },
    },
    handler: (req) => counts.list(req.query),
  });

  r.post('/api/counts', {
    config: { access: 'INV_COUNT' },
    schema: {
      tags,
      summary: 'Start a count (CNT-000001) of one or several locations, optionally of some items only',
      body: createCountBody,
      response: { 201: countDetailSchema, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await counts.create(principalOf(req), req.body)),
  });

  r.get('/api/counts/:id', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'A count with its running tallies and latest scans (the merged result of everyone counting)',
      params: idParams,
      response: { 200: countDetailSchema, ...errorResponses },
    },
    handler: (req) => counts.get(req.params.id),
  });

  r.post('/api/counts/:id/scans', {
    config: { access: 'INV_COUNT' },
    schema: {
      tags,
      summary:
        'Scan a serial (or a QR label ST1/<SKU>/<serial>) into an open count; answers what it found at once',
      params: idParams,
      body: scanBody,
      response: { 200: scanResultSchema, ...errorResponses },
    },
    handler: (req) => counts.scan(principalOf(req), req.params.id, req.body),
  });

  r.get('/api/counts/:id/review', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary:
        'Expected against found per item and location; not found, misplaced, unexpected and unknown serials',
      params: idParams,
      querystring: z.object({ limit: z.coerce.number().int().min(0).max(5000).default(500) }),
      response: { 200: reviewSchema, ...errorResponses },
    },
    handler: (req) => counts.review(req.params.id, req.query.limit),
  });

  r.get('/api/counts/:id/review.csv', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'The whole review as CSV (cells escaped against spreadsheet formulas)',
      params: idParams,
      querystring: z.object({ bom: bomQuery }),
      produces: ['text/csv'],
      response: errorResponses,
    },
    handler: async (req, reply) => sendCsv(reply, await counts.reviewCsv(req.params.id, req.query.bom)),
  });

  r.get('/api/counts/:id/review.pdf', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'The whole review as a PDF report',
      params: idParams,
      response: { 200: countPdfResponse, ...errorResponses },
    },
    handler: async (req, reply) => {
      const pdf = await counts.reviewPdf(req.params.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${pdf.fileName}"`)
        .send(pdf.document);
    },
  });

  r.post('/api/counts/:id/reconcile', {
    config: { access: 'INV_MANAGE_SERIALS' },
    schema: {
      tags,
      summary:
        'Reconcile and close the count in one transaction, each choice explicit; answers what was done and skipped',
      params: idParams,
      body: reconcileBody,
      response: { 200: countSchema, ...errorResponses },
    },
    handler: (req) => countReconcile.reconcile(principalOf(req), req.params.id, req.body),
  });

  r.post('/api/serials/:id/mark-found', {
    config: { access: 'INV_MANAGE_SERIALS' },
    schema: {
      tags: ['Serials'],
      summary: 'A Missing serial found: back In Stock at the location it was found',
      params: idParams,
      body: markFoundBody,
      response: {
        200: z.object({
          id: z.number(),
          status: z.literal('in_stock'),
          locationId: z.number(),
          locationCode: z.string(),
        }),
        ...errorResponses,
      },
    },
    handler: (req) => countReconcile.markFound(principalOf(req), req.params.id, req.body),
  });
}
