import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { expectAllHistoriesReplay } from '../../test/support/history-replay.js';
import {
  adjustStock,
  makeCustomer,
  problemOf,
  serialDetail,
  stockByCode,
  type SerialDetailJson,
} from '../../test/support/documents.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  openSecondServer,
  type Client,
  type SecondServer,
  type TestApp,
} from '../../test/support/test-app.js';

interface ScanJson {
  result: string;
  good: boolean;
  message: string;
  serial: { id: number; sku: string; status: string; locationCode: string } | null;
}
interface CountJson {
  id: number;
  number: string;
  status: string;
  tallies: Record<string, number>;
  result: {
    transfers: string[];
    markedMissing: number;
    markedFound: number;
    added: number;
    adjustments: { number: string; sku: string; locationCode: string; delta: number }[];
    skipped: { serialNumber: string; code: string; reason: string }[];
    skippedTotal: number;
  } | null;
}
interface ReviewJson {
  lines: {
    sku: string;
    locationCode: string;
    expected: number;
    found: number;
    missing: number;
    quantityOnHand: number;
  }[];
  missing: { total: number; serials: { serialNumber: string }[] };
  misplaced: { total: number; serials: { serialNumber: string; recordedLocationCode: string }[] };
  unexpected: { total: number; serials: { serialNumber: string; status: string }[] };
  foundMissing: { total: number; serials: { serialNumber: string }[] };
  unknown: { total: number; serials: { serialNumber: string }[] };
}

const LEAVE_ALL = {
  misplaced: 'leave',
  notFound: 'leave',
  foundMissing: 'leave',
  addUnknown: [],
  quantity: 'leave',
} as const;

describeEachDialect('stock counts', (dialect) => {
  let t: TestApp;
  let a: number;
  let b: number;
  let w: number;
  let other: number;
  const id = new Map<string, number>();

  async function startCount(client: Client, body: Record<string, unknown>): Promise<CountJson> {
    const res = await client.post('/api/counts', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<CountJson>();
  }
  async function scan(client: Client, countId: number, text: string, locationId?: number) {
    const res = await client.post(`/api/counts/${countId}/scans`, {
      text,
      ...(locationId && { locationId }),
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<ScanJson>();
  }

  beforeAll(async () => {
    t = await createTestApp(dialect);
    a = await makeLocation(t.admin, 'CT-A');
    b = await makeLocation(t.admin, 'CT-B');
    w = await makeItem(t.admin, 'CT-W', { primaryLocationId: a });
    other = await makeItem(t.admin, 'CT-O', { primaryLocationId: a });
    const made = await addSerials(t.admin, w, [
      ...['W-1', 'W-2', 'W-3', 'W-4', 'W-5', 'W-7', 'W-8', 'W-9', 'W-10', 'W-11'].map((s) => ({
        serialNumber: s,
        locationId: a,
      })),
      { serialNumber: 'W-6', locationId: b },
      { serialNumber: 'W-12', locationId: b },
    ]);
    for (const s of made) id.set(s.serialNumber, s.id);
    for (const s of await addSerials(t.admin, other, [{ serialNumber: 'O-1', locationId: a }]))
      id.set(s.serialNumber, s.id);
    await adjustStock(t.admin, w, a, 10);
    const customerId = await makeCustomer(t.admin, 'Count Customer');
    const sold = await t.admin.post('/api/sales', {
      customerId,
      complete: true,
      lines: [{ itemId: w, serialIds: [id.get('W-7')] }],
    });
    expect(sold.statusCode, sold.body).toBe(201);
    const reserved = await t.admin.post('/api/sales', {
      customerId,
      lines: [{ itemId: w, serialIds: [id.get('W-10')] }],
    });
    expect(reserved.statusCode, reserved.body).toBe(201);
    const scrapped = await t.admin.patch(`/api/serials/${id.get('W-8')}`, { status: 'scrapped' });
    expect(scrapped.statusCode, scrapped.body).toBe(200);
    const damaged = await t.admin.patch(`/api/serials/${id.get('W-11')}`, { status: 'damaged' });
    expect(damaged.statusCode, damaged.body).toBe(200);
    const voided = await t.admin.post('/api/serials/void', { serialIds: [id.get('W-9')], reason: 'typo' });
    expect(voided.statusCode, voided.body).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('numbers counts CNT-000001 and classifies every kind of scan at once', async () => {
    const count = await startCount(t.admin, { locationIds: [a] });
    expect(count.number).toMatch(/^CNT-\d{6}$/);
    expect(count.status).toBe('open');
    const answers: Record<string, string> = {};
    for (const text of ['W-1', 'ST1/CT-W/W-2', 'W-6', 'W-7', 'W-8', 'W-9', 'NOPE-1', 'W-1', 'ST1/CT-X/W-3']) {
      answers[text] = (await scan(t.admin, count.id, text)).result;
    }
    expect(answers).toEqual({
      'W-1': 'duplicate',
      'ST1/CT-W/W-2': 'expected',
      'W-6': 'misplaced',
      'W-7': 'not_in_stock',
      'W-8': 'not_in_stock',
      'W-9': 'not_in_stock',
      'NOPE-1': 'unknown',
      'ST1/CT-X/W-3': 'unknown',
    });
    const again = await scan(t.admin, count.id, 'W-12');
    expect(again).toMatchObject({ result: 'misplaced', good: false });
    expect(again.message).toContain('CT-B');

    const detail = (await t.admin.get(`/api/counts/${count.id}`)).json<CountJson>();
    expect(detail.tallies).toMatchObject({
      scans: 10,
      foundExpected: 2,
      misplaced: 2,
      notInStock: 3,
      unknown: 2,
    });

    const review = (await t.admin.get(`/api/counts/${count.id}/review`)).json<ReviewJson>();
    expect(review.missing.serials.map((s) => s.serialNumber).sort()).toEqual([
      'O-1',
      'W-10',
      'W-11',
      'W-3',
      'W-4',
      'W-5',
    ]);
    expect(review.misplaced.serials.map((s) => s.serialNumber).sort()).toEqual(['W-12', 'W-6']);
    expect(review.unexpected.total).toBe(3);
    expect(review.unknown.serials.map((s) => s.serialNumber).sort()).toEqual(['NOPE-1', 'W-3']);
    expect(review.lines).toContainEqual(
      expect.objectContaining({
        sku: 'CT-W',
        locationCode: 'CT-A',
        expected: 7,
        found: 4,
        missing: 5,
        quantityOnHand: 9,
      }),
    );

    const csv = await t.admin.get(`/api/counts/${count.id}/review.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('Not found,W-3,CT-W');
    const pdf = await t.admin.get(`/api/counts/${count.id}/review.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toContain('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    // A sale of a counted, misplaced unit while the count is open is allowed; the reconcile skips it.
    const customerId = await makeCustomer(t.admin, 'During the count');
    const sale = await t.admin.post('/api/sales', {
      customerId,
      complete: true,
      lines: [{ itemId: w, serialIds: [id.get('W-12')] }],
    });
    expect(sale.statusCode, sale.body).toBe(201);

    const bad = await t.admin.post(`/api/counts/${count.id}/reconcile`, {
      ...LEAVE_ALL,
      addUnknown: [{ serialNumber: 'W-1', itemId: w }],
    });
    expect(bad.statusCode).toBe(422);
    expect(problemOf(bad).code).toBe('INVALID_RECONCILE');

    const res = await t.admin.post(`/api/counts/${count.id}/reconcile`, {
      misplaced: 'transfer',
      notFound: 'mark_missing',
      foundMissing: 'mark_found',
      addUnknown: [{ serialNumber: 'NOPE-1', itemId: w }],
      quantity: 'set_to_counted',
    });
    expect(res.statusCode, res.body).toBe(200);
    const closed = res.json<CountJson>();
    expect(closed.status).toBe('closed');
    expect(closed.result).toMatchObject({ markedMissing: 5, markedFound: 0, added: 1 });
    expect(closed.result!.transfers).toHaveLength(1);
    expect(closed.result!.skipped.map((s) => `${s.serialNumber} ${s.code}`).sort()).toEqual([
      'W-10 not_found_reserved',
      'W-12 not_movable',
    ]);
    // W-1, W-2, W-6 and the added NOPE-1 counted at CT-A against 9 on hand (the sale of W-7 took one).
    expect(closed.result!.adjustments).toEqual([
      expect.objectContaining({ sku: 'CT-W', locationCode: 'CT-A', delta: -5 }),
    ]);
    expect(await stockByCode(t.admin, w)).toEqual({ 'CT-A': 4 });

    const moved = await serialDetail(t.admin, id.get('W-6')!);
    expect(moved.serial).toMatchObject({ locationCode: 'CT-A', status: 'in_stock' });
    expect(moved.serial.usedOn).toEqual({ type: 'count', number: count.number });
    expect(moved.history.at(-1)).toMatchObject({ kind: 'transferred', fromLocationCode: 'CT-B' });
    const missing = await serialDetail(t.admin, id.get('W-3')!);
    expect(missing.serial).toMatchObject({ status: 'missing' });
    expect(missing.serial.usedOn).toEqual({ type: 'count', number: count.number });
    expect(missing.history.at(-1)).toMatchObject({
      kind: 'marked_missing',
      document: { type: 'count', number: count.number },
      fromStatus: 'in_stock',
      toStatus: 'missing',
    });
    const added = await t.admin.get(`/api/serials/lookup?q=NOPE-1`);
    expect(added.body).toContain('CT-W');
    const resolved = await t.admin.get(`/api/documents/resolve?type=count&number=${count.number}`);
    expect(resolved.json()).toMatchObject({ type: 'count', id: count.id });

    // Closed: nothing changes it any more.
    for (const r of [
      await t.admin.post(`/api/counts/${count.id}/scans`, { text: 'W-1' }),
      await t.admin.post(`/api/counts/${count.id}/reconcile`, LEAVE_ALL),
    ]) {
      expect(r.statusCode).toBe(409);
      expect(problemOf(r).code).toBe('COUNT_CLOSED');
    }
    expect(await expectAllHistoriesReplay(t.runtime.database.db, [w])).toBeGreaterThan(10);
  });

  it('finds Missing units again: in a later count, and with Mark found', async () => {
    const count = await startCount(t.admin, { locationIds: [a, b], itemIds: [w] });
    expect((await scan(t.admin, count.id, 'W-3', b)).result).toBe('missing');
    expect((await scan(t.admin, count.id, 'O-1', a)).result).toBe('not_in_count');
    const noPlace = await t.admin.post(`/api/counts/${count.id}/scans`, { text: 'W-1' });
    expect(noPlace.statusCode).toBe(422);
    expect(problemOf(noPlace).code).toBe('LOCATION_REQUIRED');
    const res = await t.admin.post(`/api/counts/${count.id}/reconcile`, {
      ...LEAVE_ALL,
      foundMissing: 'mark_found',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<CountJson>().result).toMatchObject({ markedFound: 1, markedMissing: 0, transfers: [] });
    const found: SerialDetailJson = await serialDetail(t.admin, id.get('W-3')!);
    expect(found.serial).toMatchObject({ status: 'in_stock', locationCode: 'CT-B' });
    expect(found.history.at(-1)).toMatchObject({
      kind: 'found',
      fromStatus: 'missing',
      toStatus: 'in_stock',
    });

    const mark = await t.admin.post(`/api/serials/${id.get('W-4')}/mark-found`, { locationId: b });
    expect(mark.statusCode, mark.body).toBe(200);
    expect((await serialDetail(t.admin, id.get('W-4')!)).serial).toMatchObject({
      status: 'in_stock',
      locationCode: 'CT-B',
    });
    const twice = await t.admin.post(`/api/serials/${id.get('W-4')}/mark-found`, { locationId: b });
    expect(twice.statusCode).toBe(409);
    expect(problemOf(twice).code).toBe('NOT_MISSING');
    // Missing is the count's to set, and comes back only by Mark found.
    const manual = await t.admin.patch(`/api/serials/${id.get('W-5')}`, { status: 'in_stock' });
    expect(manual.statusCode).toBe(409);
    expect(problemOf(manual).detail).toContain('Mark found');
    expect(await expectAllHistoriesReplay(t.runtime.database.db, [w])).toBeGreaterThan(10);
  });

  it('refuses bad input and closed or unknown counts without storing anything', async () => {
    const count = await startCount(t.admin, { locationIds: [a] });
    const cases = [
      await t.admin.post('/api/counts', { locationIds: [] }),
      await t.admin.post('/api/counts', { locationIds: [999999] }),
      await t.admin.post(`/api/counts/${count.id}/scans`, { text: 'SN\u200b9' }),
      await t.admin.post(`/api/counts/${count.id}/scans`, { text: 'W-1', locationId: b }),
      await t.admin.post(`/api/counts/${count.id}/reconcile`, { misplaced: 'transfer' }),
    ];
    expect(cases.map((r) => r.statusCode)).toEqual([400, 422, 422, 422, 400]);
    expect((await t.admin.post('/api/counts/999999/scans', { text: 'W-1' })).statusCode).toBe(404);
    expect((await t.admin.get(`/api/counts/${count.id}`)).json<CountJson>().tallies['scans']).toBe(0);
  });

  it('checks permissions: INV_COUNT to count, INV_MANAGE_SERIALS to reconcile', async () => {
    const viewer = await t.userWith(['INV_VIEW']);
    const counter = await t.userWith(['INV_VIEW', 'INV_COUNT']);
    expect((await viewer.post('/api/counts', { locationIds: [a] })).statusCode).toBe(403);
    const count = await startCount(counter, { locationIds: [a] });
    expect((await viewer.post(`/api/counts/${count.id}/scans`, { text: 'W-1' })).statusCode).toBe(403);
    expect((await scan(counter, count.id, 'W-1')).result).toBe('expected');
    const refused = await counter.post(`/api/counts/${count.id}/reconcile`, LEAVE_ALL);
    expect(refused.statusCode).toBe(403);
    const roles = (await t.admin.get('/api/roles')).json<
      { name: string; permissions: string[] }[] | { roles: { name: string; permissions: string[] }[] }
    >();
    const list = Array.isArray(roles) ? roles : roles.roles;
    for (const name of ['Inventory manager', 'Clerk']) {
      expect(list.find((r) => r.name === name)?.permissions).toContain('INV_COUNT');
    }
  });

  describe('several people and app servers on one count', () => {
    let second: SecondServer | undefined;
    beforeAll(async () => {
      if (dialect === 'postgres') second = await openSecondServer(t);
    });
    afterAll(async () => {
      await second?.close();
    });

    it('parallel duplicate scans resolve to one entry per serial', async () => {
      const item = await makeItem(t.admin, 'CT-PAR', { primaryLocationId: b });
      const numbers = Array.from({ length: 30 }, (_, i) => `PAR-${i}`);
      await addSerials(
        t.admin,
        item,
        numbers.map((serialNumber) => ({ serialNumber, locationId: b })),
      );
      const count = await startCount(t.admin, { locationIds: [b], itemIds: [item] });
      const clients = [t.admin, second?.admin ?? t.admin];
      const answers = await Promise.all(
        numbers.flatMap((n) => [0, 1, 2, 3].map((k) => scan(clients[k % 2]!, count.id, n))),
      );
      const byResult: Record<string, number> = {};
      for (const r of answers) byResult[r.result] = (byResult[r.result] ?? 0) + 1;
      expect(byResult).toEqual({ expected: 30, duplicate: 90 });
      const seen = (await (second?.admin ?? t.admin).get(`/api/counts/${count.id}`)).json<CountJson>();
      expect(seen.tallies).toMatchObject({ scans: 120, foundExpected: 30, expected: 30 });
    });
  });
});
