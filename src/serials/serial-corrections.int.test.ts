import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  type TestApp,
} from '../../test/support/test-app.js';
import {
  expectHistoryReplays,
  makeCustomer,
  problemOf,
  serialDetail,
  type SerialDetailJson,
} from '../../test/support/documents.js';

interface PageJson {
  serials: { id: number; serialNumber: string; status: string }[];
  counts: { total: number; byStatus: Record<string, number> };
}
interface LookupJson {
  matches: { id: number; serialNumber: string; status: string; renumberedFrom: string | null }[];
}
interface VoidJson {
  voided: number;
  batch: string;
  serials: { id: number; serialNumber: string }[];
}

describeEachDialect('voiding and renumbering serials', (dialect) => {
  let t: TestApp;
  let a: number;
  let b: number;
  let customer: number;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    a = await makeLocation(t.admin, 'VD-A');
    b = await makeLocation(t.admin, 'VD-B');
    customer = await makeCustomer(t.admin, 'Void Test Customer');
  });
  afterAll(() => t?.close());

  const newItem = () => makeItem(t.admin, `VOID-${++seq}`, { primaryLocationId: a });
  const page = async (itemId: number, query = '') => {
    const res = await t.admin.get(`/api/items/${itemId}/serials?limit=500${query}`);
    expect(res.statusCode).toBe(200);
    return res.json<PageJson>();
  };
  const lookup = async (q: string, mode = 'exact') => {
    const res = await t.admin.get(`/api/serials/lookup?q=${encodeURIComponent(q)}&mode=${mode}`);
    expect(res.statusCode).toBe(200);
    return res.json<LookupJson>().matches;
  };
  const voidOne = (id: number, reason = 'Entered in error') =>
    t.admin.post(`/api/serials/${id}/void`, { reason });

  it('voids a serial entered in error: gone from the grid, counts and lookup, kept in its history', async () => {
    const itemId = await newItem();
    const [keep, mistake] = await addSerials(t.admin, itemId, ['VD-KEEP-1', 'VD-TYPO-1']);
    const res = await voidOne(mistake!.id, 'Typed twice');
    expect(res.statusCode).toBe(200);
    const d = res.json<SerialDetailJson>();
    expect(d.serial).toMatchObject({ serialNumber: 'VD-TYPO-1', status: 'voided', version: 2 });
    const last = d.history.at(-1)!;
    expect(last).toMatchObject({
      kind: 'voided',
      username: 'admin',
      fromStatus: 'in_stock',
      toStatus: 'voided',
      fromLocationId: a,
      toLocationId: a,
    });
    expect(last.data).toMatchObject({ reason: 'Typed twice', batchSize: 1 });
    expectHistoryReplays(d);

    const p = await page(itemId);
    expect(p.serials.map((s) => s.serialNumber)).toEqual(['VD-KEEP-1']);
    expect(p.counts.total).toBe(1);
    expect(p.counts.byStatus).toMatchObject({ in_stock: 1, voided: 1 });
    // The Voided chip still shows it.
    expect((await page(itemId, '&status=voided')).serials.map((s) => s.id)).toEqual([mistake!.id]);
    expect(await lookup('VD-TYPO-1')).toEqual([]);
    expect((await lookup('VD-KEEP-1')).map((m) => m.id)).toEqual([keep!.id]);
    // Not a unit on the shelf: the stock summary counts only the one kept.
    const stock = (await t.admin.get(`/api/items/${itemId}/stock`)).json<{ serialsPresent: number }>();
    expect(stock.serialsPresent).toBe(1);
    // Nor is it exported, unless Voided is asked for.
    const csv = await t.admin.get(`/api/items/${itemId}/serials.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('VD-KEEP-1');
    expect(csv.body).not.toContain('VD-TYPO-1');
    expect((await t.admin.get(`/api/items/${itemId}/serials.csv?status=voided`)).body).toContain('VD-TYPO-1');
    // A voided serial takes no other status.
    const patch = await t.admin.patch(`/api/serials/${mistake!.id}`, { status: 'in_stock' });
    expect(patch.statusCode).toBe(409);
    // Voiding again is refused in plain words.
    const again = await voidOne(mistake!.id);
    expect(again.statusCode).toBe(409);
    expect(problemOf(again)).toMatchObject({ code: 'VOID_REFUSED', detail: 'VD-TYPO-1 is already voided.' });
  });

  it('frees the number: the same serial number can be entered again, and voided again', async () => {
    const itemId = await newItem();
    const [first] = await addSerials(t.admin, itemId, ['VD-AGAIN']);
    expect((await voidOne(first!.id)).statusCode).toBe(200);
    const [second] = await addSerials(t.admin, itemId, ['VD-AGAIN']);
    expect(second!.id).not.toBe(first!.id);
    // Still unique among live serials.
    const dup = await t.admin.post(`/api/items/${itemId}/serials`, {
      serials: [{ serialNumber: 'VD-AGAIN' }],
    });
    expect(dup.statusCode).toBe(409);
    expect(problemOf(dup).code).toBe('SERIAL_EXISTS');
    expect((await lookup('VD-AGAIN')).map((m) => m.id)).toEqual([second!.id]);
    // Selling by number finds the live one, not the voided one.
    const sale = await t.admin.post('/api/sales', {
      customerId: customer,
      lines: [{ itemId, serialNumbers: ['VD-AGAIN'] }],
    });
    expect(sale.statusCode).toBe(201);
    expect((await serialDetail(t.admin, second!.id)).serial.status).toBe('reserved');
    expect((await serialDetail(t.admin, first!.id)).serial.status).toBe('voided');
    // A third entry after voiding another one of the same number.
    const [third] = await addSerials(t.admin, itemId, ['VD-AGAIN-2']);
    expect((await voidOne(third!.id)).statusCode).toBe(200);
    const [fourth] = await addSerials(t.admin, itemId, ['VD-AGAIN-2']);
    expect((await voidOne(fourth!.id)).statusCode).toBe(200);
    const p = await page(itemId);
    expect(p.counts.byStatus).toMatchObject({ reserved: 1, voided: 3, in_stock: 0 });
    expect(p.counts.total).toBe(1);
  });

  it('voids a mistaken batch of 101 in one request, one transaction, one reason, one batch id', async () => {
    const itemId = await newItem();
    const numbers = Array.from({ length: 101 }, (_, i) => `WID-${100 + i}`);
    const created = await addSerials(t.admin, itemId, [...numbers, { serialNumber: 'WID-100-0200' }]);
    const batch = created.filter((s) => s.serialNumber !== 'WID-100-0200');
    const res = await t.admin.post('/api/serials/void', {
      serialIds: batch.map((s) => s.id),
      reason: 'Scanner read WID-100-0200 as a range',
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<VoidJson>();
    expect(body.voided).toBe(101);
    expect(body.serials.map((s) => s.serialNumber).sort()).toEqual([...numbers].sort());
    const p = await page(itemId);
    expect(p.serials.map((s) => s.serialNumber)).toEqual(['WID-100-0200']);
    expect(p.counts).toMatchObject({ total: 1, byStatus: { in_stock: 1, voided: 101 } });
    for (const s of [batch[0]!, batch[50]!, batch[100]!]) {
      const d = await serialDetail(t.admin, s.id);
      expect(d.history.at(-1)!.data).toEqual({
        reason: 'Scanner read WID-100-0200 as a range',
        batch: body.batch,
        batchSize: 101,
      });
      expectHistoryReplays(d);
    }
    // Every number is free again, the whole range at once.
    expect(await addSerials(t.admin, itemId, numbers)).toHaveLength(101);
    expect((await page(itemId)).counts.total).toBe(102);
  });

  it('refuses, in plain words and all or nothing, to void a serial a sale or a transfer touched', async () => {
    const itemId = await newItem();
    const [sold, moved, edited, fresh] = await addSerials(t.admin, itemId, [
      'VD-SOLD',
      'VD-MOVED',
      'VD-EDITED',
      'VD-FRESH',
    ]);
    const sale = await t.admin.post('/api/sales', {
      customerId: customer,
      lines: [{ itemId, serialIds: [sold!.id] }],
    });
    expect(sale.statusCode).toBe(201);
    const transfer = await t.admin.post('/api/transfers', {
      fromLocationId: a,
      toLocationId: b,
      serialIds: [moved!.id],
    });
    expect(transfer.statusCode).toBe(201);
    // Edits of what was typed with it (notes) leave it voidable.
    expect(
      (await t.admin.patch(`/api/serials/${edited!.id}`, { conditionNotes: 'Scratched box' })).statusCode,
    ).toBe(200);

    const one = await voidOne(moved!.id);
    expect(one.statusCode).toBe(409);
    expect(problemOf(one).code).toBe('VOID_REFUSED');
    expect(problemOf(one).detail).toContain('VD-MOVED has been transferred since it was entered');
    expect(problemOf(one).detail).toContain('Renumber');

    const before = await page(itemId);
    const many = await t.admin.post('/api/serials/void', {
      serialIds: [sold!.id, moved!.id, edited!.id, fresh!.id],
      reason: 'Mistake',
    });
    expect(many.statusCode).toBe(409);
    const problem = problemOf(many);
    expect(problem.code).toBe('VOID_REFUSED');
    expect(problem.detail).toMatch(/^2 of the 4 serials cannot be voided .*Nothing was voided/);
    expect(problem.errors?.map((e) => [e.field, e.code]).sort()).toEqual([
      ['VD-MOVED', 'used'],
      ['VD-SOLD', 'used'],
    ]);
    expect(problem.errors?.find((e) => e.field === 'VD-SOLD')?.message).toContain('reserved on a sale');
    // Nothing changed.
    expect(await page(itemId)).toEqual(before);
    for (const s of [edited!, fresh!])
      expect((await serialDetail(t.admin, s.id)).serial.status).toBe('in_stock');

    // The two untouched ones go.
    const ok = await t.admin.post('/api/serials/void', {
      serialIds: [edited!.id, fresh!.id],
      reason: 'Mistake',
    });
    expect(ok.statusCode).toBe(200);
    expect((await page(itemId)).counts).toMatchObject({ total: 2, byStatus: { voided: 2 } });
  });

  it('refuses a serial received on a purchase order: quantity came with it', async () => {
    const itemId = await newItem();
    const supplier = (await t.admin.post('/api/suppliers', { name: `Void supplier ${seq}` })).json<{
      id: number;
    }>().id;
    const po = await t.admin.post('/api/purchase-orders', {
      supplierId: supplier,
      lines: [{ itemId, quantityOrdered: 1 }],
    });
    expect(po.statusCode).toBe(201);
    const order = po.json<{ id: number; lines: { id: number }[] }>();
    const receipt = await t.admin.post(`/api/purchase-orders/${order.id}/receipts`, {
      lines: [
        {
          lineId: order.lines[0]!.id,
          allocations: [{ locationId: a, quantity: 1, serials: ['VD-RECEIVED'] }],
        },
      ],
    });
    expect(receipt.statusCode, receipt.body).toBe(201);
    const serialId = receipt.json<{ serials: { id: number }[] }>().serials[0]!.id;
    const res = await voidOne(serialId);
    expect(res.statusCode).toBe(409);
    expect(problemOf(res).detail).toContain('created by a purchase order receipt');
    // It can still be renumbered.
    const ren = await t.admin.post(`/api/serials/${serialId}/renumber`, { serialNumber: 'VD-RECEIVED-1' });
    expect(ren.statusCode).toBe(200);
  });

  it('asks for a reason and for existing serials', async () => {
    const itemId = await newItem();
    const [s] = await addSerials(t.admin, itemId, ['VD-REASON']);
    const blank = await t.admin.post(`/api/serials/${s!.id}/void`, { reason: '   ' });
    expect(blank.statusCode).toBe(400);
    expect(problemOf(blank).detail).toContain('Say why the serial is voided');
    const missing = await t.admin.post('/api/serials/void', { serialIds: [s!.id, 999999], reason: 'x' });
    expect(missing.statusCode).toBe(422);
    expect(problemOf(missing).code).toBe('UNKNOWN_SERIAL');
    expect((await t.admin.post('/api/serials/999999/void', { reason: 'x' })).statusCode).toBe(404);
    expect((await serialDetail(t.admin, s!.id)).serial.status).toBe('in_stock');
    const stale = await t.admin.post(`/api/serials/${s!.id}/void`, { reason: 'x', version: 7 });
    expect(stale.statusCode).toBe(409);
    expect(problemOf(stale).code).toBe('STALE_SERIAL');
  });

  it('needs INV_MANAGE_SERIALS to void or renumber', async () => {
    const itemId = await newItem();
    const [s] = await addSerials(t.admin, itemId, ['VD-PERM']);
    const viewer = await t.userWith(['INV_VIEW'], `void-viewer-${dialect}`);
    for (const res of [
      await viewer.post(`/api/serials/${s!.id}/void`, { reason: 'x' }),
      await viewer.post('/api/serials/void', { serialIds: [s!.id], reason: 'x' }),
      await viewer.post(`/api/serials/${s!.id}/renumber`, { serialNumber: 'VD-PERM-2' }),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(problemOf(res).code).toBe('FORBIDDEN');
    }
    const d = await serialDetail(t.admin, s!.id);
    expect(d.serial).toMatchObject({ serialNumber: 'VD-PERM', status: 'in_stock', version: 1 });
  });

  it('renumbers a typo on any serial: history keeps old and new, lookup by the old number notes it', async () => {
    const itemId = await newItem();
    const [s] = await addSerials(t.admin, itemId, ['VD-TYOP-7']);
    // Sold units can be renumbered too: the history is what matters.
    expect(
      (await t.admin.post('/api/sales', { customerId: customer, lines: [{ itemId, serialIds: [s!.id] }] }))
        .statusCode,
    ).toBe(201);
    const res = await t.admin.post(`/api/serials/${s!.id}/renumber`, {
      serialNumber: ' VD-TYPO-7 ',
      reason: 'Letters swapped',
      version: 2,
    });
    expect(res.statusCode).toBe(200);
    const d = res.json<SerialDetailJson>();
    expect(d.serial).toMatchObject({ serialNumber: 'VD-TYPO-7', status: 'reserved', version: 3 });
    expect(d.history.at(-1)).toMatchObject({
      kind: 'renumbered',
      username: 'admin',
      data: { field: 'serialNumber', old: 'VD-TYOP-7', new: 'VD-TYPO-7', reason: 'Letters swapped' },
    });
    // Twice: the chain of old and new values replays to the number it has now.
    expect(
      (await t.admin.post(`/api/serials/${s!.id}/renumber`, { serialNumber: 'VD-TYPO-8' })).statusCode,
    ).toBe(200);
    const twice = await serialDetail(t.admin, s!.id);
    expect(twice.serial.serialNumber).toBe('VD-TYPO-8');
    expectHistoryReplays(twice);

    expect(await lookup('VD-TYOP-7')).toEqual([
      expect.objectContaining({ id: s!.id, serialNumber: 'VD-TYPO-8', renumberedFrom: 'VD-TYOP-7' }),
    ]);
    expect(await lookup('VD-TYPO-7')).toEqual([
      expect.objectContaining({ id: s!.id, serialNumber: 'VD-TYPO-8', renumberedFrom: 'VD-TYPO-7' }),
    ]);
    expect(await lookup('VD-TYPO-8')).toEqual([expect.objectContaining({ id: s!.id, renumberedFrom: null })]);
    // Prefix lookup lists it once, under its current number.
    expect((await lookup('VD-TY', 'prefix')).filter((m) => m.id === s!.id)).toHaveLength(1);
    // The old number is free for a new unit; the lookup then finds both, the live one first.
    const [newcomer] = await addSerials(t.admin, itemId, ['VD-TYOP-7']);
    expect((await lookup('VD-TYOP-7')).map((m) => [m.id, m.renumberedFrom])).toEqual([
      [newcomer!.id, null],
      [s!.id, 'VD-TYOP-7'],
    ]);
  });

  it('renumbers under the same uniqueness rules: 409 for a live number, fine for a voided one', async () => {
    const itemId = await newItem();
    const [x, y, z] = await addSerials(t.admin, itemId, ['VD-X', 'VD-Y', 'VD-Z']);
    const taken = await t.admin.post(`/api/serials/${x!.id}/renumber`, { serialNumber: 'VD-Y' });
    expect(taken.statusCode).toBe(409);
    expect(problemOf(taken)).toMatchObject({
      code: 'SERIAL_EXISTS',
      detail: 'Serial "VD-Y" already exists for VOID-' + String(seq) + '. Choose another number.',
    });
    // Another item's serial of the same number is no conflict.
    const other = await newItem();
    await addSerials(t.admin, other, ['VD-W']);
    expect((await t.admin.post(`/api/serials/${x!.id}/renumber`, { serialNumber: 'VD-W' })).statusCode).toBe(
      200,
    );
    // A voided number is free.
    expect((await voidOne(z!.id)).statusCode).toBe(200);
    expect((await t.admin.post(`/api/serials/${y!.id}/renumber`, { serialNumber: 'VD-Z' })).statusCode).toBe(
      200,
    );
    // A voided serial keeps its number.
    const voided = await t.admin.post(`/api/serials/${z!.id}/renumber`, { serialNumber: 'VD-Z2' });
    expect(voided.statusCode).toBe(409);
    expect(problemOf(voided).code).toBe('SERIAL_VOIDED');
    // The one rule for what a serial number may be.
    for (const bad of ['', '   ', 'A\tB', 'x'.repeat(101)]) {
      const res = await t.admin.post(`/api/serials/${y!.id}/renumber`, { serialNumber: bad });
      expect(res.statusCode, bad).toBe(422);
      expect(problemOf(res).code).toBe('BAD_SERIAL');
    }
    const same = await t.admin.post(`/api/serials/${y!.id}/renumber`, { serialNumber: 'VD-Z' });
    expect(problemOf(same).code).toBe('SAME_SERIAL_NUMBER');
    expect((await page(itemId)).serials.map((s) => s.serialNumber)).toEqual(['VD-W', 'VD-Z']);
  });

  it('voids an imported serial, and a new import of the same number creates one new serial', async () => {
    const itemId = await newItem();
    const token = (await t.services.auth.createTokenForUsername('admin', `void import ${seq}`)).token;
    const importCsv = async (csv: string) => {
      const opened = await t.admin.post('/api/imports', { fileName: 'serials.csv', itemId });
      expect(opened.statusCode, opened.body).toBe(201);
      const id = opened.json<{ id: number }>().id;
      const dry = await t.app.inject({
        method: 'PUT',
        url: `/api/imports/${id}/file`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        payload: csv,
      });
      expect(dry.statusCode, dry.body).toBe(200);
      expect(dry.json<{ report: { errorCount: number } }>().report.errorCount).toBe(0);
      const commit = await t.admin.post(`/api/imports/${id}/commit`);
      expect(commit.statusCode, commit.body).toBe(200);
      return commit.json<{ serialsCreated: number }>().serialsCreated;
    };
    expect(await importCsv('Serial Number\r\nIMPV-1\r\nIMPV-2\r\n')).toBe(2);
    const first = (await page(itemId)).serials.find((s) => s.serialNumber === 'IMPV-1')!;
    expect((await voidOne(first.id)).statusCode).toBe(200);
    // IMPV-1 is free again; IMPV-2 still exists and is reported by the dry run.
    expect(await importCsv('Serial Number\r\nIMPV-1\r\n')).toBe(1);
    const second = (await page(itemId)).serials.find((s) => s.serialNumber === 'IMPV-1')!;
    expect(second.id).not.toBe(first.id);
    // Each has its own history: the new import's rows were not joined onto the voided serial.
    expect((await serialDetail(t.admin, first.id)).history.map((e) => e.kind)).toEqual(['created', 'voided']);
    expect((await serialDetail(t.admin, second.id)).history.map((e) => e.kind)).toEqual(['created']);
    expect((await page(itemId)).counts).toMatchObject({ total: 2, byStatus: { in_stock: 2, voided: 1 } });
  });

  it('races a void against a sale of the same serial: exactly one wins, the history replays', async () => {
    for (let round = 0; round < 5; round++) {
      const itemId = await newItem();
      const [s] = await addSerials(t.admin, itemId, [`VD-RACE-${round}`]);
      const [voided, sold] = await Promise.all([
        voidOne(s!.id, 'Race'),
        t.admin.post('/api/sales', { customerId: customer, lines: [{ itemId, serialIds: [s!.id] }] }),
      ]);
      const won = [voided.statusCode === 200, sold.statusCode === 201];
      expect(won.filter(Boolean), `${voided.body} | ${sold.body}`).toHaveLength(1);
      // The sale that lost refuses the voided serial (422, not In Stock) or meets the void mid-write (409).
      const loser = won[0] ? sold : voided;
      expect(won[0] ? [409, 422] : [409]).toContain(loser.statusCode);
      const d = await serialDetail(t.admin, s!.id);
      expect(d.serial.status).toBe(won[0] ? 'voided' : 'reserved');
      expect(d.history.filter((e) => e.kind === 'voided' || e.kind === 'reserved')).toHaveLength(1);
      expectHistoryReplays(d);
      const p = await page(itemId);
      expect(p.counts.byStatus).toMatchObject(
        won[0] ? { in_stock: 0, reserved: 0, voided: 1 } : { in_stock: 0, reserved: 1, voided: 0 },
      );
      expect(p.counts.total).toBe(won[0] ? 0 : 1);
    }
  });

  it('races two renumbers to the same number: one 200, one 409 SERIAL_EXISTS', async () => {
    const itemId = await newItem();
    const [p, q] = await addSerials(t.admin, itemId, ['VD-P', 'VD-Q']);
    const responses = await Promise.all(
      [p!, q!].map((s) => t.admin.post(`/api/serials/${s.id}/renumber`, { serialNumber: 'VD-PQ' })),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(problemOf(responses.find((r) => r.statusCode === 409)!).code).toBe('SERIAL_EXISTS');
    expect((await page(itemId)).serials.map((s) => s.serialNumber).sort()).toEqual(
      responses[0]!.statusCode === 200 ? ['VD-PQ', 'VD-Q'] : ['VD-P', 'VD-PQ'],
    );
  });
});
