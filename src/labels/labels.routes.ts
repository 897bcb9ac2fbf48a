import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../app.js';
import { errorResponses, idParams } from '../http/common.schemas.js';
import {
  labelQuery,
  labelSizesSchema,
  labelsBody,
  labelsPdfResponse,
  receiptRefParams,
} from './labels.schemas.js';
import type { LabelsPdf } from './labels.service.js';

function sendPdf(reply: FastifyReply, pdf: LabelsPdf) {
  return reply
    .type('application/pdf')
    .header('content-disposition', `inline; filename="${pdf.filename}"`)
    .header('x-label-count', String(pdf.count))
    .header('x-label-size', pdf.size)
    .header('cache-control', 'no-store')
    .send(pdf.document);
}

export function registerLabelsRoutes(app: FastifyInstance, { labels }: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Labels'];
  const response = { 200: labelsPdfResponse, ...errorResponses };

  r.get('/api/label-sizes', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'Label size presets and the default size',
      response: { 200: labelSizesSchema, ...errorResponses },
    },
    handler: () => labels.sizes(),
  });

  r.get('/api/serials/:id/labels', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'Label for one serial (PDF): Code 128 and QR code, serial, SKU, item name',
      params: idParams,
      querystring: labelQuery,
      response,
    },
    handler: async (req, reply) => sendPdf(reply, await labels.forSerials([req.params.id], req.query)),
  });

  // A POST only because a selection of thousands of ids does not fit a URL; it writes nothing.
  r.post('/api/labels', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'Labels for selected serials (PDF, one page per label, at most 5,000)',
      body: labelsBody,
      response,
    },
    handler: async (req, reply) => sendPdf(reply, await labels.forSerials(req.body.serialIds, req.body)),
  });

  r.get('/api/receipts/:ref/labels', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: 'Labels for the serials a purchase order receipt created (PDF)',
      params: receiptRefParams,
      querystring: labelQuery,
      response,
    },
    handler: async (req, reply) => sendPdf(reply, await labels.forReceipt(req.params.ref, req.query)),
  });
}
