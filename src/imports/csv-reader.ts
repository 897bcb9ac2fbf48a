import { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { AppError, invalid } from '../shared/errors.js';
import { detectDelimiter } from './import-columns.js';

/** A cell longer than this is a broken quote swallowing the file, or not a serial's data at all. */
export const MAX_RECORD_BYTES = 64 * 1024;
/** The header line must end within this many characters. */
const MAX_HEADER_CHARS = 64 * 1024;
/** Records per batch handed to the caller. */
const BATCH = 1000;

export type CsvEvent =
  | { kind: 'header'; headers: string[]; delimiter: ',' | ';' }
  | { kind: 'record'; line: number; cells: string[] }
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
export async function* readCsv(source: Readable, opts: CsvReadOptions): AsyncGenerator<CsvEvent[]> {
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

  const parser = parse({
    delimiter,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  const skipped: Extract<CsvEvent, { kind: 'malformed' }>[] = [];
  parser.on('skip', (err: CsvError & { lines?: number }) => {
    skipped.push({ kind: 'malformed', line: err.lines ?? 0, message: describeCsvError(err) });
  });
  const input = Readable.from(
    (async function* () {
      yield head;
      for (;;) {
        const next = await text.next();
        if (next.done) return;
        yield next.value;
      }
    })(),
    { objectMode: false },
  );
  input.once('error', (err) => parser.destroy(err));
  input.pipe(parser);

  type ParsedRecord = { record: string[]; info: { lines: number } };
  /** The records the parser has ready, at most `max`; waits when none are; null at the end. */
  const nextRecords = async (max: number): Promise<ParsedRecord[] | null> => {
    for (;;) {
      if (parser.errored) throw parser.errored;
      const batch: ParsedRecord[] = [];
      let item: ParsedRecord | null;
      while (batch.length < max && (item = parser.read() as ParsedRecord | null) !== null) batch.push(item);
      if (batch.length > 0) return batch;
      if (parser.readableEnded) return null;
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          cleanup();
          resolve();
        };
        const fail = (err: Error) => {
          cleanup();
          reject(err);
        };
        const cleanup = () => {
          parser.off('readable', done);
          parser.off('end', done);
          parser.off('error', fail);
        };
        parser.on('readable', done);
        parser.on('end', done);
        parser.on('error', fail);
      });
    }
  };

  let headerDone = false;
  try {
    // Records are handed on in batches: one await per batch instead of one per row.
    for (let records = await nextRecords(BATCH); records; records = await nextRecords(BATCH)) {
      const events: CsvEvent[] = [];
      for (const item of records) {
        // info.lines is the line a record ends on; a quoted cell may span several.
        let newlines = 0;
        for (const cell of item.record) {
          for (let at = cell.indexOf('\n'); at >= 0; at = cell.indexOf('\n', at + 1)) newlines++;
        }
        const line = item.info.lines - newlines;
        while (skipped.length > 0 && skipped[0]!.line < line) events.push(skipped.shift()!);
        if (!headerDone) {
          headerDone = true;
          events.push({ kind: 'header', headers: item.record.map((h) => h.trim()), delimiter });
        } else {
          events.push({ kind: 'record', line, cells: item.record });
        }
      }
      yield events;
    }
    if (!headerDone) throw invalid('EMPTY_FILE', 'The file has no readable header row.');
    if (skipped.length > 0) yield skipped.splice(0);
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (isCsvError(err)) throw invalid('INVALID_CSV', describeCsvError(err));
    throw err;
  } finally {
    input.destroy();
    parser.destroy();
  }
}

/** The bytes as UTF-8 text, BOM dropped; refuses other encodings, NUL bytes and oversized files. */
async function* decodeUtf8(source: Readable, opts: CsvReadOptions): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  for await (const chunk of source) {
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

function isCsvError(err: unknown): err is CsvError {
  return (
    err instanceof Error && typeof (err as { code?: unknown }).code === 'string' && err.name === 'CsvError'
  );
}

function describeCsvError(err: CsvError): string {
  switch (err.code) {
    case 'CSV_MAX_RECORD_SIZE':
      return `The row is longer than ${MAX_RECORD_BYTES / 1024} KB; a quote is probably not closed.`;
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'A quoted cell is not closed: add the missing double quote (").';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'A quoted cell continues after its closing quote; write "" for a quote inside a quoted cell.';
    default:
      return `The row is not valid CSV: ${err.message.replace(/\s+at line \d+.*$/, '')}`;
  }
}
