import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../app.js';
import { errorResponses, idParams } from '../http/common.schemas.js';
import { customFieldFiltersOf, listSerialsQuery } from '../serials/serials.schemas.js';
import { isSerialStatus, SERIAL_STATUSES } from '../serials/serial-status.js';
import { invalid } from '../shared/errors.js';
import type { CsvExport, ExportFilters, XlsxExport } from './serial-export.service.js';
import { XLSX_TYPE } from './serial-xlsx.js';

export const bomQuery = z
  .enum(['0', '1', 'true', 'false'])
  .default('0')
  .transform((v) => v === '1' || v === 'true')
  .describe('Start with a UTF-8 byte order mark, so spreadsheet programs read the accents right');

const itemExportQuery = listSerialsQuery
  .pick({
    status: true,
    locationId: true,
    q: true,
    warrantyExpiringWithinDays: true,
    sort: true,
    direction: true,
  })
  .extend({ bom: bomQuery });

const allExportQuery = listSerialsQuery.pick({ status: true, locationId: true }).extend({ bom: bomQuery });

/** Sends a streamed CSV as a download (also used by the import's errors CSV). */
export async function sendCsv(reply: FastifyReply, csv: CsvExport): Promise<void> {
  await reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', attachment(csv.fileName))
    .header('cache-control', 'no-store')
    .send(Readable.from(csv.chunks));
}

/** Sends a streamed workbook as a download. */
async function sendXlsx(reply: FastifyReply, xlsx: XlsxExport): Promise<void> {
  await reply
    .header('content-type', XLSX_TYPE)
    .header('content-disposition', attachment(xlsx.fileName))
    .header('cache-control', 'no-store')
    .send(xlsx.stream);
}

function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\w.-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

type ItemExportQuery = z.infer<typeof itemExportQuery>;

/** The Serials list's filters of an item export, `cf.<fieldId>=value` ones included. */
function itemFilters(query: ItemExportQuery, url: string): ExportFilters {
  const { status, locationId, q, warrantyExpiringWithinDays, sort, direction } = query;
  // `cf.<fieldId>=value` filters, as on the serials list; read from the raw query string, which keeps
  // keys the schema does not name.
  const raw = Object.fromEntries(new URLSearchParams(url.split('?')[1] ?? ''));
  return {
    statuses: status,
    locationId,
    text: q,
    warrantyExpiringWithinDays,
    sort,
    direction,
    customFilters: customFieldFiltersOf(raw),
  };
}

function allFilters(query: z.infer<typeof allExportQuery>) {
  const bad = (query.status ?? []).filter((s) => !isSerialStatus(s));
  if (bad.length > 0) {
    throw invalid(
      'UNKNOWN_STATUS',
      `Unknown status: ${bad.join(', ')}. Use one of ${SERIAL_STATUSES.join(', ')}.`,
    );
  }
  return { statuses: query.status, locationId: query.locationId };
}

/**
 * CSV and XLSX exports of serials, streamed page by page (keyset reads), never built in memory. Both have
 * the same columns and filters; the XLSX writes every cell as text, so a spreadsheet changes nothing.
 */
export function registerSerialExportRoutes(app: FastifyInstance, { serialExport }: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Serials'];

  r.get('/api/items/:id/serials.csv', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary:
        "An item's serials as CSV, with the Serials tab's filters and sort (every column, custom fields too)",
      params: idParams,
      querystring: itemExportQuery,
      produces: ['text/csv'],
      response: errorResponses,
    },
    handler: async (req, reply) =>
      sendCsv(
        reply,
        await serialExport.itemCsv(req.params.id, itemFilters(req.query, req.url), req.query.bom),
      ),
  });

  r.get('/api/items/:id/serials.xlsx', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary:
        "An item's serials as an Excel workbook (every cell text), with the same filters and columns as the CSV",
      params: idParams,
      querystring: itemExportQuery.omit({ bom: true }),
      produces: [XLSX_TYPE],
      response: errorResponses,
    },
    handler: async (req, reply) =>
      sendXlsx(
        reply,
        await serialExport.itemXlsx(req.params.id, itemFilters({ ...req.query, bom: false }, req.url)),
      ),
  });

  r.get('/api/serials.csv', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: "Every item's serials as CSV, in SKU-item then serial-number order",
      querystring: allExportQuery,
      produces: ['text/csv'],
      response: errorResponses,
    },
    handler: async (req, reply) => sendCsv(reply, serialExport.allCsv(allFilters(req.query), req.query.bom)),
  });

  r.get('/api/serials.xlsx', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: "Every item's serials as an Excel workbook (every cell text), the same rows as the CSV",
      querystring: allExportQuery.omit({ bom: true }),
      produces: [XLSX_TYPE],
      response: errorResponses,
    },
    handler: async (req, reply) =>
      sendXlsx(reply, serialExport.allXlsx(allFilters({ ...req.query, bom: false }))),
  });
}
