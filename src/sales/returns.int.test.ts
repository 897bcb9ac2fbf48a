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
  adjustStock,
  errorList,
  expectHistoryReplays,
  makeCustomer,
  problemOf,
  serialDetail,
  stockByCode,
  stockOf,
  todayPlusMonths,
  type ReturnJson,
  type SaleJson,
} from '../../test/support/documents.js';

interface SaleWithReturns extends SaleJson {
  returns: {
    id: number;
    number: string;
    at: string;
    locationCode: string;
    username: string;
    serials: {
      serialNumber: string;
      status: string;
      disposition: string | null;
      awaitingDisposition: boolean;
    }[];
  }[];
}

describeEachDialect('customer returns', (dialect) => {
  let t: TestApp;
  let shelf: number;
  let returnsShelf: number;
  let alice: number;
  let bob: number;
  let itemId: number;
  let ids: Record<string, number>;
  let saleToAlice: SaleJson;
  let saleToBob: SaleJson;
  let openSale: SaleJson;

  async function sale(customerId: number, serials: string[], complete = true): Promise<SaleJson> {
    const res = await t.admin.post('/api/sales', {
      customerId,
      complete,
      lines: [{ itemId, serialNumbers: serials }],
    });
    if (res.statusCode !== 201) throw new Error(`sale: ${res.statusCode} ${res.body}`);
    return res.json<SaleJson>();
  }

  const giveBack = (body: Record<string, unknown>) => t.admin.post('/api/returns', body);

  beforeAll(async () => {
    t = await createTestApp(dialect);
    shelf = await makeLocation(t.admin, 'R1-1A');
    returnsShelf = await makeLocation(t.admin, 'RET-1');
    alice = await makeCustomer(t.admin, 'Alice Auto');
    bob = await makeCustomer(t.admin, 'Bob Body Shop');
    itemId = await makeItem(t.admin, 'STARTER-9', { primaryLocationId: shelf, warrantyMonths: 24 });
    const created = await addSerials(t.admin, itemId, ['R-1', 'R-2', 'R-3', 'R-4', 'R-5', 'R-6']);
    ids = Object.fromEntries(created.map((s) => [s.serialNumber, s.id]));
    await adjustStock(t.admin, itemId, shelf, 6);
    saleToAlice = await sale(alice, ['R-1', 'R-2', 'R-3']);
    saleToBob = await sale(bob, ['R-4']);
    openSale = await sale(alice, ['R-5'], false);
  });
  afterAll(() => t?.close());

  it('takes a unit back: Returned at the chosen location with condition notes, quantity up there', async () => {
    expect(await stockByCode(t.admin, itemId)).toEqual({ 'R1-1A': 2 });
    const res = await giveBack({
      saleId: saleToAlice.id,
      locationId: returnsShelf,
      notes: ' Customer changed car ',
      serials: [{ serialId: ids['R-1']!, conditionNotes: '  Box dented ' }],
    });
    expect(res.statusCode).toBe(201);
    const ret = res.json<ReturnJson>();
    expect(ret).toMatchObject({
      saleId: saleToAlice.id,
      saleNumber: saleToAlice.number,
      customerName: 'Alice Auto',
      locationId: returnsShelf,
      locationCode: 'RET-1',
      username: 'admin',
      serials: [{ id: ids['R-1'], serialNumber: 'R-1', itemId, conditionNotes: 'Box dented' }],
    });
    expect(ret.number).toMatch(/^RT-\d+$/);
    expect((await t.admin.get(`/api/returns/${ret.id}`)).json<ReturnJson>()).toMatchObject({
      ...ret,
      notes: 'Customer changed car',
    });

    const d = await serialDetail(t.admin, ids['R-1']!);
    expect(d.serial).toMatchObject({
      status: 'returned',
      locationId: returnsShelf,
      locationCode: 'RET-1',
      conditionNotes: 'Box dented',
      usedOn: { type: 'return', number: ret.number },
      source: { type: 'manual', number: null },
    });
    expect(d.history.map((e) => e.kind)).toEqual(['created', 'reserved', 'sold', 'returned']);
    expect(d.history.at(-1)).toMatchObject({
      kind: 'returned',
      fromStatus: 'sold',
      toStatus: 'returned',
      fromLocationCode: 'R1-1A',
      toLocationCode: 'RET-1',
      customerName: 'Alice Auto',
      document: { type: 'return', number: ret.number },
      username: 'admin',
      data: { conditionNotes: 'Box dented' },
    });
    expectHistoryReplays(d);

    // Quantity rises where the unit was put; serials present match it.
    expect(await stockByCode(t.admin, itemId)).toEqual({ 'R1-1A': 2, 'RET-1': 1 });
    const stock = await stockOf(t.admin, itemId);
    expect(stock).toMatchObject({ quantityOnHand: 3, serialsPresent: 3, mismatch: 0 });

    const resolved = await t.admin.get(`/api/documents/resolve?type=return&number=${ret.number}`);
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json<{ id: number; saleId?: number }>()).toMatchObject({ id: ret.id });
    expect((await t.admin.get('/api/returns/999999')).statusCode).toBe(404);
  });

  it('takes back only units sold on that sale to that customer; all or nothing', async () => {
    const stockBefore = await stockOf(t.admin, itemId);
    const r2Before = await serialDetail(t.admin, ids['R-2']!);
    const res = await giveBack({
      saleId: saleToAlice.id,
      locationId: returnsShelf,
      serials: [
        { serialId: ids['R-2']! }, // fine on its own
        { serialId: ids['R-4']! }, // sold, but on Bob's sale
        { serialId: ids['R-1']! }, // already returned
        { serialId: ids['R-6']! }, // never sold
        { serialId: 999999 },
        { serialId: ids['R-2']! }, // twice
      ],
    });
    expect(res.statusCode).toBe(422);
    expect(problemOf(res).code).toBe('RETURN_REJECTED');
    expect(errorList(res)).toEqual(
      [
        `${ids['R-4']} not_on_sale`,
        'R-1 not_sold',
        `${ids['R-6']} not_on_sale`,
        '999999 not_on_sale',
        'R-2 duplicate_in_entry',
      ].sort(),
    );
    expect(problemOf(res).errors!.find((e) => e.code === 'not_sold')!.message).toContain('Returned');
    expect(await serialDetail(t.admin, ids['R-2']!)).toEqual(r2Before);
    expect(await stockOf(t.admin, itemId)).toEqual(stockBefore);

    // Against the right sale Bob's unit comes back.
    const bobs = await giveBack({
      saleId: saleToBob.id,
      locationId: shelf,
      serials: [{ serialId: ids['R-4']! }],
    });
    expect(bobs.statusCode).toBe(201);
    expect((await serialDetail(t.admin, ids['R-4']!)).history.at(-1)).toMatchObject({
      kind: 'returned',
      customerName: 'Bob Body Shop',
    });

    // An open sale has nothing to return; a missing sale or location is named.
    const open = await giveBack({
      saleId: openSale.id,
      locationId: shelf,
      serials: [{ serialId: ids['R-5']! }],
    });
    expect(open.statusCode).toBe(409);
    expect(problemOf(open).code).toBe('SALE_NOT_COMPLETED');
    expect((await giveBack({ saleId: 999999, locationId: shelf, serials: [] })).statusCode).toBe(404);
    const noPlace = await giveBack({
      saleId: saleToAlice.id,
      locationId: 999999,
      serials: [{ serialId: ids['R-2']! }],
    });
    expect(noPlace.statusCode).toBe(422);
    expect(problemOf(noPlace).code).toBe('UNKNOWN_LOCATION');
    const closedShelf = await makeLocation(t.admin, 'CLOSED-1');
    await t.admin.patch(`/api/locations/${closedShelf}`, { active: false });
    const inactive = await giveBack({
      saleId: saleToAlice.id,
      locationId: closedShelf,
      serials: [{ serialId: ids['R-2']! }],
    });
    expect(inactive.statusCode).toBe(422);
    expect(problemOf(inactive).code).toBe('INACTIVE_LOCATION');
    const empty = await giveBack({ saleId: saleToAlice.id, locationId: shelf, serials: [] });
    expect(empty.statusCode).toBe(422);
    expect(errorList(empty)).toEqual(['serials empty']);
    expect(await serialDetail(t.admin, ids['R-2']!)).toEqual(r2Before);
  });

  it('Sold, Reserved and Returned cannot be set by hand', async () => {
    const res = await t.admin.patch(`/api/serials/${ids['R-2']!}`, { status: 'returned' });
    expect(res.statusCode).toBe(409);
    expect(problemOf(res).code).toBe('ILLEGAL_STATUS_CHANGE');
    expect(problemOf(res).detail).toContain('customer return');
    expect((await serialDetail(t.admin, ids['R-2']!)).serial.status).toBe('sold');
  });

  it('after a return the unit is restocked, marked Damaged or Scrapped on the return, each recorded', async () => {
    const res = await giveBack({
      saleId: saleToAlice.id,
      locationId: returnsShelf,
      serials: [{ serialId: ids['R-2']!, conditionNotes: 'Cracked housing' }, { serialId: ids['R-3']! }],
    });
    expect(res.statusCode).toBe(201);
    const second = res.json<ReturnJson>();
    expect(await stockByCode(t.admin, itemId)).toEqual({ 'R1-1A': 3, 'RET-1': 3 });
    const first = (await t.admin.get(`/api/sales/${saleToAlice.id}`)).json<SaleWithReturns>().returns[0]!;
    expect((await serialDetail(t.admin, ids['R-1']!)).serial).toMatchObject({
      customerName: 'Alice Auto',
      warrantyStatus: 'under_warranty',
    });

    // By hand the Serial Detail cannot leave Returned: the return decides, so the customer is cleared.
    const byHand = await t.admin.patch(`/api/serials/${ids['R-1']!}`, { status: 'in_stock' });
    expect(byHand.statusCode).toBe(409);
    expect(problemOf(byHand).detail).toContain('customer return');

    // A clerk who takes returns (no INV_MANAGE_SERIALS) restocks.
    const clerk = await t.userWith(['INV_VIEW', 'RETURNS_MANAGE']);
    const restock = await clerk.post(`/api/returns/${first.id}/disposition`, {
      serials: [{ serialId: ids['R-1']!, disposition: 'restock', note: ' Inspected OK ' }],
    });
    expect(restock.statusCode).toBe(200);
    expect(restock.json<ReturnJson>().serials).toEqual([
      expect.objectContaining({
        serialNumber: 'R-1',
        status: 'in_stock',
        disposition: 'restock',
        awaitingDisposition: false,
      }),
    ]);
    const dispose = await t.admin.post(`/api/returns/${second.id}/disposition`, {
      serials: [
        { serialId: ids['R-2']!, disposition: 'damaged' },
        { serialId: ids['R-3']!, disposition: 'scrapped', note: 'Burnt out' },
      ],
    });
    expect(dispose.statusCode).toBe(200);

    for (const [n, to, kind, note] of [
      ['R-1', 'in_stock', 'restocked', 'Inspected OK'],
      ['R-2', 'damaged', 'marked_damaged', undefined],
      ['R-3', 'scrapped', 'scrapped', 'Burnt out'],
    ] as const) {
      const d = await serialDetail(t.admin, ids[n]!);
      // An unsold unit back with us: no customer, no running warranty; the history keeps the sale.
      expect(d.serial).toMatchObject({
        status: to,
        locationCode: 'RET-1',
        customerId: null,
        customerName: null,
        warrantyEndDate: null,
        warrantyStatus: 'no_warranty',
      });
      expect(d.history.at(-1)).toMatchObject({
        kind,
        fromStatus: 'returned',
        toStatus: to,
        document: { type: 'return', number: n === 'R-1' ? first.number : second.number },
        username: n === 'R-1' ? clerk.username : 'admin',
        data: {
          ...(note && { note }),
          previousCustomerId: alice,
          previousWarrantyEndDate: todayPlusMonths(24),
        },
      });
      expect(d.history.some((e) => e.kind === 'sold' && e.customerName === 'Alice Auto')).toBe(true);
      expectHistoryReplays(d);
    }
    expect((await serialDetail(t.admin, ids['R-2']!)).serial.conditionNotes).toBe('Cracked housing');
    // Scrapping writes off the unit the return brought back; Damaged stays on the shelf, counted.
    expect(await stockByCode(t.admin, itemId)).toEqual({ 'R1-1A': 3, 'RET-1': 2 });
    expect(await stockOf(t.admin, itemId)).toMatchObject({
      quantityOnHand: 5,
      serialsPresent: 5,
      mismatch: 0,
    });

    // A disposition is given once.
    const again = await t.admin.post(`/api/returns/${second.id}/disposition`, {
      serials: [{ serialId: ids['R-2']!, disposition: 'restock' }],
    });
    expect(again.statusCode).toBe(422);
    expect(errorList(again)).toEqual(['R-2 not_returned']);
    expect((await serialDetail(t.admin, ids['R-2']!)).serial.status).toBe('damaged');

    // A restocked unit sells again with a new warranty.
    const resold = await sale(bob, ['R-1']);
    expect(resold.status).toBe('completed');
    expect((await serialDetail(t.admin, ids['R-1']!)).serial).toMatchObject({
      status: 'sold',
      customerName: 'Bob Body Shop',
      usedOn: { type: 'sale', number: resold.number },
      warrantyEndDate: todayPlusMonths(24),
    });
  });

  it('a disposition is all or nothing and needs RETURNS_MANAGE', async () => {
    // Bob's R-4 came back to R1-1A and waits for a disposition.
    const ret = (await t.admin.get(`/api/sales/${saleToBob.id}`)).json<SaleWithReturns>().returns[0]!;
    const before = await stockByCode(t.admin, itemId);
    const bad = await t.admin.post(`/api/returns/${ret.id}/disposition`, {
      serials: [
        { serialId: ids['R-4']!, disposition: 'scrapped' },
        { serialId: ids['R-4']!, disposition: 'restock' },
        { serialId: ids['R-2']!, disposition: 'restock' },
      ],
    });
    expect(bad.statusCode).toBe(422);
    expect(problemOf(bad).code).toBe('DISPOSITION_REJECTED');
    expect(errorList(bad)).toEqual([`${ids['R-2']!} not_on_return`, 'R-4 duplicate_in_entry']);
    const empty = await t.admin.post(`/api/returns/${ret.id}/disposition`, { serials: [] });
    expect(errorList(empty)).toEqual(['serials empty']);
    const unknownKind = await t.admin.post(`/api/returns/${ret.id}/disposition`, {
      serials: [{ serialId: ids['R-4']!, disposition: 'resell' }],
    });
    expect(unknownKind.statusCode).toBe(400);
    expect((await t.admin.post('/api/returns/999999/disposition', { serials: [] })).statusCode).toBe(404);
    const seller = await t.userWith(['INV_VIEW', 'SALES_MANAGE', 'INV_MANAGE_SERIALS']);
    const denied = await seller.post(`/api/returns/${ret.id}/disposition`, {
      serials: [{ serialId: ids['R-4']!, disposition: 'scrapped' }],
    });
    expect(denied.statusCode).toBe(403);
    expect((await serialDetail(t.admin, ids['R-4']!)).serial.status).toBe('returned');
    expect(await stockByCode(t.admin, itemId)).toEqual(before);
    const viewer = await t.userWith(['INV_VIEW']);
    expect((await viewer.get(`/api/returns/${ret.id}`)).json<ReturnJson>().serials).toEqual([
      expect.objectContaining({
        serialNumber: 'R-4',
        status: 'returned',
        disposition: null,
        awaitingDisposition: true,
      }),
    ]);
  });

  it('the sale lists its returns with their serials, location and disposition', async () => {
    const s = (await t.admin.get(`/api/sales/${saleToAlice.id}`)).json<SaleWithReturns>();
    expect(s.returns.map((r) => [r.locationCode, r.username, r.serials.map((x) => x.serialNumber)])).toEqual([
      ['RET-1', 'admin', ['R-1']],
      ['RET-1', 'admin', ['R-2', 'R-3']],
    ]);
    expect(s.returns[0]!.number).toMatch(/^RT-\d+$/);
    expect(s.returns[0]!.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(s.returns[1]!.serials.map((x) => [x.serialNumber, x.disposition, x.awaitingDisposition])).toEqual([
      ['R-2', 'damaged', false],
      ['R-3', 'scrapped', false],
    ]);
    // R-1 was restocked on the first return and is sold again since: the first return still says so.
    expect(s.returns[0]!.serials[0]).toMatchObject({ disposition: 'restock', status: 'sold' });
    const open = (await t.admin.get(`/api/sales/${openSale.id}`)).json<SaleWithReturns>();
    expect(open.returns).toEqual([]);
  });

  it('a unit sold again comes back only against the sale that sold it last', async () => {
    // R-1 went to Alice on her sale, came back, and was sold again (to Bob above). Then it is restocked
    // after Bob returns it and sold to Alice once more on a new sale.
    const fromBob = await giveBack({
      saleId: (await t.admin.get('/api/sales?limit=1')).json<{ sales: SaleJson[] }>().sales[0]!.id,
      locationId: shelf,
      serials: [{ serialId: ids['R-1']! }],
    });
    expect(fromBob.statusCode).toBe(201);
    const restock = await t.admin.post(`/api/returns/${fromBob.json<ReturnJson>().id}/disposition`, {
      serials: [{ serialId: ids['R-1']!, disposition: 'restock' }],
    });
    expect(restock.statusCode).toBe(200);
    const latest = await sale(alice, ['R-1']);

    // Alice's first sale did sell R-1 to Alice, but that is not the sale it is out on now.
    const wrongSale = await giveBack({
      saleId: saleToAlice.id,
      locationId: shelf,
      serials: [{ serialId: ids['R-1']! }],
    });
    expect(wrongSale.statusCode).toBe(422);
    expect(errorList(wrongSale)).toEqual(['R-1 not_sold']);
    expect(problemOf(wrongSale).errors![0]!.message).toContain(latest.number);
    expect((await serialDetail(t.admin, ids['R-1']!)).serial.status).toBe('sold');

    const right = await giveBack({
      saleId: latest.id,
      locationId: shelf,
      serials: [{ serialId: ids['R-1']! }],
    });
    expect(right.statusCode).toBe(201);
    const d = await serialDetail(t.admin, ids['R-1']!);
    expect(d.history.filter((e) => e.kind === 'returned').map((e) => e.customerName)).toEqual([
      'Alice Auto',
      'Bob Body Shop',
      'Alice Auto',
    ]);
    expectHistoryReplays(d);
  });

  it('needs RETURNS_MANAGE', async () => {
    const seller = await t.userWith(['INV_VIEW', 'SALES_MANAGE']);
    const r6 = await sale(bob, ['R-6']);
    const denied = await seller.post('/api/returns', {
      saleId: r6.id,
      locationId: shelf,
      serials: [{ serialId: ids['R-6']! }],
    });
    expect(denied.statusCode).toBe(403);
    expect((await serialDetail(t.admin, ids['R-6']!)).serial.status).toBe('sold');
    const clerk = await t.userWith(['INV_VIEW', 'RETURNS_MANAGE']);
    const ok = await clerk.post('/api/returns', {
      saleId: r6.id,
      locationId: shelf,
      serials: [{ serialId: ids['R-6']! }],
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json<ReturnJson>().username).toBe(clerk.username);
  });

  it('parallel dispositions of one unit: one wins, the quantity drops once', async () => {
    const [r6] = (await t.admin.get(`/api/sales?limit=1`)).json<{ sales: SaleJson[] }>().sales;
    const ret = (await t.admin.get(`/api/sales/${r6!.id}`)).json<SaleWithReturns>().returns[0]!;
    expect(ret.serials.map((x) => [x.serialNumber, x.awaitingDisposition])).toEqual([['R-6', true]]);
    const before = await stockByCode(t.admin, itemId);
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.admin.post(`/api/returns/${ret.id}/disposition`, {
          serials: [{ serialId: ids['R-6']!, disposition: 'scrapped' }],
        }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.every((r) => [200, 409, 422].includes(r.statusCode))).toBe(true);
    expect(await stockByCode(t.admin, itemId)).toEqual({ ...before, 'R1-1A': before['R1-1A']! - 1 });
    const d = await serialDetail(t.admin, ids['R-6']!);
    expect(d.history.filter((e) => e.kind === 'scrapped')).toHaveLength(1);
    expectHistoryReplays(d);
  });

  it('a returned unit moved to another shelf before its disposition still gets it on its return', async () => {
    const [r7] = await addSerials(t.admin, itemId, ['R-7']);
    await adjustStock(t.admin, itemId, shelf, 1);
    const s7 = await sale(bob, ['R-7']);
    const back = await giveBack({ saleId: s7.id, locationId: returnsShelf, serials: [{ serialId: r7!.id }] });
    expect(back.statusCode).toBe(201);
    const ret = back.json<ReturnJson>();
    // Counter staff carry it from the returns bin to the shelf first: a transfer is now its Used On.
    const moved = await t.admin.post('/api/transfers', {
      fromLocationId: returnsShelf,
      toLocationId: shelf,
      serialIds: [r7!.id],
    });
    expect(moved.statusCode, moved.body).toBe(201);
    const listed = (await t.admin.get(`/api/sales/${s7.id}`)).json<SaleWithReturns>().returns[0]!;
    expect(listed.serials.map((x) => [x.serialNumber, x.awaitingDisposition])).toEqual([['R-7', true]]);
    const res = await t.admin.post(`/api/returns/${ret.id}/disposition`, {
      serials: [{ serialId: r7!.id, disposition: 'restock' }],
    });
    expect(res.statusCode, res.body).toBe(200);
    const d = await serialDetail(t.admin, r7!.id);
    expect(d.serial).toMatchObject({
      status: 'in_stock',
      locationCode: 'R1-1A',
      customerName: null,
      usedOn: { type: 'return', number: ret.number },
    });
    expect(d.history.at(-1)).toMatchObject({
      kind: 'restocked',
      document: { type: 'return', number: ret.number },
    });
    expectHistoryReplays(d);
  });
});
