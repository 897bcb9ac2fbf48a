import type { Db } from '../db/database.js';
import { readSettings } from '../settings/settings.service.js';
import { MAX_SQL_INT } from '../shared/sql.js';
import { AppError, invalid, notFound } from '../shared/errors.js';
import { LABEL_SIZE_HINT, LABEL_SIZE_PRESETS, parseLabelSize, type LabelSize } from './label-sizes.js';
import { labelsRepository, type LabelRow } from './labels.repository.js';

/**
 * At most this many labels per request. Encoding a QR code costs bwip-js a few milliseconds, so 5,000
 * labels are half a minute of work: beyond that, print in parts (a receipt that large is rare).
 */
export const MAX_LABELS_PER_REQUEST = 5000;

export interface LabelOptions {
  size?: string | undefined;
  copies?: number | undefined;
}

export interface LabelsPdf {
  document: NodeJS.ReadableStream;
  filename: string;
  count: number;
  size: string;
}

/** `count` labels asked for; `atLeast` when only a lower bound is known (the query stopped counting). */
const tooMany = (count: number, atLeast = false) =>
  invalid(
    'TOO_MANY_LABELS',
    `That is ${atLeast ? 'more than ' : ''}${(atLeast ? MAX_LABELS_PER_REQUEST : count).toLocaleString('en-US')} labels; print at most ${MAX_LABELS_PER_REQUEST.toLocaleString('en-US')} at a time (select fewer serials or fewer copies).`,
  );

/** Letters, digits, dot, dash and underscore only: a file name safe in any Content-Disposition header. */
const fileSafe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);

export function createLabelsService(db: Db) {
  async function sizeFor(requested: string | undefined): Promise<LabelSize> {
    const size = parseLabelSize(requested ?? (await readSettings(db)).labelSize);
    if (!size) {
      throw invalid('BAD_LABEL_SIZE', `"${requested}" is not a label size. ${LABEL_SIZE_HINT}`, [
        { field: 'size', code: 'bad_size', message: LABEL_SIZE_HINT },
      ]);
    }
    return size;
  }

  async function pdfOf(rows: LabelRow[], size: LabelSize, copies: number, name: string): Promise<LabelsPdf> {
    // pdfkit and bwip-js cost a server about 35 MB of memory when loaded; most servers print labels
    // rarely or never, so they are loaded by the first label printed, not at start-up.
    const { createLabelsPdf } = await import('./label-pdf.js');
    const labels = rows.flatMap((r) =>
      Array.from({ length: copies }, () => ({
        serialNumber: r.serial_number,
        sku: r.sku,
        itemName: r.item_name,
      })),
    );
    return {
      document: createLabelsPdf(size, labels, { title: `Labels ${name}` }),
      filename: `labels-${fileSafe(name)}-${size.id}.pdf`,
      count: labels.length,
      size: size.id,
    };
  }

  return {
    /** The preset sizes and the default the settings name, for a size picker. */
    async sizes() {
      return { presets: [...LABEL_SIZE_PRESETS], defaultSize: (await readSettings(db)).labelSize };
    },

    /** Labels for serials in the order given (a repeated id prints once); every id must exist. */
    async forSerials(serialIds: readonly number[], options: LabelOptions = {}): Promise<LabelsPdf> {
      const copies = options.copies ?? 1;
      const ids = [...new Set(serialIds)];
      if (ids.length === 0) {
        throw invalid('NO_SERIALS', 'Select at least one serial to print labels for.', [
          { field: 'serialIds', code: 'empty', message: 'Select at least one serial.' },
        ]);
      }
      if (ids.length * copies > MAX_LABELS_PER_REQUEST) throw tooMany(ids.length * copies);
      const size = await sizeFor(options.size);
      const byId = new Map((await labelsRepository.serialsByIds(db, ids)).map((r) => [r.id, r]));
      const missing = ids.filter((id) => !byId.has(id));
      if (missing.length > 0) {
        throw new AppError(
          'not_found',
          'NOT_FOUND',
          `Serial${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? '…' : ''} not found; nothing was printed. Reload the list and select again.`,
          missing
            .slice(0, 100)
            .map((id) => ({ field: `serialIds`, code: 'not_found', message: `No serial ${id}` })),
        );
      }
      const rows = ids.map((id) => byId.get(id)!);
      const name = rows.length === 1 ? rows[0]!.serial_number : `${rows.length}-serials`;
      return pdfOf(rows, size, copies, name);
    },

    /** Labels for every serial a purchase order receipt created; `ref` is its id or its number (RC-12). */
    async forReceipt(ref: string, options: LabelOptions = {}): Promise<LabelsPdf> {
      const copies = options.copies ?? 1;
      const size = await sizeFor(options.size);
      const receipt = await labelsRepository.findReceipt(
        db,
        /^\d{1,10}$/.test(ref) && Number(ref) <= MAX_SQL_INT ? { id: Number(ref) } : { number: ref.trim() },
      );
      if (!receipt) throw notFound('Receipt', ref);
      const rows = await labelsRepository.receiptSerials(db, receipt.id, MAX_LABELS_PER_REQUEST + 1);
      if (rows.length === 0) {
        throw invalid(
          'NO_SERIALS',
          `Receipt ${receipt.number} received no serialized units, so it has no serial labels.`,
        );
      }
      if (rows.length > MAX_LABELS_PER_REQUEST) throw tooMany(rows.length, true);
      if (rows.length * copies > MAX_LABELS_PER_REQUEST) throw tooMany(rows.length * copies);
      return pdfOf(rows, size, copies, receipt.number);
    },
  };
}

export type LabelsService = ReturnType<typeof createLabelsService>;
