import { afterAll, beforeAll, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import type { Principal } from '../auth/auth.service.js';
import { createImportsService } from './imports.service.js';
import { describeEachDialect } from '../../test/support/dialects.js';
import { createTestApp, makeItem, makeLocation, type TestApp } from '../../test/support/test-app.js';

interface ErrorJson {
  line: number;
  column: string;
  code: string;
  message: string;
  value: string | null;
}
interface ImportJson {
  id: number;
  number: string;
  status: string;
  report: {
    rows: number;
    rowsWithErrors: number;
    errorCount: number;
    errors: ErrorJson[];
    errorsTruncated: boolean;
  } | null;
}

/** The dry run's complete error list, the crash cleanup at start, required custom fields, cancel. */
describeEachDialect('imports: reports, cleanup and cancel', (dialect) => {
  let t: TestApp;
  let token: string;
  let r1: number;
  let itemId: number;

  async function dryRun(csv: string, body: Record<string, unknown>) {
    const opened = await t.admin.post('/api/imports', { fileName: 'serials.csv', ...body });
    expect(opened.statusCode, opened.body).toBe(201);
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/imports/${opened.json<ImportJson>().id}/file`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<ImportJson>();
  }

  beforeAll(async () => {
    t = await createTestApp(dialect);
    token = (await t.services.auth.createTokenForUsername('admin', 'import report tests')).token;
    r1 = await makeLocation(t.admin, 'R1-1A');
    itemId = await makeItem(t.admin, 'ALT-100', { primaryLocationId: r1 });
  });
  afterAll(() => t?.close());

  it('every bad row of a file with hundreds is reachable: paged JSON and the errors CSV', async () => {
    // 450 bad rows (lines 2–451), every third with two errors, and a good row at the end.
    const rows = Array.from({ length: 450 }, (_, i) =>
      i % 3 === 0 ? `BAD-${i},NOWHERE,2026-13-0${i % 9}` : `BAD-${i},,31/12/2025`,
    );
    const csv = `Serial Number,Location,Date Received\n${rows.join('\n')}\nGOOD-1,,\n`;
    const dry = await dryRun(csv, { itemId });
    const expected = rows.length + Math.ceil(rows.length / 3);
    expect(dry.report).toMatchObject({ rows: 451, rowsWithErrors: 450, errorCount: expected });
    expect(dry.report!.errorsTruncated).toBe(true);
    expect(dry.report!.errors[0]).toEqual({
      line: 2,
      column: 'Date Received',
      code: 'bad_date',
      message: '"2026-13-00" is not a date. Write it as YYYY-MM-DD.',
      value: '2026-13-00',
    });

    // Paging by line through /errors reaches them all, never splitting or repeating a line.
    const paged: ErrorJson[] = [];
    for (let after = 0; ;) {
      const page = await t.admin.get(`/api/imports/${dry.id}/errors?afterLine=${after}&limit=100`);
      const errors = page.json<{ errors: ErrorJson[] }>().errors;
      if (errors.length === 0) break;
      paged.push(...errors);
      after = errors[errors.length - 1]!.line;
    }
    expect(paged).toHaveLength(expected);
    expect(new Set(paged.map((e) => e.line)).size).toBe(450);

    const res = await t.admin.get(`/api/imports/${dry.id}/errors.csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain(`import-${dry.number}-errors.csv`);
    const table: string[][] = parse(res.body);
    expect(table[0]).toEqual(['Line', 'Column', 'Code', 'Problem', 'Value']);
    expect(table.slice(1)).toEqual(
      paged.map((e) => [String(e.line), e.column, e.code, e.message, e.value ?? '']),
    );
    expect(table.find((r) => r[2] === 'unknown_location')).toEqual([
      '2',
      'Location',
      'unknown_location',
      'There is no location NOWHERE.',
      'NOWHERE',
    ]);

    // The errors CSV is for those who may import; others get 403.
    const viewer = await t.userWith(['INV_VIEW']);
    expect((await viewer.get(`/api/imports/${dry.id}/errors.csv`)).statusCode).toBe(403);
    await t.admin.post(`/api/imports/${dry.id}/cancel`);
  });

  it('reports a required custom field left empty per row, unless the Default Serial Q&A supplies it', async () => {
    const pt = await t.admin.post('/api/part-types', { name: 'Battery' });
    const partTypeId = pt.json<{ id: number }>().id;
    const field = async (body: object) => {
      const res = await t.admin.post(`/api/part-types/${partTypeId}/custom-fields`, body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: number }>().id;
    };
    const cca = await field({ name: 'Cold cranking amps', type: 'number', required: true });
    await field({ name: 'Colour', type: 'text' });
    const plain = await makeItem(t.admin, 'BAT-1', { primaryLocationId: r1, partTypeId });
    const seeded = await makeItem(t.admin, 'BAT-2', { primaryLocationId: r1, partTypeId });
    const defaults = await t.admin.request('PUT', `/api/items/${seeded}/custom-field-defaults`, {
      values: { [cca]: '600' },
    });
    expect(defaults.statusCode, defaults.body).toBe(200);

    const withColumn = await dryRun(
      'SKU,Serial,Cold Cranking Amps\nBAT-1,B-1,550\nBAT-1,B-2,\nBAT-2,B-3,\n',
      {},
    );
    expect(withColumn.report!.errors.map((e) => `${e.line}:${e.column}:${e.code}`)).toEqual([
      '3:Cold Cranking Amps:missing_required',
    ]);
    expect(withColumn.report!.errors[0]!.message).toBe(
      'Cold cranking amps is required for BAT-1. Fill in the cell, or give the item a Default Serial Q&A value.',
    );
    // No column for the field at all: the error names the field.
    const noColumn = await dryRun('Serial\nB-4\n', { itemId: plain });
    expect(noColumn.report!.errors.map((e) => `${e.line}:${e.column}:${e.code}`)).toEqual([
      '2:Cold cranking amps:missing_required',
    ]);
    const fine = await dryRun('Serial\nB-5\n', { itemId: seeded });
    expect(fine.report!.rowsWithErrors).toBe(0);
    expect((await t.admin.post(`/api/imports/${fine.id}/commit`)).statusCode).toBe(200);
    for (const d of [withColumn, noColumn]) await t.admin.post(`/api/imports/${d.id}/cancel`);

    // A field made required after a clean dry run stops its commit: the check no longer holds.
    const colour = (await t.admin.get(`/api/part-types/${partTypeId}/custom-fields`))
      .json<{ fields: { id: number; name: string }[] }>()
      .fields.find((f) => f.name === 'Colour')!.id;
    const later = await dryRun('Serial\nB-6\n', { itemId: seeded });
    expect(later.report!.rowsWithErrors).toBe(0);
    const made = await t.admin.patch(`/api/part-types/${partTypeId}/custom-fields/${colour}`, {
      required: true,
    });
    expect(made.statusCode, made.body).toBe(200);
    const refused = await t.admin.post(`/api/imports/${later.id}/commit`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'DATA_CHANGED' });
  });

  it('at start, fails uploads cut off by a crash; on PostgreSQL only those quiet past the heartbeat', async () => {
    const db = t.runtime.database.db;
    const open = async (quietMinutes: number) => {
      const imp = (await t.admin.post('/api/imports', { fileName: 'x.csv', itemId })).json<ImportJson>();
      await db
        .insertInto('import_rows')
        .values({ import_id: imp.id, line: 2, item_id: itemId, serial_number: 'GHOST', condition_notes: '' })
        .execute();
      const at = new Date(Date.now() - quietMinutes * 60_000).toISOString();
      await db.updateTable('imports').set({ updated_at: at }).where('id', '=', imp.id).execute();
      return imp.id;
    };
    const recent = await open(5);
    const old = await open(20);
    // A restarted server is a new service over the same database.
    await createImportsService(db).cleanupAtStart();
    const status = async (id: number) =>
      (await db.selectFrom('imports').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    expect(await status(old)).toBe('failed');
    // SQLite has one server: five quiet minutes is dead. On PostgreSQL another server may still be
    // receiving it from a slow client.
    expect(await status(recent)).toBe(dialect === 'sqlite' ? 'failed' : 'uploading');
    const staged = await db
      .selectFrom('import_rows')
      .select('import_id')
      .where('import_id', 'in', dialect === 'sqlite' ? [old, recent] : [old])
      .execute();
    expect(staged).toEqual([]);
    const view = await t.admin.get(`/api/imports/${old}`);
    expect(view.json()).toMatchObject({
      status: 'failed',
      message: 'The upload was interrupted. Nothing was imported.',
    });
    if (dialect === 'postgres') await t.admin.post(`/api/imports/${recent}/cancel`);
  });

  it('a dead upload shows as failed to whoever watches it, without waiting for a new import', async () => {
    const db = t.runtime.database.db;
    const imp = (await t.admin.post('/api/imports', { fileName: 'x.csv', itemId })).json<ImportJson>();
    const quiet = dialect === 'sqlite' ? 60_000 : 16 * 60_000;
    await db
      .updateTable('imports')
      .set({ updated_at: new Date(Date.now() - quiet).toISOString() })
      .where('id', '=', imp.id)
      .execute();
    expect((await t.admin.get(`/api/imports/${imp.id}`)).json()).toMatchObject({ status: 'failed' });
  });

  it('cancel while the file is still streaming: nothing staged, nothing imported, status cancelled', async () => {
    const db = t.runtime.database.db;
    const imports = t.services.imports;
    const principal = { userId: t.admin.userId } as Principal;
    const opened = await imports.create(principal, { fileName: 'slow.csv', itemId });
    const source = new PassThrough();
    const upload = imports.upload(opened.id, source);
    const failed = upload.then(
      () => null,
      (err: unknown) => err,
    );
    source.write('Serial Number\n');
    // Enough rows for a few staging batches, then the file stalls as a slow network would.
    source.write(Array.from({ length: 5000 }, (_, i) => `CUT-${i}\n`).join(''));
    const staged = async () =>
      Number(
        (
          await db
            .selectFrom('import_rows')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('import_id', '=', opened.id)
            .executeTakeFirstOrThrow()
        ).n,
      );
    for (let i = 0; i < 200 && (await staged()) === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await staged()).toBeGreaterThan(0);
    expect((await imports.get(opened.id)).status).toBe('uploading');

    const cancelled = await t.admin.post(`/api/imports/${opened.id}/cancel`);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    // The rest of the file arrives after the cancel: the upload stops at its next batch.
    source.end(Array.from({ length: 5000 }, (_, i) => `CUT-B${i}\n`).join(''));
    expect(await failed).toMatchObject({ code: 'IMPORT_CANCELLED' });

    expect(await staged()).toBe(0);
    const errors = await db
      .selectFrom('import_errors')
      .select('line')
      .where('import_id', '=', opened.id)
      .execute();
    expect(errors).toEqual([]);
    const serials = await db
      .selectFrom('serials')
      .select('id')
      .where('serial_number', 'like', 'CUT-%')
      .execute();
    expect(serials).toEqual([]);
    expect((await t.admin.get(`/api/imports/${opened.id}`)).json()).toMatchObject({
      status: 'cancelled',
      report: null,
    });
    expect((await t.admin.post(`/api/imports/${opened.id}/commit`)).statusCode).toBe(409);
  });
});
