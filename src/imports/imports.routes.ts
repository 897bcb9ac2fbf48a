import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../app.js';
import { errorResponses } from '../http/common.schemas.js';
import { principalOf } from '../http/auth-hooks.js';
import { invalid } from '../shared/errors.js';
import { bomQuery, sendCsv } from '../serial-export/serial-export.routes.js';
import { XLSX_TYPE } from '../serial-export/serial-xlsx.js';
import type { ImportFormat } from './import-staging.js';
import {
  createImportBody,
  importErrorSchema,
  importErrorsQuery,
  importIdParams,
  importViewSchema,
  inspectQuery,
  inspectResultSchema,
} from './imports.schemas.js';

/** CSV content types browsers and spreadsheet programs send for a .csv file. */
const CSV_TYPES = ['text/csv', 'application/csv'];
/** Sent for either kind of file (Windows sends vnd.ms-excel for a .csv): the import's file name decides. */
const ANY_TYPES = ['application/vnd.ms-excel', 'application/octet-stream'];
const FILE_TYPES = [...CSV_TYPES, XLSX_TYPE, ...ANY_TYPES];

/** The format an upload's content type names; undefined when only the file name can tell. */
function formatOf(contentType: string | undefined): ImportFormat | undefined | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (CSV_TYPES.includes(type)) return 'csv';
  if (type === XLSX_TYPE) return 'xlsx';
  return ANY_TYPES.includes(type) ? undefined : null;
}
/** The inspect endpoint reads only a header: the client sends the first kilobytes of the file. */
const INSPECT_LIMIT = 256 * 1024;

/**
 * Imports of serials from CSV or XLSX. The file is streamed: the route hands the raw request to the service,
 * which parses and stages it batch by batch, so a million-row file never sits in memory.
 */
export async function registerImportsRoutes(app: FastifyInstance, { imports }: Services): Promise<void> {
  await app.register((scope, _opts, done) => {
    // Leave the body unread: the CSV is consumed from request.raw as a stream (body stays undefined, so
    // the JSON-walking hooks skip it).
    scope.addContentTypeParser(FILE_TYPES, (_req, _payload, next) => next(null));
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const tags = ['Imports'];

    r.post('/api/imports/inspect', {
      config: { access: 'INV_MANAGE_SERIALS' },
      schema: {
        tags,
        summary:
          "Read a file's header (a CSV's first kilobytes, or a whole .xlsx) and propose the column mapping",
        description: `text/csv, or ${XLSX_TYPE} for a workbook (its header may be stored at its end).`,
        querystring: inspectQuery,
        response: { 200: inspectResultSchema, ...errorResponses },
      },
      handler: async (req) => {
        const format = formatOf(req.headers['content-type']);
        if (format === 'xlsx') return imports.inspect(req.raw, req.query.itemId, 'xlsx');
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of req.raw) {
          const buf = chunk as Buffer;
          size += buf.length;
          if (size > INSPECT_LIMIT) break;
          chunks.push(buf);
        }
        if (size === 0) throw invalid('EMPTY_FILE', 'The file is empty: it has no header row.');
        return imports.inspect(Buffer.concat(chunks), req.query.itemId);
      },
    });

    r.post('/api/imports', {
      config: { access: 'INV_MANAGE_SERIALS' },
      schema: {
        tags,
        summary: 'Open an import (Import #N) for one item or for the SKUs in the file; then PUT its file',
        body: createImportBody,
        response: { 201: importViewSchema, ...errorResponses },
      },
      handler: async (req, reply) => reply.status(201).send(await imports.create(principalOf(req), req.body)),
    });

    r.put('/api/imports/:id/file', {
      config: { access: 'INV_MANAGE_SERIALS' },
      schema: {
        tags,
        summary:
          'Upload the file (streamed, CSV or XLSX): parse, validate and stage it; answers with the dry-run report',
        description:
          `text/csv (UTF-8 with or without BOM, comma or semicolon) or ${XLSX_TYPE} (the first sheet). ` +
          'Poll GET /api/imports/:id meanwhile for progress.',
        params: importIdParams,
        response: { 200: importViewSchema, ...errorResponses },
      },
      handler: async (req) => {
        const format = formatOf(req.headers['content-type']);
        if (format === null) {
          req.raw.resume();
          throw invalid(
            'UNSUPPORTED_MEDIA_TYPE',
            `Send the file as text/csv, or a workbook as ${XLSX_TYPE}.`,
          );
        }
        return imports.upload(req.params.id, req.raw, format);
      },
    });

    // An import's report and errors carry the file's cell values: like the errors CSV, they are for those
    // who may import (INV_MANAGE_SERIALS).
    r.get('/api/imports/:id', {
      config: { access: 'INV_MANAGE_SERIALS' },
      schema: {
        tags,
        summary: "An import's status, progress (rows parsed) and dry-run report",
        params: importIdParams,
        response: { 200: importViewSchema, ...errorResponses },
      },
      handler: (req) => imports.get(req.params.id),
    });

    r.get('/api/imports/:id/errors', {
      config: { access: 'INV_MANAGE_SERIALS' },
      schema: {
        tags,
        summary: "Page through a dry run's errors by line",
        params: importIdParams,
        querystring: importErrorsQuery,
        response: { 200: z.object({ errors: z.array(importErrorSchema) }), ...errorResponses },
      },
      handler: (req) => imports.errors(req.params.id, req.query.afterLine, req.query.limit),
    });

    r.get('/api/imports/:id/errors.csv', {
      config: { access: 'INV_MANAGE_SERIALS' },
      schema: {
        tags,
        summary: "Every error of a dry run as CSV (line, column, code, problem, the cell's value)",
        params: importIdParams,
        querystring: z.object({ bom: bomQuery }),
        produces: ['text/csv'],
        response: errorResponses,
      },
      handler: async (req, reply) => sendCsv(reply, await imports.errorsCsv(req.params.id, req.query.bom)),
    });

    r.post('/api/imports/:id/commit', {
      config: { access: 'INV_MANAGE_SERIALS' },
      schema: {
        tags,
        summary: 'Create the serials of a clean dry run: one transaction, all or nothing',
        params: importIdParams,
        response: { 200: importViewSchema, ...errorResponses },
      },
      handler: (req) => imports.commit(principalOf(req), req.params.id),
    });

    r.post('/api/imports/:id/cancel', {
      config: { access: 'INV_MANAGE_SERIALS' },
      schema: {
        tags,
        summary: 'Cancel an import before commit; nothing is imported',
        params: importIdParams,
        response: { 200: importViewSchema, ...errorResponses },
      },
      handler: (req) => imports.cancel(req.params.id),
    });
    done();
  });
}
