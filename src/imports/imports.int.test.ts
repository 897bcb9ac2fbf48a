import { afterAll, beforeAll, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import type { Principal } from '../auth/auth.service.js';
import { createImportsService } from './imports.service.js';
import { describeEachDialect } from '../../test/support/dialects.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  type TestApp,
} from '../../test/support/test-app.js';

interface ImportJson {
  id: number;
  number: string;
  status: string;
  progress: { rowsParsed: number; bytesRead: number };
  serialsCreated: number;
  message: string | null;
  report: {
    rows: number;
    validRows: number;
    rowsWithErrors: number;
    errorCount: number;
    errorsByCode: { code: string; column: string; count: number }[];
    errors: { line: number; column: string; code: string; message: string }[];
    errorsTruncated: boolean;
    effect: {
      sku: string;
      locationCode: string;
      adding: Record<string, number>;
      quantityOnHand: number;
      serialsPresentBefore: number;
      serialsPresentAfter: number;
      mismatchAfter: number;
    }[];
  } | null;
}

describeEachDialect('imports', (dialect) => {
  let t: TestApp;
  let token: string;
  let r1: number;
  let itemId: number;
  let untrackedId: number;

  /** Sends a raw body (the CSV) the way a browser or curl streams a file. */
  const raw = (method: 'PUT' | 'POST', url: string, body: string | Buffer, type = 'text/csv') =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      payload: body,
    });

  async function openImport(body: Record<string, unknown>): Promise<ImportJson> {
    const res = await t.admin.post('/api/imports', { fileName: 'serials.csv', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<ImportJson>();
  }

  /** Opens an import, uploads the CSV and returns the upload's answer (the dry run, or a problem). */
  async function dryRun(csv: string | Buffer, body: Record<string, unknown> = {}) {
    const imp = await openImport(body);
    const res = await raw('PUT', `/api/imports/${imp.id}/file`, csv);
    return { imp, res };
  }

  const serialTotal = async () => {
    const rows = await t.runtime.database.db
      .selectFrom('serials')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(rows.n);
  };

  const codes = (res: LightMyRequestResponse) =>
    res.json<ImportJson>().report!.errors.map((e) => `${e.line}:${e.column}:${e.code}`);

  beforeAll(async () => {
    // The fuzz below opens far more imports a minute as one user than the per-user limit allows a person.
    t = await createTestApp(dialect, { rateLimitScale: 100 });
    token = (await t.services.auth.createTokenForUsername('admin', 'import tests')).token;
    r1 = await makeLocation(t.admin, 'R1-1A');
    await makeLocation(t.admin, 'R1-1B');
    itemId = await makeItem(t.admin, 'ALT-100', { primaryLocationId: r1 });
    await makeItem(t.admin, 'STR-200', { primaryLocationId: r1 });
    untrackedId = await makeItem(t.admin, 'BOLT-1', { trackSerials: false });
    const adj = await t.admin.post('/api/stock-adjustments', {
      itemId,
      locationId: r1,
      delta: 3,
      reason: 'Opening count',
    });
    expect(adj.statusCode, adj.body).toBe(201);
  });
  afterAll(() => t?.close());

  it('imports a spreadsheet CSV (BOM, semicolons, quoted cells) as one document with history and counts', async () => {
    const csv =
      '\uFEFFSerial Number;Location;Status;Date Received;Condition Notes;Warranty End\r\n' +
      'IMP-001;R1-1A;In Stock;2026-01-15;"Boxed; sealed";2027-01-15\r\n' +
      'IMP-002;r1-1b;damaged;2026/01/16;"Dented ""badly""\nleft side";\r\n' +
      "'-IMP-003;;;;;\r\n";
    const { imp, res } = await dryRun(csv, { itemId });
    expect(res.statusCode, res.body).toBe(200);
    const dry = res.json<ImportJson>();
    expect(dry.status).toBe('staged');
    expect(dry.report).toMatchObject({ rows: 3, validRows: 3, rowsWithErrors: 0, errors: [] });
    // Three units on hand at R1-1A, none serialised: two In Stock serials make 2 of 3.
    expect(dry.report!.effect).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          sku: 'ALT-100',
          locationCode: 'R1-1A',
          adding: { in_stock: 2 },
          quantityOnHand: 3,
          serialsPresentBefore: 0,
          serialsPresentAfter: 2,
          mismatchAfter: -1,
        }),
        expect.objectContaining({ locationCode: 'R1-1B', adding: { damaged: 1 }, mismatchAfter: 1 }),
      ]),
    );
    expect(await serialTotal()).toBe(0); // a dry run writes no serial

    const commit = await t.admin.post(`/api/imports/${imp.id}/commit`);
    expect(commit.statusCode, commit.body).toBe(200);
    expect(commit.json<ImportJson>()).toMatchObject({ status: 'committed', serialsCreated: 3 });

    const page = await t.admin.get(`/api/items/${itemId}/serials?limit=10`);
    const body = page.json<{
      serials: {
        id: number;
        serialNumber: string;
        status: string;
        locationCode: string;
        dateReceived: string;
        conditionNotes: string;
        warrantyEndDate: string | null;
        source: { type: string; number: string };
      }[];
      counts: { total: number; byStatus: Record<string, number> };
    }>();
    expect(body.serials.map((s) => s.serialNumber)).toEqual(['-IMP-003', 'IMP-001', 'IMP-002']);
    const [s3, s1, s2] = body.serials;
    expect(s1).toMatchObject({
      status: 'in_stock',
      locationCode: 'R1-1A',
      dateReceived: '2026-01-15',
      conditionNotes: 'Boxed; sealed',
      warrantyEndDate: '2027-01-15',
      source: { type: 'import', number: imp.number },
    });
    expect(s2).toMatchObject({
      status: 'damaged',
      locationCode: 'R1-1B',
      conditionNotes: 'Dented "badly"\nleft side',
      warrantyEndDate: null,
    });
    expect(s3!.locationCode).toBe('R1-1A'); // the item's primary location
    expect(body.counts.total).toBe(3);
    expect(body.counts.byStatus).toMatchObject({ in_stock: 2, damaged: 1 });

    const detail = await t.admin.get(`/api/serials/${s1!.id}`);
    const history = detail.json<{ history: { kind: string; document: unknown; toStatus: string }[] }>()
      .history;
    expect(history).toEqual([
      expect.objectContaining({
        kind: 'created',
        toStatus: 'in_stock',
        document: { type: 'import', number: imp.number },
      }),
    ]);
    // Serials are tracked alongside quantity: the import does not change quantity on hand.
    const stock = await t.admin.get(`/api/items/${itemId}/stock`);
    expect(stock.json()).toMatchObject({ quantityOnHand: 3, serialsPresent: 3 });
    // The document resolves, so Source links to it.
    const resolved = await t.admin.get(`/api/documents/resolve?type=import&number=${imp.number}`);
    expect(resolved.json()).toMatchObject({ type: 'import', id: imp.id });
  });

  it('reports every bad row with line, column and reason, and refuses to commit', async () => {
    await addSerials(t.admin, itemId, ['EXISTS-1']);
    const before = await serialTotal();
    const csv = [
      'SKU,Serial Number,Location,Status,Date Received,Warranty End',
      'ALT-100,NEW-1,R1-1A,In Stock,2026-01-01,',
      'ALT-100,NEW-1,R1-1A,In Stock,,', // duplicate of line 2
      'ALT-100,EXISTS-1,R1-1A,,,', // already exists
      'ALT-100,NEW-2,NOWHERE,,,', // unknown location
      'NOPE-9,NEW-3,R1-1A,,,', // unknown SKU
      'ALT-100,NEW-4,R1-1A,Sold,,', // status a sale sets
      'ALT-100,NEW-5,R1-1A,Lost,,', // not a status
      'ALT-100,NEW-6,R1-1A,,13/01/2026,', // ambiguous date
      'ALT-100,NEW-7,R1-1A,,,2026-02-30', // no such day
      'BOLT-1,NEW-8,R1-1A,,,', // item not serial-tracked
      'ALT-100,,R1-1A,,,', // empty serial
      ',NEW-9,R1-1A,,,', // empty SKU
      'STR-200,NEW-1,R1-1A,,,', // same number, other item: fine
    ].join('\n');
    const { imp, res } = await dryRun(csv);
    expect(res.statusCode, res.body).toBe(200);
    const dry = res.json<ImportJson>();
    expect(dry.report).toMatchObject({ rows: 13, rowsWithErrors: 11, validRows: 2 });
    expect(codes(res)).toEqual([
      '3:Serial Number:duplicate_in_file',
      '4:Serial Number:already_exists',
      '5:Location:unknown_location',
      '6:SKU:unknown_sku',
      '7:Status:illegal_status',
      '8:Status:unknown_status',
      '9:Date Received:bad_date',
      '10:Warranty End:bad_date',
      '11:SKU:not_tracked',
      '12:Serial Number:empty_serial',
      '13:SKU:empty_sku',
    ]);
    expect(dry.report!.errors[0]!.message).toContain('first on line 2');
    expect(dry.report!.errorsByCode).toContainEqual({ code: 'bad_date', column: 'Date Received', count: 1 });

    const commit = await t.admin.post(`/api/imports/${imp.id}/commit`);
    expect(commit.statusCode).toBe(409);
    expect(commit.json()).toMatchObject({ code: 'IMPORT_HAS_ERRORS' });
    expect(await serialTotal()).toBe(before);
  });

  it('checks the SKU column against the item the import is for', async () => {
    const { res } = await dryRun('SKU,Serial\nSTR-200,X-1\nALT-100,X-2\n', { itemId });
    expect(codes(res)).toEqual(['2:SKU:sku_mismatch']);
  });

  it('asks for a mapping when headers differ, and imports with one', async () => {
    const csv = 'Numéro de série,Emplacement,Remarque\nMAP-1,R1-1A,x\nMAP-2,R1-1B,y\n';
    const inspect = await raw('POST', `/api/imports/inspect?itemId=${itemId}`, csv.slice(0, 40));
    expect(inspect.statusCode, inspect.body).toBe(200);
    expect(inspect.json()).toMatchObject({
      delimiter: ',',
      headers: ['Numéro de série', 'Emplacement', 'Remarque'],
      complete: false,
    });
    const refused = await dryRun(csv, { itemId });
    expect(refused.res.statusCode).toBe(422);
    expect(refused.res.json()).toMatchObject({ code: 'MAPPING_REQUIRED' });
    expect((await t.admin.get(`/api/imports/${refused.imp.id}`)).json()).toMatchObject({ status: 'failed' });

    const mapped = await dryRun(csv, {
      itemId,
      mapping: { 'Numéro de série': 'serialNumber', Emplacement: 'location', Remarque: 'conditionNotes' },
    });
    expect(mapped.res.statusCode, mapped.res.body).toBe(200);
    expect(mapped.res.json<ImportJson>().report).toMatchObject({ rows: 2, rowsWithErrors: 0 });
    const commit = await t.admin.post(`/api/imports/${mapped.imp.id}/commit`);
    expect(commit.json()).toMatchObject({ status: 'committed', serialsCreated: 2 });
  });

  it('refuses files that are not UTF-8 CSV with a clear code, writing nothing', async () => {
    const before = await serialTotal();
    const latin1 = Buffer.from('Serial Number,Condition Notes\nL-1,Gerät geprüft\n', 'latin1');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Serial\nU-1\n', 'utf16le')]);
    for (const [body, code] of [
      [latin1, 'NOT_UTF8'],
      [utf16, 'NOT_UTF8'],
      ['', 'EMPTY_FILE'],
      ['\r\n\r\n', 'EMPTY_FILE'],
      [Buffer.from('Serial\nA\u0000B\n'), 'NOT_TEXT'],
    ] as const) {
      const { res } = await dryRun(body, { itemId });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json()).toMatchObject({ code });
    }
    const headerOnly = await dryRun('Serial Number\n', { itemId });
    expect(headerOnly.res.json<ImportJson>().report).toMatchObject({ rows: 0, errorCount: 0 });
    const commit = await t.admin.post(`/api/imports/${headerOnly.imp.id}/commit`);
    expect(commit.json()).toMatchObject({ code: 'NOTHING_TO_IMPORT' });
    expect(await serialTotal()).toBe(before);
  });

  it('cancels before commit, and then cannot commit', async () => {
    const { imp } = await dryRun('Serial\nCAN-1\n', { itemId });
    const cancel = await t.admin.post(`/api/imports/${imp.id}/cancel`);
    expect(cancel.json()).toMatchObject({ status: 'cancelled', report: null });
    const commit = await t.admin.post(`/api/imports/${imp.id}/commit`);
    expect(commit.statusCode).toBe(409);
    expect((await t.admin.get(`/api/items/${itemId}/serials?q=CAN-`)).json()).toMatchObject({ serials: [] });
  });

  it('re-checks inside the commit: a serial created since the dry run stops the whole import', async () => {
    const { imp } = await dryRun('Serial\nRACE-1\nRACE-2\n', { itemId });
    await addSerials(t.admin, itemId, ['RACE-2']);
    const commit = await t.admin.post(`/api/imports/${imp.id}/commit`);
    expect(commit.statusCode).toBe(409);
    expect(commit.json()).toMatchObject({ code: 'DATA_CHANGED' });
    const page = await t.admin.get(`/api/items/${itemId}/serials?q=RACE-`);
    expect(page.json<{ serials: { serialNumber: string }[] }>().serials.map((s) => s.serialNumber)).toEqual([
      'RACE-2',
    ]);
    // Still a dry run: after the conflicting serial is dealt with it could be committed.
    expect((await t.admin.get(`/api/imports/${imp.id}`)).json()).toMatchObject({ status: 'staged' });
  });

  it('refuses an item that does not track serials, and callers without INV_MANAGE_SERIALS', async () => {
    const res = await t.admin.post('/api/imports', { fileName: 'x.csv', itemId: untrackedId });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'SERIAL_TRACKING_OFF' });
    const viewer = await t.userWith(['INV_VIEW']);
    expect((await viewer.post('/api/imports', { fileName: 'x.csv', itemId })).statusCode).toBe(403);
  });

  it('marks an upload whose server died as failed, dropping its staging rows', async () => {
    const imp = await openImport({ itemId });
    const db = t.runtime.database.db;
    await db
      .insertInto('import_rows')
      .values({ import_id: imp.id, line: 2, item_id: itemId, serial_number: 'GHOST', condition_notes: '' })
      .execute();
    await t.services.imports.cleanupStale(Date.now() + 60 * 60 * 1000);
    expect((await t.admin.get(`/api/imports/${imp.id}`)).json()).toMatchObject({ status: 'failed' });
    const left = await db.selectFrom('import_rows').selectAll().where('import_id', '=', imp.id).execute();
    expect(left).toEqual([]);
  });

  it("imports custom fields by name; blank cells take the item's Default Serial Q&A", async () => {
    const pt = await t.admin.post('/api/part-types', { name: 'Starter' });
    const partTypeId = pt.json<{ id: number }>().id;
    const field = async (body: object) =>
      (await t.admin.post(`/api/part-types/${partTypeId}/custom-fields`, body)).json<{ id: number }>().id;
    const colour = await field({ name: 'Colour', type: 'choice', choices: ['Red', 'Blue'] });
    const voltage = await field({ name: 'Voltage', type: 'number' });
    const item = await makeItem(t.admin, 'CF-1', { primaryLocationId: r1, partTypeId });
    const defaults = await t.admin.request('PUT', `/api/items/${item}/custom-field-defaults`, {
      values: { [colour]: 'Blue', [voltage]: '12' },
    });
    expect(defaults.statusCode, defaults.body).toBe(200);

    const bad = await dryRun('Serial,colour,Voltage,Weight\nCF-A,red,,\nCF-B,Green,x,\n', {
      itemId: item,
      mapping: { Weight: 'custom:Weight' },
    });
    expect(codes(bad.res)).toEqual(['3:Voltage:bad_custom_value', '3:colour:bad_custom_value']);
    const unknown = await dryRun('Serial,Weight\nCF-A,3\n', {
      itemId: item,
      mapping: { Weight: 'custom:Weight' },
    });
    expect(codes(unknown.res)).toEqual(['2:Weight:unknown_custom_field']);

    const { imp, res } = await dryRun('Serial,colour,Voltage\nCF-A,red,\nCF-B,,24.50\n', { itemId: item });
    expect(res.json<ImportJson>().report).toMatchObject({ rowsWithErrors: 0 });
    expect((await t.admin.post(`/api/imports/${imp.id}/commit`)).statusCode).toBe(200);
    const values = await t.runtime.database.db
      .selectFrom('serial_custom_values as v')
      .innerJoin('serials as s', 's.id', 'v.serial_id')
      .select(['s.serial_number', 'v.field_id', 'v.value'])
      .where('s.item_id', '=', item)
      .orderBy('s.serial_number')
      .orderBy('v.field_id')
      .execute();
    expect(values).toEqual([
      { serial_number: 'CF-A', field_id: colour, value: 'Red' },
      { serial_number: 'CF-A', field_id: voltage, value: '12' },
      { serial_number: 'CF-B', field_id: colour, value: 'Blue' },
      { serial_number: 'CF-B', field_id: voltage, value: '24.5' },
    ]);
    // The created history row records the values the serial started with, as Add Serial's does.
    const cfA = await t.admin.get(`/api/items/${item}/serials?q=CF-A`);
    const detail = await t.admin.get(
      `/api/serials/${cfA.json<{ serials: { id: number }[] }>().serials[0]!.id}`,
    );
    expect(detail.json<{ history: { data: unknown }[] }>().history[0]!.data).toEqual({
      customFields: [
        { fieldId: colour, field: 'Colour', value: 'Red' },
        { fieldId: voltage, field: 'Voltage', value: '12' },
      ],
    });

    // Defaults changed between the dry run and the commit: the history would be wrong, so it is refused.
    const later = await dryRun('Serial\nCF-C\n', { itemId: item });
    await t.admin.request('PUT', `/api/items/${item}/custom-field-defaults`, { values: { [colour]: 'Red' } });
    const refused = await t.admin.post(`/api/imports/${later.imp.id}/commit`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'DATA_CHANGED' });
  });

  it('commits in slices of one transaction: every serial, history row and count, across items', async () => {
    // A tiny slice makes this file take several INSERT … SELECT rounds, each ending on an (item, serial) key.
    const sliced = createImportsService(t.runtime.database.db, { commitSlice: 2 });
    const principal = { userId: t.admin.userId } as Principal;
    const opened = await sliced.create(principal, { fileName: 'sliced.csv' });
    const csv = 'SKU,Serial\nSTR-200,SL-5\nALT-100,SL-3\nSTR-200,SL-1\nALT-100,SL-4\nALT-100,SL-2\n';
    const dry = await sliced.upload(opened.id, Readable.from([Buffer.from(csv)]));
    expect(dry.report).toMatchObject({ rows: 5, rowsWithErrors: 0 });
    const before = await serialTotal();
    const done = await sliced.commit(principal, opened.id);
    expect(done).toMatchObject({ status: 'committed', serialsCreated: 5, progress: { serialsWritten: 5 } });
    expect(await serialTotal()).toBe(before + 5);
    const db = t.runtime.database.db;
    const events = await db
      .selectFrom('serial_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('document_type', '=', 'import')
      .where('document_number', '=', opened.number)
      .executeTakeFirstOrThrow();
    expect(Number(events.n)).toBe(5);
    const page = await t.admin.get(`/api/items/${itemId}/serials?q=SL-`);
    expect(page.json<{ serials: { serialNumber: string }[] }>().serials.map((x) => x.serialNumber)).toEqual([
      'SL-2',
      'SL-3',
      'SL-4',
    ]);
  });

  it('answers a file refused at its header over real HTTP, instead of resetting the upload', async () => {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const imp = await openImport({ itemId });
    // Several megabytes still on their way when the header is refused.
    const body = Buffer.from(`Numéro de série\n${'SN-000000\n'.repeat(600_000)}`);
    const res = await fetch(`${address}/api/imports/${imp.id}/file`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body,
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 'MAPPING_REQUIRED' });
  });

  it('two overlapping imports committed at once: one wins, the other imports nothing', async () => {
    const a = await dryRun('Serial\nRACE2-1\nRACE2-2\nRACE2-3\n', { itemId });
    const b = await dryRun('Serial\nRACE2-3\nRACE2-4\n', { itemId });
    const results = await Promise.all([
      t.admin.post(`/api/imports/${a.imp.id}/commit`),
      t.admin.post(`/api/imports/${b.imp.id}/commit`),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const loser = results.find((r) => r.statusCode === 409)!;
    expect(loser.json()).toMatchObject({ code: 'DATA_CHANGED' });
    const page = await t.admin.get(`/api/items/${itemId}/serials?q=RACE2-`);
    const numbers = page.json<{ serials: { serialNumber: string }[] }>().serials.map((x) => x.serialNumber);
    expect([
      ['RACE2-1', 'RACE2-2', 'RACE2-3'],
      ['RACE2-3', 'RACE2-4'],
    ]).toContainEqual(numbers);
  });

  it('never crashes nor writes a serial on fuzzed input', async () => {
    const before = await serialTotal();
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const inputs: (string | Buffer)[] = [
      'Serial\n"unclosed\nA\n',
      'Serial,Location\n"a"b,R1-1A\n',
      `Serial\n${'x'.repeat(200_000)}\n`,
      `Serial,Condition Notes\nHUGE-1,"${'y'.repeat(100_000)}"\n`,
      `${'h,'.repeat(5000)}\n`,
      '"Serial\n',
      'Serial;Serial Number\nA;B\n',
      Buffer.from([0xef, 0xbb, 0xbf]),
    ];
    for (let i = 0; i < 12; i++) {
      inputs.push(
        Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 3000) }, () => Math.floor(rand() * 256))),
      );
      const alphabet = 'Serial,"\r\n;ab1 ';
      inputs.push(
        'Serial Number,Location\n' +
          Array.from({ length: 500 }, () => alphabet[Math.floor(rand() * alphabet.length)]).join(''),
      );
    }
    for (const input of inputs) {
      const { imp, res } = await dryRun(input, { itemId });
      expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
      if (res.statusCode === 200 && res.json<ImportJson>().report!.rowsWithErrors > 0) {
        expect((await t.admin.post(`/api/imports/${imp.id}/commit`)).statusCode).toBe(409);
      } else if (res.statusCode === 200) {
        await t.admin.post(`/api/imports/${imp.id}/cancel`);
      }
    }
    expect(await serialTotal()).toBe(before);
  });
});
