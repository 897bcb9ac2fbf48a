import { Transform, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { invalid } from '../shared/errors.js';
import type { RowEvent } from './csv-reader.js';
import { unescapeFormula } from './import-columns.js';

export interface XlsxReadOptions {
  maxBytes: number;
  /** Called with the bytes read so far, for progress. */
  onBytes?: (bytes: number) => void;
}

/** Rows handed on per batch, as the CSV reader batches per chunk of text. */
const BATCH_ROWS = 500;

const notXlsx = (why: string) =>
  invalid(
    'NOT_XLSX',
    `The file is not a valid .xlsx workbook (${why}). Save it from your spreadsheet program as ` +
      '"Excel Workbook (.xlsx)", or as "CSV UTF-8", and import that file.',
  );

/** A cell as text, the way the import reads every cell; `numeric` when the workbook holds a number. */
export function cellText(value: ExcelJS.CellValue): { text: string; numeric: boolean } {
  if (value === null || value === undefined) return { text: '', numeric: false };
  if (typeof value === 'string') return { text: value, numeric: false };
  if (typeof value === 'number') return { text: String(value), numeric: true };
  if (typeof value === 'boolean') return { text: value ? 'true' : 'false', numeric: false };
  // A date cell: the import reads dates as YYYY-MM-DD (the workbook's dates carry no zone: read as UTC).
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return { text: '', numeric: false };
    const iso = value.toISOString();
    return { text: iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19), numeric: false };
  }
  if ('richText' in value) return { text: value.richText.map((r) => r.text).join(''), numeric: false };
  if ('error' in value) return { text: value.error, numeric: false };
  if ('formula' in value || 'sharedFormula' in value) {
    // A formula's value is its last computed result, as the spreadsheet shows it.
    return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
  }
  if ('hyperlink' in value) return { text: value.text, numeric: false };
  return { text: '', numeric: false };
}

/**
 * Reads an .xlsx workbook as the CSV reader reads a CSV, streaming (exceljs' WorkbookReader): the first
 * row of the first sheet is the header, every later non-empty row a record whose line is its row number.
 * A later sheet with the same header continues the data (the export starts one past Excel's row limit);
 * other sheets are left alone. Every cell is read as text; the record says which cells held numbers, as
 * a spreadsheet may have dropped a serial's leading zeros there.
 */
export async function* readXlsx(source: Readable, opts: XlsxReadOptions): AsyncGenerator<RowEvent[]> {
  let bytes = 0;
  let tooLarge = false;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, next) {
      bytes += chunk.length;
      if (bytes > opts.maxBytes) {
        // End the workbook here (an error would not reach exceljs' unzip): the reader then stops.
        if (!tooLarge) {
          tooLarge = true;
          source.unpipe(counter);
          counter.end();
        }
        next();
        return;
      }
      opts.onBytes?.(bytes);
      next(null, chunk);
    },
  });
  // A refused file must not destroy the upload: the route still reads its rest to answer cleanly.
  source.on('error', (err) => counter.destroy(err));
  source.pipe(counter);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(counter, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    // Styles tell a date cell from a number.
    styles: 'cache',
    entries: 'ignore',
  });

  let header: string[] | undefined;
  let sheets = 0;
  /** Lines of a later sheet follow the earlier sheets' rows, so every record has its own line. */
  let lineOffset = 0;
  try {
    for await (const sheet of reader) {
      sheets++;
      let continues = header === undefined;
      let sheetHeaderSeen = false;
      let lastRow = 0;
      let batch: RowEvent[] = [];
      for await (const row of sheet) {
        const cells: string[] = [];
        const numeric: number[] = [];
        const values = row.values as ExcelJS.CellValue[];
        let blank = true;
        for (let i = 1; i < values.length; i++) {
          const cell = cellText(values[i]);
          cells.push(cell.text);
          if (cell.numeric) numeric.push(i - 1);
          if (cell.text.trim() !== '') blank = false;
        }
        if (blank) continue;
        if (!sheetHeaderSeen) {
          sheetHeaderSeen = true;
          const names = cells.map((h) => unescapeFormula(h).trim());
          if (header === undefined) {
            header = names;
            batch.push({ kind: 'header', headers: header, delimiter: null });
          } else {
            continues = sameHeader(header, names);
          }
          continue;
        }
        if (!continues) continue;
        lastRow = row.number;
        batch.push({
          kind: 'record',
          line: lineOffset + row.number,
          cells,
          ...(numeric.length > 0 ? { numericCells: numeric } : {}),
        });
        if (batch.length >= BATCH_ROWS) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
      if (continues) lineOffset += lastRow;
    }
    if (tooLarge) throw new Error('too large');
  } catch (err) {
    if (tooLarge) {
      throw invalid(
        'FILE_TOO_LARGE',
        `The file is larger than ${Math.round(opts.maxBytes / 1024 / 1024)} MB. Split it into several imports.`,
      );
    }
    throw notXlsx(err instanceof Error ? err.message : String(err));
  } finally {
    source.unpipe(counter);
  }
  if (sheets === 0) {
    throw tooLarge
      ? invalid(
          'FILE_TOO_LARGE',
          `The file is larger than ${Math.round(opts.maxBytes / 1024 / 1024)} MB. Split it into several imports.`,
        )
      : notXlsx('it has no worksheet');
  }
  if (header === undefined) {
    throw invalid('EMPTY_FILE', 'The workbook is empty: its first sheet has no header row.');
  }
}

function sameHeader(a: readonly string[], b: readonly string[]): boolean {
  const trim = (h: readonly string[]) => {
    let n = h.length;
    while (n > 0 && h[n - 1] === '') n--;
    return h.slice(0, n);
  };
  const x = trim(a);
  const y = trim(b);
  return x.length === y.length && x.every((h, i) => h === y[i]);
}
