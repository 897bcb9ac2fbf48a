import { buffer } from 'node:stream/consumers';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { streamXlsx } from './serial-xlsx.js';

/** Values spreadsheets rewrite or run when a cell is not text. */
const TRICKY = [
  '000123',
  '12345678901234567890',
  '12.50',
  '1E5',
  '+1',
  '3/4',
  '=HYPERLINK("http://x","click")',
  '@SUM(1+1)',
  '-2+3',
  '+cmd',
  '2025-12-01',
  'TRUE',
];

function* pagesOf(rows: string[][], pageSize = 2): Generator<string[][]> {
  for (let i = 0; i < rows.length; i += pageSize) yield rows.slice(i, i + pageSize);
}

async function workbookOf(bytes: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

it('writes every cell as a Text string cell, so nothing becomes a number, date or formula', async () => {
  const rows = [
    ['SKU', 'Serial Number', '=HYPERLINK("http://x","click")'],
    ...TRICKY.map((v) => ['00042', v, v]),
  ];
  const bytes = await buffer(streamXlsx(pagesOf(rows)));
  const wb = await workbookOf(bytes);
  const sheet = wb.getWorksheet('Serials')!;
  expect(sheet.rowCount).toBe(rows.length);
  rows.forEach((row, r) => {
    row.forEach((value, c) => {
      const cell = sheet.getCell(r + 1, c + 1);
      expect(cell.type, `${r + 1}:${c + 1}`).toBe(ExcelJS.ValueType.String);
      expect(cell.value).toBe(value);
      expect(cell.numFmt).toBe('@');
    });
  });
  // No formula element anywhere in the sheet's XML.
  const JSZip = (await import('jszip')).default;
  const zip = await JSZip.loadAsync(bytes);
  const xml = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
  expect(xml).not.toMatch(/<f[ >]/);
});

it("goes on in a new sheet with the header repeated past a sheet's row limit", async () => {
  const rows = [['Serial Number'], ...Array.from({ length: 5 }, (_, i) => [`SN-${i}`])];
  const wb = await workbookOf(await buffer(streamXlsx(pagesOf(rows), 3)));
  expect(wb.worksheets.map((s) => s.name)).toEqual(['Serials', 'Serials (2)', 'Serials (3)']);
  expect(wb.getWorksheet('Serials (2)')!.getSheetValues().slice(1)).toEqual([
    [undefined, 'Serial Number'],
    [undefined, 'SN-2'],
    [undefined, 'SN-3'],
  ]);
});

it('fails the stream when the rows cannot be read, instead of ending a truncated workbook quietly', async () => {
  function* broken(): Generator<string[][]> {
    yield [['Serial Number']];
    throw new Error('database gone');
  }
  await expect(buffer(streamXlsx(broken()))).rejects.toThrow('database gone');
});
