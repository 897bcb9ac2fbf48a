import type { Readable } from 'node:stream';
import { invalid } from '../shared/errors.js';
import { CsvTokenizer, type CsvToken } from './csv-tokenizer.js';
import { detectDelimiter, unescapeFormula } from './import-columns.js';

/** A row longer than this (characters) is a broken quote swallowing the file, or not a serial's data at all. */
export const MAX_RECORD_CHARS = 64 * 1024;
/** The header line must end within this many characters. */
const MAX_HEADER_CHARS = 64 * 1024;

/** What a file reader (CSV or XLSX) hands the import: the header, then records, in batches. */
export type RowEvent =
  | { kind: 'header'; headers: string[]; delimiter: ',' | ';' | null }
  | {
      kind: 'record';
      line: number;
      cells: string[];
      /** Positions of cells the workbook stored as numbers (XLSX only): they may have lost leading zeros. */
      numericCells?: number[];
    }
  | { kind: 'malformed'; line: number; message: string };

export interface CsvReadOptions {
  /** ',' or ';'; detected from the header line when absent. */
  delimiter?: ',' | ';' | undefined;
  maxBytes: number;
  /** Called with the bytes read so far, for progress. */
  onBytes?: (bytes: number) => void;
}

const notUtf8 = (offset: number) =>
  invalid(
    'NOT_UTF8',
    `The file is not UTF-8 text (invalid byte near byte ${offset}). In your spreadsheet program choose ` +
      `"CSV UTF-8" when saving, then import again.`,
  );

/**
 * Reads an RFC 4180 CSV as spreadsheets write it, streaming: UTF-8 with or without BOM (anything else is
 * refused, never guessed), comma or semicolon, quoted cells with commas, quotes and line breaks. Yields
 * the header first, then every record with the line it starts on, in batches; a record the parser cannot read
 * is yielded as `malformed` so the dry run lists it instead of the whole file failing.
 */
export async function* readCsv(source: Readable, opts: CsvReadOptions): AsyncGenerator<RowEvent[]> {
  const text = decodeUtf8(source, opts)[Symbol.asyncIterator]();
  // The delimiter is decided from the header line, so read up to its end first.
  let head = '';
  let nl = -1;
  while (nl < 0) {
    const next = await text.next();
    if (next.done) break;
    head += next.value;
    nl = head.search(/[\r\n]/);
    if (nl < 0 && head.length > MAX_HEADER_CHARS) {
      throw invalid('HEADER_TOO_LONG', 'The first line is not a header row: it has no end within 64 KB.');
    }
  }
  if (head.trim() === '') throw invalid('EMPTY_FILE', 'The file is empty: it has no header row.');
  const delimiter = opts.delimiter ?? detectDelimiter(nl < 0 ? head : head.slice(0, nl));

  const tokenizer = new CsvTokenizer(delimiter.charCodeAt(0), MAX_RECORD_CHARS);
  let headerDone = false;
  const toEvents = (tokens: CsvToken[]): RowEvent[] => {
    const events: RowEvent[] = [];
    for (const t of tokens) {
      if (!headerDone) {
        if ('error' in t) throw invalid('INVALID_CSV', `The header row cannot be read: ${t.error}`);
        headerDone = true;
        // Our export escapes header cells like data cells (a custom field may be named `=HYPERLINK(…)`).
        events.push({ kind: 'header', headers: t.cells.map((h) => unescapeFormula(h).trim()), delimiter });
      } else if ('error' in t) {
        events.push({ kind: 'malformed', line: t.line, message: t.error });
      } else {
        events.push({ kind: 'record', line: t.line, cells: t.cells });
      }
    }
    return events;
  };

  let tokens: CsvToken[] = [];
  tokenizer.push(head, tokens);
  for (;;) {
    // One batch per chunk of text read: one await per batch instead of one per row.
    if (tokens.length > 0) {
      yield toEvents(tokens);
      tokens = [];
    }
    const next = await text.next();
    if (next.done) break;
    tokenizer.push(next.value, tokens);
  }
  tokenizer.end(tokens);
  if (tokens.length > 0) yield toEvents(tokens);
  if (!headerDone) throw invalid('EMPTY_FILE', 'The file has no readable header row.');
}

/** The bytes as UTF-8 text, BOM dropped; refuses other encodings, NUL bytes and oversized files. */
async function* decodeUtf8(source: Readable, opts: CsvReadOptions): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  // A refused file must not destroy the upload: the route still reads its rest to answer cleanly.
  for await (const chunk of source.iterator({ destroyOnReturn: false })) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    if (
      bytes === 0 &&
      buf.length >= 2 &&
      ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))
    ) {
      throw invalid(
        'NOT_UTF8',
        'The file is UTF-16 text. In your spreadsheet program choose "CSV UTF-8" when saving, then import again.',
      );
    }
    let text: string;
    try {
      text = decoder.decode(buf, { stream: true });
    } catch {
      throw notUtf8(bytes);
    }
    bytes += buf.length;
    if (bytes > opts.maxBytes) {
      throw invalid(
        'FILE_TOO_LARGE',
        `The file is larger than ${Math.round(opts.maxBytes / 1024 / 1024)} MB. Split it into several imports.`,
      );
    }
    if (text.includes('\u0000')) {
      throw invalid('NOT_TEXT', 'The file contains NUL bytes: it is not a CSV text file.');
    }
    opts.onBytes?.(bytes);
    if (text) yield text;
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    throw notUtf8(bytes);
  }
  if (rest) yield rest;
}
