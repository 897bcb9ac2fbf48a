import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../app.js';
import { errorResponses, idParams } from '../http/common.schemas.js';
import { customFieldFiltersOf, listSerialsQuery } from '../serials/serials.schemas.js';
import { isSerialStatus, SERIAL_STATUSES } from '../serials/serial-status.js';
import { invalid } from '../shared/errors.js';
import type { CsvExport } from './serial-export.service.js';

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
  const ascii = csv.fileName.replace(/[^\w.-]/g, '_');
  await reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header(
      'content-disposition',
      `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(csv.fileName)}`,
    )
    .header('cache-control', 'no-store')
    .send(Readable.from(csv.chunks));
}

/** CSV exports of serials, streamed page by page (keyset reads), never built in memory. */
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
    handler: async (req, reply) => {
      const { bom, status, locationId, q, warrantyExpiringWithinDays, sort, direction } = req.query;
      // `cf.<fieldId>=value` filters, as on the serials list; read from the raw query string, which keeps
      // keys the schema does not name.
      const raw = Object.fromEntries(new URLSearchParams(req.url.split('?')[1] ?? ''));
      const csv = await serialExport.itemCsv(
        req.params.id,
        {
          statuses: status,
          locationId,
          text: q,
          warrantyExpiringWithinDays,
          sort,
          direction,
          customFilters: customFieldFiltersOf(raw),
        },
        bom,
      );
      return sendCsv(reply, csv);
    },
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
    handler: async (req, reply) => {
      const bad = (req.query.status ?? []).filter((s) => !isSerialStatus(s));
      if (bad.length > 0) {
        throw invalid(
          'UNKNOWN_STATUS',
          `Unknown status: ${bad.join(', ')}. Use one of ${SERIAL_STATUSES.join(', ')}.`,
        );
      }
      return sendCsv(
        reply,
        serialExport.allCsv({ statuses: req.query.status, locationId: req.query.locationId }, req.query.bom),
      );
    },
  });
}
