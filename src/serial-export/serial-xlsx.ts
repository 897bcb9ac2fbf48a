import { EventEmitter, once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Excel's and LibreOffice's row limit per sheet: past it the export goes on in a sheet "Serials (2)". */
export const MAX_SHEET_ROWS = 1_048_576;

/** The number format that makes a cell Text: Excel and LibreOffice never turn `000123` into `123`. */
const TEXT = '@';

/**
 * Streams a table (first page = the header row) into an .xlsx workbook in which every cell is a string
 * cell formatted as Text: values such as `000123`, `12345678901234567890`, `1E5`, `3/4` or `=SUM(A1)` stay
 * exactly as written (a string cell is never a number, date or formula, so nothing needs escaping).
 * Pages are written as the reader asks for them: memory stays flat for a million serials.
 */
export function streamXlsx(
  pages: AsyncIterable<string[][]> | Iterable<string[][]>,
  sheetRows = MAX_SHEET_ROWS,
): Readable {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const write = async () => {
    let header: string[] | undefined;
    let sheet: ExcelJS.Worksheet | undefined;
    let sheetNumber = 0;
    let rowsInSheet = 0;
    const newSheet = (columns: readonly string[]) => {
      sheet?.commit();
      sheetNumber++;
      sheet = workbook.addWorksheet(sheetNumber === 1 ? 'Serials' : `Serials (${sheetNumber})`, {
        views: [{ state: 'frozen', ySplit: 1 }],
      });
      // Column styles make cells typed later in the spreadsheet Text as well.
      sheet.columns = columns.map((name) => ({
        key: name,
        width: Math.min(40, Math.max(12, name.length + 2)),
        style: { numFmt: TEXT },
      }));
      addRow(sheet, columns);
      rowsInSheet = 1;
    };
    for await (const page of pages) {
      if (out.destroyed) return;
      for (const row of page) {
        if (!header) {
          header = row;
          newSheet(header);
          continue;
        }
        if (rowsInSheet >= sheetRows) newSheet(header);
        addRow(sheet!, row);
        rowsInSheet++;
      }
      // Backpressure. exceljs hands the sheet's XML to the zip without waiting for it (measured: 28 MB
      // more per 100,000 rows), so wait until the zip's compressor has taken it, then until the client
      // has read what the zip holds: memory stays at a page or so.
      for (const pipe of congestedPipes(sheet)) await once(pipe, 'drain');
      if (out.writableNeedDrain) await once(out, 'drain');
    }
    if (!header) newSheet([]);
    sheet?.commit();
    await workbook.commit();
  };
  write().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}

/** A writable of exceljs' own stream library (readable-stream), as far as backpressure needs it. */
interface ZipEntryStream extends EventEmitter {
  _writableState?: { needDrain?: boolean };
}

/**
 * The zip-entry streams exceljs' streaming worksheet writes its XML into, from its internal StreamBuf,
 * that are waiting for a 'drain'; none before the sheet's first commit, or if exceljs changes its internals.
 */
function congestedPipes(sheet: ExcelJS.Worksheet | undefined): ZipEntryStream[] {
  const internal = sheet as unknown as { stream?: { pipes?: unknown } } | undefined;
  const pipes = internal?.stream?.pipes;
  if (!Array.isArray(pipes)) return [];
  return pipes.filter(
    (p): p is ZipEntryStream =>
      p instanceof EventEmitter && (p as ZipEntryStream)._writableState?.needDrain === true,
  );
}

function addRow(sheet: ExcelJS.Worksheet, values: readonly string[]): void {
  const row = sheet.addRow([...values]);
  row.eachCell({ includeEmpty: true }, (cell) => {
    cell.numFmt = TEXT;
  });
  row.commit();
}
