import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachDialect } from '../../test/support/dialects.js';
import { readPdf } from '../../test/support/pdf.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  type TestApp,
} from '../../test/support/test-app.js';
import { createPo, makeSupplier, problemOf, type ReceiptJson } from '../../test/support/documents.js';
import { encodeLabelPayload } from './label-payload.js';

const MM = 72 / 25.4;

function pdfOf(res: LightMyRequestResponse) {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  const pdf = readPdf(res.rawPayload);
  expect(pdf.header).toMatch(/^%PDF-1\.\d/);
  return pdf;
}

interface LookupJson {
  matches: { id: number; serialNumber: string; itemSku: string }[];
}

describeEachDialect('labels and scanning', (dialect) => {
  let t: TestApp;
  let locA: number;
  let locB: number;
  let itemId: number;
  let serials: { id: number; serialNumber: string }[];

  beforeAll(async () => {
    t = await createTestApp(dialect);
    locA = await makeLocation(t.admin, 'R1-1A');
    locB = await makeLocation(t.admin, 'R1-1B');
    itemId = await makeItem(t.admin, 'ALT-100', {
      name: 'Alternator 12V 90A, remanufactured',
      primaryLocationId: locA,
    });
    serials = await addSerials(t.admin, itemId, ['ALT-0001', 'ALT-0002', 'ALT-0003']);
  });
  afterAll(() => t?.close());

  it('prints one serial: a one-page PDF the size of the default label (2 × 1 in) with serial, SKU and name', async () => {
    const res = await t.admin.get(`/api/serials/${serials[0]!.id}/labels`);
    const pdf = pdfOf(res);
    expect(res.headers['content-disposition']).toBe('inline; filename="labels-ALT-0001-2x1in.pdf"');
    expect(res.headers['x-label-count']).toBe('1');
    expect(pdf.pages).toHaveLength(1);
    expect(pdf.pages[0]!.size).toEqual([144, 72]);
    const [serial, sku, ...name] = pdf.pages[0]!.texts;
    expect([serial, sku, name.join(' ')]).toEqual([
      'ALT-0001',
      'ALT-100',
      'Alternator 12V 90A, remanufactured',
    ]);
    // Bars and QR module runs are drawn.
    expect(pdf.pages[0]!.rects).toBeGreaterThan(50);
  });

  it('prints selected serials in the order given, with copies, at a requested size', async () => {
    const ids = [serials[2]!.id, serials[0]!.id];
    const res = await t.admin.post('/api/labels', { serialIds: ids, size: '62x29mm', copies: 2 });
    const pdf = pdfOf(res);
    expect(res.headers['content-disposition']).toBe('inline; filename="labels-2-serials-62x29mm.pdf"');
    expect(pdf.pages.map((p) => p.texts[0])).toEqual(['ALT-0003', 'ALT-0003', 'ALT-0001', 'ALT-0001']);
    for (const page of pdf.pages) {
      expect(page.size[0]).toBeCloseTo(62 * MM, 2);
      expect(page.size[1]).toBeCloseTo(29 * MM, 2);
    }
    const custom = pdfOf(await t.admin.get(`/api/serials/${serials[1]!.id}/labels?size=4x6in`));
    expect(custom.pages[0]!.size).toEqual([288, 432]);
  });

  it('refuses unknown serials, bad sizes, empty selections and too many labels, printing nothing', async () => {
    const unknown = await t.admin.post('/api/labels', { serialIds: [serials[0]!.id, 999_999] });
    expect(unknown.statusCode).toBe(404);
    expect(problemOf(unknown).code).toBe('NOT_FOUND');
    expect(problemOf(unknown).detail).toContain('999999');
    expect((await t.admin.get('/api/serials/999999/labels')).statusCode).toBe(404);

    const badSize = await t.admin.get(`/api/serials/${serials[0]!.id}/labels?size=2x1cm`);
    expect(badSize.statusCode).toBe(400);
    expect(problemOf(badSize).detail).toContain('62x29mm');
    const tiny = await t.admin.post('/api/labels', { serialIds: [serials[0]!.id], size: '10x10mm' });
    expect(tiny.statusCode).toBe(400);

    const empty = await t.admin.post('/api/labels', { serialIds: [] });
    expect(empty.statusCode).toBe(422);
    expect(problemOf(empty).code).toBe('NO_SERIALS');

    const tooMany = await t.admin.post('/api/labels', {
      serialIds: Array.from({ length: 5001 }, (_, i) => i + 1),
    });
    expect(tooMany.statusCode).toBe(422);
    expect(problemOf(tooMany).code).toBe('TOO_MANY_LABELS');
    expect(problemOf(tooMany).detail).toContain('5,000');
    const tooManyCopies = await t.admin.post('/api/labels', {
      serialIds: Array.from({ length: 300 }, (_, i) => i + 1),
      copies: 20,
    });
    expect(problemOf(tooManyCopies).code).toBe('TOO_MANY_LABELS');
  });

  it('prints the serials of a receipt, by id or number: one label per serial received, none of other receipts', async () => {
    const supplierId = await makeSupplier(t.admin, 'Parts Wholesale Inc.');
    const other = await makeItem(t.admin, 'STARTER-9', { primaryLocationId: locA });
    const plain = await makeItem(t.admin, 'BOLT-M8', { primaryLocationId: locA, trackSerials: false });
    const po = await createPo(t.admin, supplierId, [
      { itemId, quantityOrdered: 10 },
      { itemId: other, quantityOrdered: 2 },
      { itemId: plain, quantityOrdered: 50 },
    ]);
    const [altLine, starterLine, boltLine] = po.lines;
    const first = await t.admin.post(`/api/purchase-orders/${po.id}/receipts`, {
      lines: [
        {
          lineId: altLine!.id,
          allocations: [
            { locationId: locA, quantity: 2, serials: ['ALT-0101', 'ALT-0102'] },
            { locationId: locB, quantity: 3, serials: ['ALT-0103', 'ALT-0104', 'ALT-0105'] },
          ],
        },
        { lineId: starterLine!.id, allocations: [{ locationId: locA, quantity: 1, serials: ['ST-1'] }] },
        { lineId: boltLine!.id, allocations: [{ locationId: locA, quantity: 20 }] },
      ],
    });
    expect(first.statusCode, first.body).toBe(201);
    const receipt1 = first.json<ReceiptJson>();
    const second = await t.admin.post(`/api/purchase-orders/${po.id}/receipts`, {
      lines: [
        {
          lineId: altLine!.id,
          allocations: [{ locationId: locA, quantity: 2, serials: ['ALT-0106', 'ALT-0107'] }],
        },
      ],
    });
    expect(second.statusCode, second.body).toBe(201);
    const receipt2 = second.json<ReceiptJson>();

    const byId = pdfOf(await t.admin.get(`/api/receipts/${receipt1.receipt.id}/labels`));
    expect(byId.pages).toHaveLength(receipt1.serials.length);
    expect(byId.pages.map((p) => p.texts[0]).sort()).toEqual(
      ['ALT-0101', 'ALT-0102', 'ALT-0103', 'ALT-0104', 'ALT-0105', 'ST-1'].sort(),
    );
    const byNumber = await t.admin.get(`/api/receipts/${receipt2.receipt.number}/labels?size=3x2in`);
    expect(byNumber.headers['content-disposition']).toBe(
      `inline; filename="labels-${receipt2.receipt.number}-3x2in.pdf"`,
    );
    expect(pdfOf(byNumber).pages.map((p) => p.texts[0])).toEqual(['ALT-0106', 'ALT-0107']);

    expect((await t.admin.get('/api/receipts/RC-99999/labels')).statusCode).toBe(404);
    expect((await t.admin.get('/api/receipts/99999/labels')).statusCode).toBe(404);

    const boltsOnly = await t.admin.post(`/api/purchase-orders/${po.id}/receipts`, {
      lines: [{ lineId: boltLine!.id, allocations: [{ locationId: locA, quantity: 5 }] }],
    });
    expect(boltsOnly.statusCode, boltsOnly.body).toBe(201);
    const none = await t.admin.get(`/api/receipts/${boltsOnly.json<ReceiptJson>().receipt.id}/labels`);
    expect(none.statusCode).toBe(422);
    expect(problemOf(none).code).toBe('NO_SERIALS');
  });

  it('prints exactly the serials a receipt created, even when another receipt shares its timestamp', async () => {
    const supplierId = await makeSupplier(t.admin, 'Same Instant Supply');
    const po = await createPo(t.admin, supplierId, [{ itemId, quantityOrdered: 4 }]);
    const receive = async (serial: string) => {
      const res = await t.admin.post(`/api/purchase-orders/${po.id}/receipts`, {
        lines: [
          { lineId: po.lines[0]!.id, allocations: [{ locationId: locA, quantity: 1, serials: [serial] }] },
        ],
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<ReceiptJson>().receipt;
    };
    const first = await receive('ALT-0201');
    const second = await receive('ALT-0202');
    // Two app servers receiving one order in the same millisecond: the receipts are told apart by their links.
    const { db } = t.runtime.database;
    const { at } = await db
      .selectFrom('receipts')
      .select('at')
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow();
    await db.updateTable('receipts').set({ at }).where('id', '=', second.id).execute();
    await db
      .updateTable('serials')
      .set({ created_at: at })
      .where('serial_number', 'in', ['ALT-0201', 'ALT-0202'])
      .execute();
    expect(pdfOf(await t.admin.get(`/api/receipts/${first.id}/labels`)).pages.map((p) => p.texts[0])).toEqual(
      ['ALT-0201'],
    );
    expect(
      pdfOf(await t.admin.get(`/api/receipts/${second.number}/labels`)).pages.map((p) => p.texts[0]),
    ).toEqual(['ALT-0202']);
  });

  it('lets anyone with INV_VIEW print, and no one without it', async () => {
    const viewer = await t.userWith(['INV_VIEW']);
    pdfOf(await viewer.get(`/api/serials/${serials[0]!.id}/labels`));
    pdfOf(await viewer.post('/api/labels', { serialIds: [serials[1]!.id] }));
    const clerk = await t.userWith(['INV_TRANSFER']);
    expect((await clerk.get(`/api/serials/${serials[0]!.id}/labels`)).statusCode).toBe(403);
    expect((await clerk.post('/api/labels', { serialIds: [serials[0]!.id] })).statusCode).toBe(403);
    expect((await clerk.get('/api/label-sizes')).statusCode).toBe(403);
  });

  it('keeps the default label size as a setting only SETTINGS_ADMIN may change', async () => {
    const sizes = await t.admin.get('/api/label-sizes');
    const body = sizes.json<{ defaultSize: string; presets: { id: string; label: string }[] }>();
    expect(body.defaultSize).toBe('2x1in');
    expect(body.presets.map((p) => p.id)).toEqual(['2x1in', '2.25x1.25in', '3x2in', '62x29mm', '4x6in']);
    const viewer = await t.userWith(['INV_VIEW']);
    expect((await viewer.patch('/api/settings', { labelSize: '62x29mm' })).statusCode).toBe(403);
    const bad = await t.admin.patch('/api/settings', { labelSize: 'A4' });
    expect(bad.statusCode).toBe(400);

    const changed = await t.admin.patch('/api/settings', { labelSize: '62x29mm' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ labelSize: '62x29mm' });
    expect((await t.admin.get('/api/label-sizes')).json()).toMatchObject({ defaultSize: '62x29mm' });
    const page = pdfOf(await viewer.get(`/api/serials/${serials[0]!.id}/labels`)).pages[0]!;
    expect(page.size[0]).toBeCloseTo(62 * MM, 2);
    // A request still picks its own size.
    expect(
      pdfOf(await viewer.get(`/api/serials/${serials[0]!.id}/labels?size=2x1in`)).pages[0]!.size,
    ).toEqual([144, 72]);
    await t.admin.patch('/api/settings', { labelSize: '2x1in' });
  });

  it("resolves a label's QR payload to exactly its serial when two items share the serial number", async () => {
    const a = await makeItem(t.admin, 'PUMP/A', { primaryLocationId: locA });
    const b = await makeItem(t.admin, 'PUMP-B', { primaryLocationId: locA });
    const [onA] = await addSerials(t.admin, a, ['DUP 1/ü']);
    const [onB] = await addSerials(t.admin, b, ['DUP 1/ü']);
    const lookup = async (q: string) =>
      (await t.admin.get(`/api/serials/lookup?q=${encodeURIComponent(q)}`)).json<LookupJson>().matches;

    // The Code 128 holds the serial as typed: both units match, the UI shows a pick list.
    expect((await lookup('DUP 1/ü')).map((m) => m.id).sort()).toEqual([onA!.id, onB!.id].sort());
    // The QR payload names the item too: one match each.
    const payloadA = encodeLabelPayload({ sku: 'PUMP/A', serialNumber: 'DUP 1/ü' });
    expect(payloadA).toMatch(/^[\x21-\x7e]+$/);
    expect(await lookup(payloadA)).toEqual([expect.objectContaining({ id: onA!.id, itemSku: 'PUMP/A' })]);
    expect(await lookup(encodeLabelPayload({ sku: 'PUMP-B', serialNumber: 'DUP 1/ü' }))).toEqual([
      expect.objectContaining({ id: onB!.id, itemSku: 'PUMP-B' }),
    ]);
    // The payload printed on the label is the one the lookup resolves.
    const label = pdfOf(await t.admin.get(`/api/serials/${onA!.id}/labels`)).pages[0]!;
    expect(label.texts).toContain('PUMP/A');

    // SKU renamed since printing: the serial number alone still finds the unit (and its namesake).
    expect((await t.admin.patch(`/api/items/${b}`, { sku: 'PUMP-B2' })).statusCode).toBe(200);
    const renamed = await lookup(encodeLabelPayload({ sku: 'PUMP-B', serialNumber: 'DUP 1/ü' }));
    expect(renamed.map((m) => m.id).sort()).toEqual([onA!.id, onB!.id].sort());

    // A serial that only looks like a payload is still found as typed.
    const [odd] = await addSerials(t.admin, a, ['ST1/x']);
    expect(await lookup('ST1/x')).toEqual([expect.objectContaining({ id: odd!.id })]);
  });

  it('prints a label for a serial Code 128 cannot hold, and says so on the label', async () => {
    const [unicode] = await addSerials(t.admin, itemId, ['序列-7']);
    const page = pdfOf(await t.admin.get(`/api/serials/${unicode!.id}/labels`)).pages[0]!;
    expect(page.texts[0]).toBe('No Code 128 for this serial: scan the QR code');
    expect(page.texts[1]).toBe('??-7');
  });

  it('documents the label routes in the OpenAPI document as PDF responses', async () => {
    const doc = (await t.admin.get('/api/openapi.json')).json<{
      paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>>;
    }>();
    for (const [path, method] of [
      ['/api/serials/{id}/labels', 'get'],
      ['/api/labels', 'post'],
      ['/api/receipts/{ref}/labels', 'get'],
    ] as const) {
      expect(doc.paths[path]![method]!.responses['200']!.content).toEqual({
        'application/pdf': { schema: { type: 'string', format: 'binary' } },
      });
    }
  });
});
