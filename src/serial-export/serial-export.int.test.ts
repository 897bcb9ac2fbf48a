import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { describeEachDialect } from '../../test/support/dialects.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  type TestApp,
} from '../../test/support/test-app.js';
import { serialData } from '../../test/support/spreadsheets.js';

/** The same catalogue in any database: locations, a part type with custom fields, two items. */
async function setUpCatalogue(t: TestApp) {
  const r1 = await makeLocation(t.admin, 'R1-1A');
  await makeLocation(t.admin, 'R1-1B');
  const pt = await t.admin.post('/api/part-types', { name: 'Alternator' });
  expect(pt.statusCode, pt.body).toBe(201);
  const partTypeId = pt.json<{ id: number }>().id;
  const fields: Record<string, number> = {};
  for (const f of [
    { name: 'Colour', type: 'choice', choices: ['Red', 'Blue'] },
    { name: 'Voltage', type: 'number' },
    { name: 'Tested', type: 'boolean' },
    { name: 'Made On', type: 'date' },
  ]) {
    const res = await t.admin.post(`/api/part-types/${partTypeId}/custom-fields`, f);
    expect(res.statusCode, res.body).toBe(201);
    fields[f.name] = res.json<{ id: number }>().id;
  }
  const alt = await makeItem(t.admin, 'ALT-100', { primaryLocationId: r1, partTypeId });
  const str = await makeItem(t.admin, 'STR-200', { primaryLocationId: r1 });
  return { alt, str, fields, partTypeId, r1 };
}

describeEachDialect('serial export', (dialect) => {
  let source: TestApp;
  let target: TestApp;
  let token: string;
  let ids: Awaited<ReturnType<typeof setUpCatalogue>>;

  beforeAll(async () => {
    [source, target] = await Promise.all([createTestApp(dialect), createTestApp(dialect)]);
    ids = await setUpCatalogue(source);
    await setUpCatalogue(target);
    token = (await target.services.auth.createTokenForUsername('admin', 'round trip')).token;

    // Source data through the product's own paths: an import with awkward values, and Add Serial.
    const csv =
      'SKU;Serial Number;Location;Status;Date Received;Warranty End;Condition Notes;Colour;Voltage;Tested;Made On\r\n' +
      'ALT-100;A-001;R1-1A;In Stock;2025-12-01;2026-12-01;"Boxed, ""mint""\nsecond line";red;12.50;yes;2025-11-02\r\n' +
      'ALT-100;A-002;R1-1B;Damaged;2025-12-02;;=SUM(A1);Blue;-3;no;\r\n' +
      'ALT-100;+A-003;R1-1A;Scrapped;2025-12-03;;Ünïcödé ✓;;;;\r\n' +
      'STR-200;S-001;R1-1B;;2025-12-04;2027-01-31;;;;;\r\n';
    const imp = await source.services.imports.create({ userId: source.admin.userId } as never, {
      fileName: 'seed.csv',
    });
    const { Readable } = await import('node:stream');
    const dry = await source.services.imports.upload(imp.id, Readable.from([Buffer.from(csv)]));
    expect(dry.report?.errors).toEqual([]);
    await source.services.imports.commit({ userId: source.admin.userId } as never, imp.id);
    await addSerials(source.admin, ids.str, [{ serialNumber: '@S-002', conditionNotes: 'manual' }]);
  });
  afterAll(async () => {
    await source?.close();
    await target?.close();
  });

  it("exports an item's serials with the list's filters, custom fields as columns", async () => {
    const res = await source.admin.get(`/api/items/${ids.alt}/serials.csv?status=damaged,scrapped`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('ALT-100-serials.csv');
    const rows = parse<Record<string, string>>(res.body, { columns: true });
    expect(rows.map((r) => r['Serial Number'])).toEqual(["'+A-003", 'A-002']);
    expect(rows[1]).toMatchObject({
      SKU: 'ALT-100',
      Status: 'Damaged',
      Location: 'R1-1B',
      'Condition Notes': "'=SUM(A1)",
      Colour: 'Blue',
      Voltage: '-3',
      Tested: 'false',
      Source: 'Import #1',
    });
    expect((await source.admin.get('/api/items/999999/serials.csv')).statusCode).toBe(404);
    // The list's custom field filter applies too.
    const red = await source.admin.get(`/api/items/${ids.alt}/serials.csv?cf.${ids.fields['Colour']}=Red`);
    expect(parse<Record<string, string>>(red.body, { columns: true }).map((r) => r['Serial Number'])).toEqual(
      ['A-001'],
    );
  });

  it('round trip: export from one database, import into a fresh one, the serial data is identical', async () => {
    const exported = await source.admin.get('/api/serials.csv?bom=1');
    expect(exported.statusCode).toBe(200);
    expect(exported.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));

    const open = await target.admin.post('/api/imports', { fileName: 'export.csv' });
    const imp = open.json<{ id: number }>();
    const up = await target.app.inject({
      method: 'PUT',
      url: `/api/imports/${imp.id}/file`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      payload: exported.rawPayload,
    });
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json()).toMatchObject({ report: { rows: 5, rowsWithErrors: 0 } });
    const commit = await target.admin.post(`/api/imports/${imp.id}/commit`);
    expect(commit.json()).toMatchObject({ status: 'committed', serialsCreated: 5 });

    const before = await serialData(source);
    expect(before).toHaveLength(5);
    expect(before[0]).toMatchObject({
      serial_number: '+A-003',
      condition_notes: 'Ünïcödé ✓',
      custom: {},
    });
    expect(before.find((s) => s.serial_number === 'A-001')!.custom).toEqual({
      Colour: 'Red',
      'Made On': '2025-11-02',
      Tested: 'true',
      Voltage: '12.5',
    });
    expect(await serialData(target)).toEqual(before);
  });

  it("exports only the custom fields of an item's current part type, so the export imports back", async () => {
    // An item that had the Alternator part type (and so a Colour) and has none now.
    const moved = await makeItem(source.admin, 'MOV-1', { partTypeId: ids.partTypeId });
    await source.admin.request('PUT', `/api/items/${moved}/custom-field-defaults`, {
      values: { [ids.fields['Colour']!]: 'Red' },
    });
    await addSerials(source.admin, moved, [{ serialNumber: 'M-1', locationId: ids.r1 }]);
    const patched = await source.admin.patch(`/api/items/${moved}`, { partTypeId: null });
    expect(patched.statusCode, patched.body).toBe(200);

    const exported = await source.admin.get('/api/serials.csv');
    const rows = parse<Record<string, string>>(exported.body, { columns: true });
    expect(rows.find((r) => r['Serial Number'] === 'M-1')).toMatchObject({ SKU: 'MOV-1', Colour: '' });
    // The Alternator serials keep theirs.
    expect(rows.find((r) => r['Serial Number'] === 'A-001')).toMatchObject({ Colour: 'Red' });

    await makeItem(target.admin, 'MOV-1', { primaryLocationId: ids.r1 });
    const lines = exported.body.split('\r\n');
    const csv = [lines[0], ...lines.filter((l) => l.startsWith('MOV-1,'))].join('\r\n');
    const imp = (await target.admin.post('/api/imports', { fileName: 'mov.csv' })).json<{ id: number }>();
    const up = await target.app.inject({
      method: 'PUT',
      url: `/api/imports/${imp.id}/file`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(up.json()).toMatchObject({ report: { rows: 1, rowsWithErrors: 0 } });
    await target.admin.post(`/api/imports/${imp.id}/cancel`);
  });
});
