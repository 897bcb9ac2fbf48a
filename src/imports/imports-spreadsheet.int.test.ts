import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { serialData, sofficeAvailable, sofficeConvert } from '../../test/support/spreadsheets.js';
import { createTestApp, makeItem, makeLocation, type TestApp } from '../../test/support/test-app.js';
import { XLSX_TYPE } from '../serial-export/serial-xlsx.js';
import { toEscapedCsvLines } from '../serial-export/serial-csv.js';

/** Serials a spreadsheet rewrites when it reads them as numbers, dates or formulas. */
const TRICKY = ['000123', '12345678901234567890', '12.50', '1E5', '+1', '3/4', '=SUM(1+1)', '-2+3', '@S-1'];
/** Custom fields named like formulas: their header cells must be escaped in CSV. */
const FORMULA_FIELDS = ['=HYPERLINK("http://x","click")', '@SUM(1+1)', '+cmd', '-2+3'];

interface ImportJson {
  id: number;
  status: string;
  message: string | null;
  report: {
    rows: number;
    rowsWithErrors: number;
    errors: { line: number; column: string; code: string; message: string; value: string | null }[];
  } | null;
}

/** Locations `007` and R1-1A, SKU `00042` (with the formula-named custom fields) and ALT-100. */
async function setUpCatalogue(t: TestApp) {
  const loc007 = await makeLocation(t.admin, '007');
  const r1 = await makeLocation(t.admin, 'R1-1A');
  const pt = await t.admin.post('/api/part-types', { name: 'Tricky' });
  expect(pt.statusCode, pt.body).toBe(201);
  const partTypeId = pt.json<{ id: number }>().id;
  for (const name of FORMULA_FIELDS) {
    const res = await t.admin.post(`/api/part-types/${partTypeId}/custom-fields`, { name, type: 'text' });
    expect(res.statusCode, res.body).toBe(201);
  }
  const tricky = await makeItem(t.admin, '00042', { primaryLocationId: loc007, partTypeId });
  const alt = await makeItem(t.admin, 'ALT-100', { primaryLocationId: r1 });
  return { tricky, alt, loc007, r1 };
}

describeEachDialect('spreadsheet import and export', (dialect) => {
  let source: TestApp;
  let target: TestApp;
  let token: string;
  let ids: Awaited<ReturnType<typeof setUpCatalogue>>;

  const upload = (t: TestApp, id: number, body: Buffer | string, type: string) =>
    t.app.inject({
      method: 'PUT',
      url: `/api/imports/${id}/file`,
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      payload: body,
    });

  /** A dry run on the target database (nothing of the source's is there yet). */
  async function dryRun(body: Buffer | string, fileName: string, type: string, itemId?: number) {
    const open = await target.admin.post('/api/imports', { fileName, ...(itemId ? { itemId } : {}) });
    expect(open.statusCode, open.body).toBe(201);
    const imp = open.json<{ id: number }>();
    const res = await upload(target, imp.id, body, type);
    return { id: imp.id, res };
  }

  /**
   * Imports a file into a fresh database with the same catalogue and commits it; answers that database's
   * serial data. `target` only ever holds dry runs, so its checks never see serials of an earlier test.
   */
  async function commitIntoFresh(body: Buffer, fileName: string, type: string) {
    const fresh = await createTestApp(dialect);
    try {
      await setUpCatalogue(fresh);
      const freshToken = (await fresh.services.auth.createTokenForUsername('admin', 'fresh')).token;
      const imp = (await fresh.admin.post('/api/imports', { fileName })).json<{ id: number }>();
      const res = await fresh.app.inject({
        method: 'PUT',
        url: `/api/imports/${imp.id}/file`,
        headers: { authorization: `Bearer ${freshToken}`, 'content-type': type },
        payload: body,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<ImportJson>().report).toMatchObject({ rows: TRICKY.length + 1, rowsWithErrors: 0 });
      const commit = await fresh.admin.post(`/api/imports/${imp.id}/commit`);
      expect(commit.json()).toMatchObject({ status: 'committed', serialsCreated: TRICKY.length + 1 });
      return await serialData(fresh);
    } finally {
      await fresh.close();
    }
  }

  const codesOf = (view: ImportJson) =>
    [...new Set(view.report!.errors.map((e) => `${e.column}:${e.code}`))].sort();

  beforeAll(async () => {
    [source, target] = await Promise.all([createTestApp(dialect), createTestApp(dialect)]);
    ids = await setUpCatalogue(source);
    await setUpCatalogue(target);
    token = (await target.services.auth.createTokenForUsername('admin', 'spreadsheets')).token;

    // The source's serials, through the product's own import, with every awkward value.
    const seed = toEscapedCsvLines([
      ['SKU', 'Serial Number', 'Location', 'Status', 'Condition Notes', ...FORMULA_FIELDS],
      ...TRICKY.map((serial, i) => [
        '00042',
        serial,
        '007',
        i % 2 === 0 ? 'In Stock' : 'Damaged',
        i === 0 ? 'Boxed, "mint"\nsecond line' : `=A${i}`,
        '=1+1',
        '0042',
        '+1',
        '1E5',
      ]),
      ['ALT-100', 'A-001', 'R1-1A', '', 'Ünïcödé ✓', '', '', '', ''],
    ]);
    const imp = await source.services.imports.create({ userId: source.admin.userId } as never, {
      fileName: 'seed.csv',
    });
    const dry = await source.services.imports.upload(imp.id, Readable.from([Buffer.from(seed)]));
    expect(dry.report?.errors).toEqual([]);
    await source.services.imports.commit({ userId: source.admin.userId } as never, imp.id);
  });
  afterAll(async () => {
    await source?.close();
    await target?.close();
  });

  it('exports XLSX with the CSV export’s rows, columns and filters, every cell a text string', async () => {
    const res = await source.admin.get(`/api/items/${ids.tricky}/serials.xlsx?status=damaged`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX_TYPE);
    expect(res.headers['content-disposition']).toContain('00042-serials.xlsx');
    const csv = await source.admin.get(`/api/items/${ids.tricky}/serials.csv?status=damaged`);
    const csvRows: string[][] = parse(csv.body);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const rows: string[][] = [];
    sheet.eachRow((row) => {
      const cells: string[] = [];
      for (let c = 1; c <= csvRows[0]!.length; c++) {
        const cell = row.getCell(c);
        // Empty cells are absent; every written one is a Text string cell.
        if (cell.value !== null) {
          expect(cell.type).toBe(ExcelJS.ValueType.String);
          expect(cell.numFmt).toBe('@');
        }
        cells.push(cell.text);
      }
      rows.push(cells);
    });
    // The CSV escapes formula-looking cells with '; the XLSX holds them as they are.
    const unescape = (v: string) => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);
    expect(rows).toEqual(csvRows.map((r) => r.map(unescape)));
    expect(
      rows
        .slice(1)
        .map((r) => r[1])
        .sort(),
    ).toEqual(['-2+3', '12345678901234567890', '1E5', '3/4']);
    for (const name of FORMULA_FIELDS) expect(rows[0]).toContain(name);

    const all = await source.admin.get('/api/serials.xlsx?status=in_stock');
    expect(all.statusCode).toBe(200);
    expect(all.headers['content-disposition']).toMatch(/serials-\d{4}-\d{2}-\d{2}\.xlsx/);
    expect((await source.admin.get('/api/items/999999/serials.xlsx')).statusCode).toBe(404);
    expect((await source.admin.get('/api/serials.xlsx?status=lost')).json()).toMatchObject({
      code: 'UNKNOWN_STATUS',
    });
  });

  it('escapes CSV header cells like data cells, and the import matches the escaped headers back', async () => {
    const res = await source.admin.get('/api/serials.csv');
    const header = res.body.split('\r\n')[0]!;
    expect(header).toContain('"\'=HYPERLINK(""http://x"",""click"")",\'@SUM(1+1),\'+cmd,\'-2+3');
    for (const name of FORMULA_FIELDS) expect(header.split(',')).not.toContain(name);

    const { id, res: dry } = await dryRun(res.rawPayload, 'all.csv', 'text/csv');
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json<ImportJson>().report).toMatchObject({ rows: TRICKY.length + 1, rowsWithErrors: 0 });
    await target.admin.post(`/api/imports/${id}/cancel`);
  });

  it('imports its own XLSX export: same mapping, dry run and commit, every serial identical', async () => {
    const exported = await source.admin.get('/api/serials.xlsx');
    // Inspect reads a workbook's header (all of the file: a workbook may keep its strings at its end).
    const inspect = await target.app.inject({
      method: 'POST',
      url: '/api/imports/inspect',
      headers: { authorization: `Bearer ${token}`, 'content-type': XLSX_TYPE },
      payload: exported.rawPayload,
    });
    expect(inspect.statusCode, inspect.body).toBe(200);
    expect(inspect.json()).toMatchObject({ delimiter: null, complete: true });

    // A browser may send the file as application/octet-stream: the file name tells.
    const after = await commitIntoFresh(exported.rawPayload, 'export.xlsx', 'application/octet-stream');
    const before = await serialData(source);
    for (const serial of TRICKY) expect(before.map((s) => s.serial_number)).toContain(serial);
    expect(after).toEqual(before);
  });

  it('refuses a file that is not a workbook, saying what to do; the import fails and writes nothing', async () => {
    const { id, res } = await dryRun('SKU,Serial Number\r\n00042,X\r\n', 'fake.xlsx', XLSX_TYPE);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'NOT_XLSX' });
    expect(res.json<{ detail: string }>().detail).toContain('Excel Workbook');
    expect((await target.admin.get(`/api/imports/${id}`)).json()).toMatchObject({ status: 'failed' });
    const wrongType = await dryRun('x', 'x.pdf', 'application/pdf');
    expect(wrongType.res.statusCode).toBe(415);
  });

  it('flags cells a spreadsheet rewrote: scientific notation, leading zeros lost, numbers in a workbook', async () => {
    const csv =
      'SKU,Serial Number,Location\r\n' +
      '42,1.23456789012346E+019,7\r\n' +
      '00042,1E+05,007\r\n' +
      '00042,1E5,7\r\n' +
      'ALT-100,OK-1,R1-1A\r\n';
    const { id, res } = await dryRun(csv, 'rewritten.csv', 'text/csv');
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json<ImportJson>();
    expect(view.report!.errors.map((e) => `${e.line}:${e.column}:${e.code}`)).toEqual([
      '2:Location:leading_zeros_lost',
      '2:SKU:leading_zeros_lost',
      '2:Serial Number:scientific_notation',
      '3:Serial Number:scientific_notation',
      '4:Location:leading_zeros_lost',
    ]);
    const sku = view.report!.errors.find((e) => e.column === 'SKU')!;
    expect(sku.message).toMatch(/SKU 42.*00042.*XLSX export/s);
    await target.admin.post(`/api/imports/${id}/cancel`);

    // A workbook someone typed into: numbers there are numbers, not text.
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Typed').addRows([
      ['Serial Number', 'Location'],
      [123, '007'],
      ['000124', 7],
    ]);
    const typed = Buffer.from(await wb.xlsx.writeBuffer());
    const xlsx = await dryRun(typed, 'typed.xlsx', XLSX_TYPE, ids.tricky);
    expect(xlsx.res.statusCode, xlsx.res.body).toBe(200);
    const xv = xlsx.res.json<ImportJson>();
    expect(xv.report!.errors.map((e) => `${e.line}:${e.column}:${e.code}`)).toEqual([
      '2:Serial Number:numeric_cell',
      '3:Location:leading_zeros_lost',
    ]);
    expect(xv.report!.errors[0]!.message).toMatch(/number in the workbook.*leading zeros/s);
    await target.admin.post(`/api/imports/${xlsx.id}/cancel`);
  });

  it('lets only INV_MANAGE_SERIALS read an import, its errors and its errors CSV', async () => {
    const { id } = await dryRun('SKU,Serial Number\r\nNOPE,1\r\n', 'bad.csv', 'text/csv');
    const viewer = await target.userWith(['INV_VIEW']);
    const manager = await target.userWith(['INV_VIEW', 'INV_MANAGE_SERIALS']);
    for (const url of [`/api/imports/${id}`, `/api/imports/${id}/errors`, `/api/imports/${id}/errors.csv`]) {
      const denied = await viewer.get(url);
      expect(denied.statusCode, url).toBe(403);
      expect(denied.json<{ detail: string }>().detail).toContain('INV_MANAGE_SERIALS');
      expect((await manager.get(url)).statusCode, url).toBe(200);
    }
    await target.admin.post(`/api/imports/${id}/cancel`);
  });

  describe.runIf(sofficeAvailable())('through real LibreOffice (soffice --headless)', () => {
    it('CSV → Calc → xlsx → CSV: the dry run flags the cells Calc rewrote', async () => {
      const exported = await source.admin.get('/api/serials.csv?bom=1');
      const xlsx = await sofficeConvert(exported.rawPayload, 'serials.csv', 'xlsx');
      const csv = await sofficeConvert(xlsx, 'serials.xlsx', 'csv');
      const text = csv.toString('utf8');
      // What Calc did, as the issue reported it.
      expect(text).toContain('1.23456789012346E+019');
      expect(text).toMatch(/^42,/m);

      const { id, res } = await dryRun(csv, 'serials.csv', 'text/csv');
      expect(res.statusCode, res.body).toBe(200);
      const view = res.json<ImportJson>();
      expect(view.report!.rowsWithErrors).toBe(TRICKY.length);
      for (const code of [
        'Location:leading_zeros_lost',
        'SKU:leading_zeros_lost',
        'Serial Number:scientific_notation',
      ]) {
        expect(codesOf(view)).toContain(code);
      }
      expect(view.report!.errors.find((e) => e.code === 'scientific_notation')!.value).toBe(
        '1.23456789012346E+019',
      );
      await target.admin.post(`/api/imports/${id}/cancel`);
    }, 120_000);

    it('XLSX → Calc open and save → import: every serial byte for byte identical, 0 errors', async () => {
      const exported = await source.admin.get('/api/serials.xlsx');
      const saved = await sofficeConvert(exported.rawPayload, 'serials.xlsx', 'xlsx');
      expect(saved.equals(exported.rawPayload)).toBe(false); // Calc wrote its own workbook

      const after = await commitIntoFresh(saved, 'serials.xlsx', XLSX_TYPE);
      const before = await serialData(source);
      expect(after).toEqual(before);
      for (const [i, s] of after.entries()) {
        expect(Buffer.from(s.serial_number).equals(Buffer.from(before[i]!.serial_number))).toBe(true);
      }
    }, 120_000);
  });
});
