import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { RowEvent } from './csv-reader.js';
import { cellText, readXlsx } from './xlsx-reader.js';

async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function read(bytes: Buffer, maxBytes = 10_000_000): Promise<RowEvent[]> {
  const out: RowEvent[] = [];
  for await (const batch of readXlsx(Readable.from([bytes]), { maxBytes })) out.push(...batch);
  return out;
}

describe('readXlsx', () => {
  it('reads the header and records as text, says which cells were numbers, skips blank rows', async () => {
    const bytes = await workbook((wb) => {
      const s = wb.addWorksheet('Mine');
      s.addRow(['SKU', '\'=HYPERLINK("x")', 'Serial Number', 'Date Received']);
      s.addRow(['00042', 'a', '000123', '2025-12-01']);
      s.addRow([]);
      s.addRow([42, 'b', 123, new Date(Date.UTC(2025, 11, 2))]);
      s.getCell('D4').numFmt = 'yyyy-mm-dd';
    });
    expect(await read(bytes)).toEqual([
      {
        kind: 'header',
        headers: ['SKU', '=HYPERLINK("x")', 'Serial Number', 'Date Received'],
        delimiter: null,
      },
      { kind: 'record', line: 2, cells: ['00042', 'a', '000123', '2025-12-01'] },
      { kind: 'record', line: 4, cells: ['42', 'b', '123', '2025-12-02'], numericCells: [0, 2] },
    ]);
  });

  it('reads a later sheet with the same header as more rows, numbered on, and ignores other sheets', async () => {
    const bytes = await workbook((wb) => {
      wb.addWorksheet('Serials').addRows([['Serial Number'], ['A'], ['B']]);
      wb.addWorksheet('Notes').addRows([['Anything'], ['else']]);
      wb.addWorksheet('Serials (2)').addRows([['Serial Number'], ['C']]);
    });
    const records = (await read(bytes)).filter((e) => e.kind === 'record');
    expect(records).toEqual([
      { kind: 'record', line: 2, cells: ['A'] },
      { kind: 'record', line: 3, cells: ['B'] },
      { kind: 'record', line: 5, cells: ['C'] },
    ]);
  });

  it('refuses what is not a workbook, an empty one and one over the size limit, saying what to do', async () => {
    await expect(read(Buffer.from('SKU,Serial Number\r\nA,1\r\n'))).rejects.toThrow(
      /not a valid \.xlsx workbook.*Excel Workbook/s,
    );
    await expect(read(Buffer.from('SKU,Serial Number\r\nA,1\r\n'))).rejects.toMatchObject({
      code: 'NOT_XLSX',
    });
    const empty = await workbook((wb) => wb.addWorksheet('Empty'));
    await expect(read(empty)).rejects.toMatchObject({ code: 'EMPTY_FILE' });
    const big = await workbook((wb) => {
      const s = wb.addWorksheet('Serials');
      for (let i = 0; i < 2000; i++) s.addRow([`SN-${i}-${'x'.repeat(20)}`]);
    });
    await expect(read(big, 1000)).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
    await expect(read(big, 1000)).rejects.toThrow('Split it');
  });

  it('takes a formula cell as its result and rich text as its text', () => {
    expect(cellText({ formula: 'A1*2', result: 4 })).toEqual({ text: '4', numeric: true });
    expect(cellText({ richText: [{ text: 'SN-' }, { text: '1' }] })).toEqual({
      text: 'SN-1',
      numeric: false,
    });
    expect(cellText(true)).toEqual({ text: 'true', numeric: false });
  });
});
