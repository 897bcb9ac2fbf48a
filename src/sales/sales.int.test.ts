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
  todayUtc,
  type SaleJson,
} from '../../test/support/documents.js';

describeEachDialect('sales', (dialect) => {
  let t: TestApp;
  let r1a: number;
  let r1b: number;
  let customer: number;
  let other: number;
  /** 12 months of warranty; serials W-01…W-10, 6 at R1-1A and 4 at R1-1B, matched by quantity on hand. */
  let warrantied: number;
  let serialIds: Record<string, number>;
  /** No warranty. */
  let bare: number;
  let bareSerials: Record<string, number>;
  /** Tracks no serials: 10 on hand at R1-1A. */
  let plain: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    r1a = await makeLocation(t.admin, 'R1-1A');
    r1b = await makeLocation(t.admin, 'R1-1B');
    customer = await makeCustomer(t.admin, 'Joe Mechanic');
    other = await makeCustomer(t.admin, 'Other Garage');
    warrantied = await makeItem(t.admin, 'ALT-100', { primaryLocationId: r1a, warrantyMonths: 12 });
    const created = await addSerials(
      t.admin,
      warrantied,
      Array.from({ length: 10 }, (_, i) => ({
        serialNumber: `W-${String(i + 1).padStart(2, '0')}`,
        locationId: i < 6 ? r1a : r1b,
      })),
    );
    serialIds = Object.fromEntries(created.map((s) => [s.serialNumber, s.id]));
    await adjustStock(t.admin, warrantied, r1a, 6);
    await adjustStock(t.admin, warrantied, r1b, 4);
    bare = await makeItem(t.admin, 'BELT-0', { primaryLocationId: r1a, warrantyMonths: 0 });
    bareSerials = Object.fromEntries(
      (await addSerials(t.admin, bare, ['B-1', 'B-2', 'B-3'])).map((s) => [s.serialNumber, s.id]),
    );
    await adjustStock(t.admin, bare, r1a, 3);
    plain = await makeItem(t.admin, 'OIL-5L', { trackSerials: false, primaryLocationId: r1a });
    await adjustStock(t.admin, plain, r1a, 10);
  });
  afterAll(() => t?.close());

  const sell = (body: Record<string, unknown>) => t.admin.post('/api/sales', body);
  const status = async (serialId: number) => (await serialDetail(t.admin, serialId)).serial.status;
  const saleCount = async () =>
    (await t.admin.get('/api/sales?limit=500')).json<{ sales: unknown[] }>().sales.length;

  it('an open sale reserves the chosen serials, picked by id or by serial number', async () => {
    const res = await sell({
      customerId: customer,
      notes: 'Counter sale',
      lines: [
        { itemId: warrantied, serialIds: [serialIds['W-01']!], serialNumbers: [' W-07 '], unitPrice: 149.99 },
      ],
    });
    expect(res.statusCode).toBe(201);
    const sale = res.json<SaleJson>();
    expect(sale).toMatchObject({
      customerId: customer,
      customerName: 'Joe Mechanic',
      status: 'open',
      saleDate: null,
      lines: [{ itemId: warrantied, quantity: 2, locationId: null }],
    });
    expect(sale.number).toMatch(/^S-\d+$/);
    expect(sale.lines[0]!.serials.map((s) => [s.serialNumber, s.status])).toEqual([
      ['W-01', 'reserved'],
      ['W-07', 'reserved'],
    ]);
    for (const [n, loc] of [
      ['W-01', r1a],
      ['W-07', r1b],
    ] as const) {
      const d = await serialDetail(t.admin, serialIds[n]!);
      expect(d.serial).toMatchObject({
        status: 'reserved',
        locationId: loc,
        usedOn: { type: 'sale', number: sale.number },
        customerId: null,
        warrantyEndDate: null,
      });
      expect(d.history.at(-1)).toMatchObject({
        kind: 'reserved',
        fromStatus: 'in_stock',
        toStatus: 'reserved',
        document: { type: 'sale', number: sale.number },
        customerName: 'Joe Mechanic',
        username: 'admin',
      });
      expectHistoryReplays(d);
    }
    // Reserved units are still on the shelf: quantity on hand does not move yet.
    expect(await stockOf(t.admin, warrantied)).toMatchObject({
      quantityOnHand: 10,
      serialsPresent: 10,
      mismatch: 0,
    });

    // A second sale of a reserved unit is refused, naming its status; nothing is written.
    const before = await saleCount();
    const again = await sell({
      customerId: other,
      lines: [{ itemId: warrantied, serialNumbers: ['W-07', 'W-02'] }],
    });
    expect(again.statusCode).toBe(422);
    expect(problemOf(again).code).toBe('SALE_REJECTED');
    expect(errorList(again)).toEqual(['W-07 not_available']);
    expect(problemOf(again).errors![0]!.message).toContain('Reserved');
    expect(await saleCount()).toBe(before);
    expect(await status(serialIds['W-02']!)).toBe('in_stock');

    // Completing: Sold to the customer, warranty from the sale date, quantity down at each serial's location.
    const done = await t.admin.post(`/api/sales/${sale.id}/complete`);
    expect(done.statusCode).toBe(200);
    const completed = done.json<SaleJson>();
    expect(completed).toMatchObject({ status: 'completed', saleDate: todayUtc() });
    expect(completed.lines[0]!.serials.every((s) => s.status === 'sold')).toBe(true);
    for (const n of ['W-01', 'W-07']) {
      const d = await serialDetail(t.admin, serialIds[n]!);
      expect(d.serial).toMatchObject({
        status: 'sold',
        customerId: customer,
        customerName: 'Joe Mechanic',
        warrantyEndDate: todayPlusMonths(12),
        warrantyStatus: 'under_warranty',
        usedOn: { type: 'sale', number: sale.number },
      });
      expect(d.history.map((e) => e.kind)).toEqual(['created', 'reserved', 'sold']);
      expect(d.history.at(-1)).toMatchObject({
        fromStatus: 'reserved',
        toStatus: 'sold',
        customerName: 'Joe Mechanic',
        document: { type: 'sale', number: sale.number },
      });
      expectHistoryReplays(d);
    }
    expect(await stockByCode(t.admin, warrantied)).toEqual({ 'R1-1A': 5, 'R1-1B': 3 });
    expect(await stockOf(t.admin, warrantied)).toMatchObject({
      quantityOnHand: 8,
      serialsPresent: 8,
      mismatch: 0,
    });

    // Selling a Sold unit names that status.
    const sold = await sell({
      customerId: other,
      lines: [{ itemId: warrantied, serialIds: [serialIds['W-01']!] }],
    });
    expect(sold.statusCode).toBe(422);
    expect(errorList(sold)).toEqual(['W-01 not_available']);
    expect(problemOf(sold).errors![0]!.message).toContain('Sold');

    // A completed sale cannot be completed or cancelled again.
    for (const action of ['complete', 'cancel']) {
      const res2 = await t.admin.post(`/api/sales/${sale.id}/${action}`);
      expect(res2.statusCode).toBe(409);
      expect(problemOf(res2).code).toBe('SALE_NOT_OPEN');
    }
    expect(await stockByCode(t.admin, warrantied)).toEqual({ 'R1-1A': 5, 'R1-1B': 3 });
  });

  it('an item with no warranty is sold with no warranty end date', async () => {
    const res = await sell({
      customerId: other,
      complete: true,
      lines: [{ itemId: bare, serialNumbers: ['B-1'] }],
    });
    expect(res.statusCode).toBe(201);
    const sale = res.json<SaleJson>();
    expect(sale.status).toBe('completed');
    const d = await serialDetail(t.admin, bareSerials['B-1']!);
    expect(d.serial).toMatchObject({
      status: 'sold',
      customerName: 'Other Garage',
      warrantyEndDate: null,
      warrantyStatus: 'no_warranty',
      usedOn: { type: 'sale', number: sale.number },
    });
    // Created in one go: reserved and sold in the same request, both recorded.
    expect(d.history.map((e) => e.kind)).toEqual(['created', 'reserved', 'sold']);
    expectHistoryReplays(d);
    expect(await stockByCode(t.admin, bare)).toEqual({ 'R1-1A': 2 });
  });

  it('cancelling an open sale puts its serials back In Stock; only an open sale can be cancelled', async () => {
    const res = await sell({
      customerId: customer,
      lines: [
        { itemId: warrantied, serialNumbers: ['W-03', 'W-08'] },
        { itemId: plain, quantity: 2, locationId: r1a },
      ],
    });
    expect(res.statusCode).toBe(201);
    const sale = res.json<SaleJson>();
    // An open sale lowers no quantity, even for the plain line.
    expect(await stockByCode(t.admin, plain)).toEqual({ 'R1-1A': 10 });
    const cancelled = await t.admin.post(`/api/sales/${sale.id}/cancel`);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json<SaleJson>().status).toBe('cancelled');
    for (const n of ['W-03', 'W-08']) {
      const d = await serialDetail(t.admin, serialIds[n]!);
      expect(d.serial).toMatchObject({ status: 'in_stock', customerId: null, warrantyEndDate: null });
      expect(d.history.map((e) => e.kind)).toEqual(['created', 'reserved', 'released']);
      expect(d.history.at(-1)).toMatchObject({
        fromStatus: 'reserved',
        toStatus: 'in_stock',
        document: { type: 'sale', number: sale.number },
      });
      expectHistoryReplays(d);
    }
    expect(await stockByCode(t.admin, warrantied)).toEqual({ 'R1-1A': 5, 'R1-1B': 3 });
    expect(await stockByCode(t.admin, plain)).toEqual({ 'R1-1A': 10 });
    for (const action of ['complete', 'cancel']) {
      const res2 = await t.admin.post(`/api/sales/${sale.id}/${action}`);
      expect(res2.statusCode).toBe(409);
      expect(problemOf(res2).code).toBe('SALE_NOT_OPEN');
    }
    // The units can be sold again.
    const resold = await sell({
      customerId: other,
      complete: true,
      lines: [{ itemId: warrantied, serialNumbers: ['W-03'] }],
    });
    expect(resold.statusCode).toBe(201);
    expect((await serialDetail(t.admin, serialIds['W-03']!)).serial.customerName).toBe('Other Garage');
    expect(await stockByCode(t.admin, warrantied)).toEqual({ 'R1-1A': 4, 'R1-1B': 3 });
    expect((await t.admin.post('/api/sales/999999/cancel')).statusCode).toBe(404);
    expect((await t.admin.post('/api/sales/999999/complete')).statusCode).toBe(404);
  });

  it('a Reserved serial cannot be changed by hand; the sale owns it', async () => {
    const res = await sell({
      customerId: customer,
      lines: [{ itemId: warrantied, serialNumbers: ['W-04'] }],
    });
    const sale = res.json<SaleJson>();
    for (const s of ['in_stock', 'damaged', 'sold']) {
      const patch = await t.admin.patch(`/api/serials/${serialIds['W-04']!}`, { status: s });
      expect(patch.statusCode).toBe(409);
    }
    // Nor moved by a transfer.
    const transfer = await t.admin.post('/api/transfers', {
      fromLocationId: r1a,
      toLocationId: r1b,
      serialIds: [serialIds['W-04']!],
    });
    expect(transfer.statusCode).toBe(409);
    expect((await t.admin.post(`/api/sales/${sale.id}/cancel`)).statusCode).toBe(200);
    expect(await status(serialIds['W-04']!)).toBe('in_stock');
  });

  it('plain items sell by quantity from a location; short stock is refused with nothing written', async () => {
    const ok = await sell({
      customerId: customer,
      complete: true,
      lines: [{ itemId: plain, quantity: 3, locationId: r1a, unitPrice: 9.5 }],
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json<SaleJson>().lines[0]).toMatchObject({ quantity: 3, locationId: r1a, serials: [] });
    expect(await stockByCode(t.admin, plain)).toEqual({ 'R1-1A': 7 });

    // 8 wanted, 7 on hand; the serialized line of the same sale is not sold either.
    const before = await saleCount();
    const short = await sell({
      customerId: customer,
      complete: true,
      lines: [
        { itemId: warrantied, serialNumbers: ['W-05'] },
        { itemId: plain, quantity: 8, locationId: r1a },
      ],
    });
    expect(short.statusCode).toBe(422);
    expect(problemOf(short).code).toBe('INSUFFICIENT_STOCK');
    expect(problemOf(short).detail).toContain('only 7 on hand');
    expect(await stockByCode(t.admin, plain)).toEqual({ 'R1-1A': 7 });
    expect(await stockByCode(t.admin, warrantied)).toEqual({ 'R1-1A': 4, 'R1-1B': 3 });
    const d = await serialDetail(t.admin, serialIds['W-05']!);
    expect(d.serial.status).toBe('in_stock');
    expect(d.history.map((e) => e.kind)).toEqual(['created']);
    expect(await saleCount()).toBe(before);

    // None at R1-1B at all.
    const none = await sell({
      customerId: customer,
      complete: true,
      lines: [{ itemId: plain, quantity: 1, locationId: r1b }],
    });
    expect(none.statusCode).toBe(422);
    expect(problemOf(none).code).toBe('INSUFFICIENT_STOCK');
    expect(await stockByCode(t.admin, plain)).toEqual({ 'R1-1A': 7 });

    // An open sale checks the stock when it is completed, and then writes nothing either.
    const open = await sell({
      customerId: customer,
      lines: [{ itemId: plain, quantity: 8, locationId: r1a }],
    });
    expect(open.statusCode).toBe(201);
    const openSale = open.json<SaleJson>();
    const late = await t.admin.post(`/api/sales/${openSale.id}/complete`);
    expect(late.statusCode).toBe(422);
    expect(problemOf(late).code).toBe('INSUFFICIENT_STOCK');
    expect((await t.admin.get(`/api/sales/${openSale.id}`)).json<SaleJson>().status).toBe('open');
    expect(await stockByCode(t.admin, plain)).toEqual({ 'R1-1A': 7 });
    expect((await t.admin.post(`/api/sales/${openSale.id}/cancel`)).statusCode).toBe(200);
  });

  it('validates a sale, listing every problem', async () => {
    const before = await saleCount();
    const res = await sell({
      customerId: 999999,
      lines: [
        { itemId: 999998, quantity: 1 },
        { itemId: plain, quantity: 1 },
        { itemId: plain, quantity: 1, locationId: 999997 },
        { itemId: warrantied, serialNumbers: ['NOPE-1'], serialIds: [999996] },
        { itemId: warrantied },
        { itemId: bare, serialNumbers: ['W-06', 'B-2'] },
        { itemId: warrantied, serialNumbers: ['W-06'], serialIds: [serialIds['W-06']!] },
      ],
    });
    expect(res.statusCode).toBe(422);
    expect(problemOf(res).code).toBe('SALE_REJECTED');
    expect(errorList(res)).toEqual(
      [
        '999996 not_found',
        'NOPE-1 not_found',
        'W-06 duplicate_in_entry',
        'customerId unknown_customer',
        'lines[0].itemId unknown_item',
        'lines[1] quantity_required',
        'lines[2].locationId unknown_location',
        'lines[4] no_serials',
        'W-06 not_found',
      ].sort(),
    );
    expect(await saleCount()).toBe(before);
    expect(await status(serialIds['W-06']!)).toBe('in_stock');
    expect(await status(bareSerials['B-2']!)).toBe('in_stock');

    // A serial of another item, picked by id.
    const wrong = await sell({
      customerId: customer,
      lines: [{ itemId: bare, serialIds: [serialIds['W-06']!] }],
    });
    expect(wrong.statusCode).toBe(422);
    expect(errorList(wrong)).toEqual(['W-06 wrong_item']);

    // The same unit scanned twice is a mistake to show, not two units (nor one unit silently).
    const twice = await sell({
      customerId: customer,
      lines: [{ itemId: warrantied, serialNumbers: ['W-06', 'W-06'] }],
    });
    expect(twice.statusCode).toBe(422);
    expect(errorList(twice)).toEqual(['W-06 duplicate_in_entry']);
    const twiceById = await sell({
      customerId: customer,
      lines: [
        { itemId: warrantied, serialIds: [serialIds['W-06']!] },
        { itemId: warrantied, serialIds: [serialIds['W-06']!, serialIds['W-06']!] },
      ],
    });
    expect(twiceById.statusCode).toBe(422);
    expect(errorList(twiceById)).toEqual(['W-06 duplicate_in_entry', 'W-06 duplicate_in_entry']);
    expect(await saleCount()).toBe(before);

    const empty = await sell({ customerId: customer, lines: [] });
    expect(empty.statusCode).toBe(422);
    expect(errorList(empty)).toEqual(['lines empty']);
  });

  it("a serialized line's quantity, when given, is the number of serials: one serial per unit", async () => {
    const before = await saleCount();
    const short = await sell({
      customerId: customer,
      lines: [{ itemId: warrantied, quantity: 5, serialNumbers: ['W-06', 'W-08', 'W-09'] }],
    });
    expect(short.statusCode).toBe(422);
    expect(errorList(short)).toEqual(['lines[0].quantity quantity_mismatch']);
    expect(problemOf(short).errors![0]!.message).toContain('5 unit(s) but 3 serial(s)');
    expect(await saleCount()).toBe(before);
    expect(await status(serialIds['W-09']!)).toBe('in_stock');

    const matched = await sell({
      customerId: customer,
      lines: [{ itemId: warrantied, quantity: 2, serialNumbers: ['W-08', 'W-09'] }],
    });
    expect(matched.statusCode).toBe(201);
    expect(matched.json<SaleJson>().lines[0]).toMatchObject({ quantity: 2 });
    expect((await t.admin.post(`/api/sales/${matched.json<SaleJson>().id}/cancel`)).statusCode).toBe(200);
    expect(await status(serialIds['W-09']!)).toBe('in_stock');
  });

  it('needs SALES_MANAGE to sell, complete or cancel', async () => {
    const viewer = await t.userWith(['INV_VIEW', 'RETURNS_MANAGE']);
    const denied = await viewer.post('/api/sales', {
      customerId: customer,
      lines: [{ itemId: warrantied, serialNumbers: ['W-06'] }],
    });
    expect(denied.statusCode).toBe(403);
    expect(await status(serialIds['W-06']!)).toBe('in_stock');
    const clerk = await t.userWith(['INV_VIEW', 'SALES_MANAGE']);
    const open = await clerk.post('/api/sales', {
      customerId: customer,
      lines: [{ itemId: warrantied, serialNumbers: ['W-06'] }],
    });
    expect(open.statusCode).toBe(201);
    const sale = open.json<SaleJson>();
    expect((await viewer.post(`/api/sales/${sale.id}/complete`)).statusCode).toBe(403);
    expect((await viewer.post(`/api/sales/${sale.id}/cancel`)).statusCode).toBe(403);
    expect((await viewer.get(`/api/sales/${sale.id}`)).statusCode).toBe(200);
    expect((await clerk.post(`/api/sales/${sale.id}/cancel`)).statusCode).toBe(200);
  });

  it('lists sales newest first with a cursor and a status filter', async () => {
    const page1 = (await t.admin.get('/api/sales?limit=2')).json<{ sales: SaleJson[]; nextCursor: string }>();
    const page2 = (await t.admin.get(`/api/sales?limit=2&cursor=${page1.nextCursor}`)).json<{
      sales: SaleJson[];
    }>();
    const ids = [...page1.sales, ...page2.sales].map((s) => s.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(4);
    const cancelled = (await t.admin.get('/api/sales?status=cancelled&limit=100')).json<{
      sales: SaleJson[];
    }>();
    expect(cancelled.sales.length).toBeGreaterThanOrEqual(3);
    expect(cancelled.sales.every((s) => s.status === 'cancelled')).toBe(true);
  });

  it('a manager corrects the warranty end date of a sold unit, recorded old → new; others get 403', async () => {
    const id = serialIds['W-07']!;
    const before = await serialDetail(t.admin, id);
    expect(before.serial.warrantyEndDate).toBe(todayPlusMonths(12));

    const seller = await t.userWith(['INV_VIEW', 'SALES_MANAGE', 'RETURNS_MANAGE']);
    const denied = await seller.patch(`/api/serials/${id}`, { warrantyEndDate: '2000-01-01' });
    expect(denied.statusCode).toBe(403);
    expect(await serialDetail(t.admin, id)).toEqual(before);

    const manager = await t.userWith(['INV_VIEW', 'INV_MANAGE_SERIALS']);
    const res = await manager.patch(`/api/serials/${id}`, { warrantyEndDate: '2001-02-03' });
    expect(res.statusCode).toBe(200);
    const after = await serialDetail(t.admin, id);
    expect(after.serial).toMatchObject({
      status: 'sold',
      warrantyEndDate: '2001-02-03',
      warrantyStatus: 'expired',
    });
    expect(after.history.at(-1)).toMatchObject({
      kind: 'warranty_changed',
      username: manager.username,
      data: { field: 'warrantyEndDate', old: todayPlusMonths(12), new: '2001-02-03' },
    });
    expect(after.history).toHaveLength(before.history.length + 1);

    // Clearing it is recorded too; the same value again writes nothing.
    const cleared = await manager.patch(`/api/serials/${id}`, { warrantyEndDate: null });
    expect(cleared.statusCode).toBe(200);
    const same = await manager.patch(`/api/serials/${id}`, { warrantyEndDate: null });
    expect(same.statusCode).toBe(200);
    const final = await serialDetail(t.admin, id);
    expect(final.serial).toMatchObject({ warrantyEndDate: null, warrantyStatus: 'no_warranty' });
    expect(final.history.filter((e) => e.kind === 'warranty_changed').map((e) => e.data)).toEqual([
      { field: 'warrantyEndDate', old: todayPlusMonths(12), new: '2001-02-03' },
      { field: 'warrantyEndDate', old: '2001-02-03', new: null },
    ]);
    expectHistoryReplays(final);
  });
});
