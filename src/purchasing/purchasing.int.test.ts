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
  createPo,
  errorList,
  expectHistoryReplays,
  makeSupplier,
  problemOf,
  serialDetail,
  serialsOf,
  stockByCode,
  stockOf,
  type PoJson,
  type ReceiptJson,
} from '../../test/support/documents.js';

describeEachDialect('purchase orders and receiving', (dialect) => {
  let t: TestApp;
  let r1a: number;
  let r1b: number;
  let supplierId: number;
  /** A serialized item used only to fill POs when the test is about numbering or statuses. */
  let filler: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    r1a = await makeLocation(t.admin, 'R1-1A');
    r1b = await makeLocation(t.admin, 'R1-1B');
    supplierId = await makeSupplier(t.admin, 'Parts Wholesale Inc.');
    filler = await makeItem(t.admin, 'FILLER-1', { primaryLocationId: r1a });
  });
  afterAll(() => t?.close());

  const receive = (poId: number, lines: unknown[]) =>
    t.admin.post(`/api/purchase-orders/${poId}/receipts`, { lines });
  const getPo = async (id: number) => (await t.admin.get(`/api/purchase-orders/${id}`)).json<PoJson>();

  it('numbers purchase orders with the prefix and a sequence: 1-1, 1-2 … 1-13', async () => {
    const numbers: string[] = [];
    for (let i = 0; i < 13; i++) {
      const po = await createPo(t.admin, supplierId, [{ itemId: filler, quantityOrdered: 1 }]);
      numbers.push(po.number);
    }
    expect(numbers).toEqual(Array.from({ length: 13 }, (_, i) => `1-${i + 1}`));
    const list = await t.admin.get('/api/purchase-orders?limit=5');
    expect(list.statusCode).toBe(200);
    const page = list.json<{ purchaseOrders: PoJson[]; nextCursor: string | null }>();
    expect(page.purchaseOrders.map((p) => p.number)).toEqual(['1-13', '1-12', '1-11', '1-10', '1-9']);
    const next = (await t.admin.get(`/api/purchase-orders?limit=5&cursor=${page.nextCursor}`)).json<{
      purchaseOrders: PoJson[];
    }>();
    expect(next.purchaseOrders.map((p) => p.number)).toEqual(['1-8', '1-7', '1-6', '1-5', '1-4']);
  });

  it("the manual's example: 3 on hand, PO 1-14 receives 5 more, 2 into R1-1A and 3 into R1-1B", async () => {
    const itemId = await makeItem(t.admin, 'ALT-100', { primaryLocationId: r1a, warrantyMonths: 12 });
    await adjustStock(t.admin, itemId, r1a, 3);
    const existing = await addSerials(t.admin, itemId, ['ALT-0001', 'ALT-0002', 'ALT-0003']);
    expect(await stockOf(t.admin, itemId)).toMatchObject({
      quantityOnHand: 3,
      serialsPresent: 3,
      mismatch: 0,
    });

    const po = await createPo(t.admin, supplierId, [{ itemId, quantityOrdered: 5, unitCost: 12.5 }]);
    expect(po).toMatchObject({
      number: '1-14',
      status: 'open',
      supplierId,
      supplierName: 'Parts Wholesale Inc.',
      lines: [
        { lineNo: 1, itemId, quantityOrdered: 5, quantityReceived: 0, unitCost: 12.5, trackSerials: true },
      ],
      receipts: [],
    });
    const lineId = po.lines[0]!.id;

    const res = await receive(po.id, [
      {
        lineId,
        allocations: [
          { locationId: r1a, quantity: 2, serials: ['ALT-0004', ' ALT-0005 '] },
          { locationId: r1b, quantity: 3, serials: ['ALT-0006', 'ALT-0007', 'ALT-0008'] },
        ],
      },
    ]);
    expect(res.statusCode).toBe(201);
    const body = res.json<ReceiptJson>();
    expect(body.serials.map((s) => [s.serialNumber, s.locationId])).toEqual([
      ['ALT-0004', r1a],
      ['ALT-0005', r1a],
      ['ALT-0006', r1b],
      ['ALT-0007', r1b],
      ['ALT-0008', r1b],
    ]);
    expect(body.purchaseOrder).toMatchObject({
      number: '1-14',
      status: 'received',
      lines: [{ quantityOrdered: 5, quantityReceived: 5 }],
    });
    expect(body.purchaseOrder.receipts).toHaveLength(1);
    expect(body.purchaseOrder.receipts[0]).toMatchObject({
      id: body.receipt.id,
      number: body.receipt.number,
      username: 'admin',
      lines: [
        { lineId, locationCode: 'R1-1A', quantity: 2 },
        { lineId, locationCode: 'R1-1B', quantity: 3 },
      ],
    });

    // Quantity on hand 8: 5 at R1-1A, 3 at R1-1B, each matched by serials.
    const stock = await stockOf(t.admin, itemId);
    expect(stock).toMatchObject({ quantityOnHand: 8, serialsPresent: 8, mismatch: 0 });
    expect(stock.locations).toEqual([
      expect.objectContaining({ locationCode: 'R1-1A', quantityOnHand: 5, serialsPresent: 5, mismatch: 0 }),
      expect.objectContaining({ locationCode: 'R1-1B', quantityOnHand: 3, serialsPresent: 3, mismatch: 0 }),
    ]);

    // Five new serials, In Stock where they were put, Source = PO 1-14, a created history row naming it.
    for (const s of body.serials) {
      const d = await serialDetail(t.admin, s.id);
      expect(d.serial).toMatchObject({
        serialNumber: s.serialNumber,
        status: 'in_stock',
        locationId: s.locationId,
        locationCode: s.locationId === r1a ? 'R1-1A' : 'R1-1B',
        source: { type: 'purchase_order', number: '1-14' },
        usedOn: null,
        customerId: null,
      });
      expect(d.history).toHaveLength(1);
      expect(d.history[0]).toMatchObject({
        kind: 'created',
        toStatus: 'in_stock',
        toLocationId: s.locationId,
        document: { type: 'purchase_order', number: '1-14' },
        username: 'admin',
      });
      expectHistoryReplays(d);
    }
    // The three that were there before are untouched.
    for (const s of existing) {
      expect((await serialDetail(t.admin, s.id)).serial.source).toEqual({ type: 'manual', number: null });
    }
    const all = await serialsOf(t.admin, itemId);
    expect(all.map((s) => s.serialNumber)).toEqual(Array.from({ length: 8 }, (_, i) => `ALT-000${i + 1}`));
    expect(all.every((s) => s.status === 'in_stock')).toBe(true);

    // The Source reference resolves to the purchase order.
    const resolved = await t.admin.get('/api/documents/resolve?type=purchase_order&number=1-14');
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json<{ id: number }>().id).toBe(po.id);

    // A received order takes no more.
    const again = await receive(po.id, [
      { lineId, allocations: [{ locationId: r1a, quantity: 1, serials: ['X'] }] },
    ]);
    expect(again.statusCode).toBe(409);
    expect(problemOf(again).code).toBe('PO_NOT_RECEIVABLE');
  });

  it('takes the prefix from the settings; only SETTINGS_ADMIN may change it', async () => {
    const clerk = await t.userWith(['INV_VIEW', 'PO_MANAGE']);
    expect((await clerk.patch('/api/settings', { purchaseOrderPrefix: 'X-' })).statusCode).toBe(403);
    const bad = await t.admin.patch('/api/settings', { purchaseOrderPrefix: 'no spaces' });
    expect(bad.statusCode).toBe(400);

    const set = await t.admin.patch('/api/settings', { purchaseOrderPrefix: 'PO-' });
    expect(set.statusCode).toBe(200);
    expect(set.json<{ purchaseOrderPrefix: string }>().purchaseOrderPrefix).toBe('PO-');
    const a = await createPo(clerk, supplierId, [{ itemId: filler, quantityOrdered: 1 }]);
    const b = await createPo(clerk, supplierId, [{ itemId: filler, quantityOrdered: 1 }]);
    expect([a.number, b.number]).toEqual(['PO-1', 'PO-2']);

    expect((await t.admin.patch('/api/settings', { purchaseOrderPrefix: '1-' })).statusCode).toBe(200);
    const c = await createPo(clerk, supplierId, [{ itemId: filler, quantityOrdered: 1 }]);
    expect(c.number).toBe('1-15');
  });

  it('validates a new purchase order, listing every problem', async () => {
    const res = await t.admin.post('/api/purchase-orders', {
      supplierId: 999999,
      lines: [
        { itemId: 999998, quantityOrdered: 1 },
        { itemId: filler, quantityOrdered: 2 },
        { itemId: 999997, quantityOrdered: 1 },
      ],
    });
    expect(res.statusCode).toBe(422);
    expect(problemOf(res).code).toBe('INVALID_PURCHASE_ORDER');
    expect(errorList(res)).toEqual([
      'lines[0].itemId unknown_item',
      'lines[2].itemId unknown_item',
      'supplierId unknown_supplier',
    ]);
    const empty = await t.admin.post('/api/purchase-orders', { supplierId, lines: [] });
    expect(empty.statusCode).toBe(422);
    expect(errorList(empty)).toEqual(['lines empty']);
    const zero = await t.admin.post('/api/purchase-orders', {
      supplierId,
      lines: [{ itemId: filler, quantityOrdered: 0 }],
    });
    expect(zero.statusCode).toBe(400);

    const viewer = await t.userWith(['INV_VIEW', 'PO_RECEIVE']);
    const denied = await viewer.post('/api/purchase-orders', {
      supplierId,
      lines: [{ itemId: filler, quantityOrdered: 1 }],
    });
    expect(denied.statusCode).toBe(403);
  });

  it('moves statuses by hand only draft→open/closed and open/partially/received→closed; others 409', async () => {
    const patch = (id: number, status: string) => t.admin.patch(`/api/purchase-orders/${id}`, { status });
    const draft = await createPo(t.admin, supplierId, [{ itemId: filler, quantityOrdered: 2 }], {
      status: 'draft',
    });
    expect(draft.status).toBe('draft');
    // A draft cannot be received.
    const early = await receive(draft.id, [
      { lineId: draft.lines[0]!.id, allocations: [{ locationId: r1a, quantity: 1, serials: ['DR-1'] }] },
    ]);
    expect(early.statusCode).toBe(409);
    expect(problemOf(early).code).toBe('PO_NOT_RECEIVABLE');
    for (const illegal of ['partially_received', 'received']) {
      const res = await patch(draft.id, illegal);
      expect(res.statusCode).toBe(409);
      expect(problemOf(res).code).toBe('ILLEGAL_PO_STATUS');
    }
    const opened = await patch(draft.id, 'open');
    expect(opened.statusCode).toBe(200);
    expect(opened.json<PoJson>().status).toBe('open');
    for (const illegal of ['draft', 'partially_received', 'received']) {
      expect((await patch(draft.id, illegal)).statusCode).toBe(409);
    }

    // Receiving moves open → partially_received → received by itself.
    const lineId = draft.lines[0]!.id;
    const first = await receive(draft.id, [
      { lineId, allocations: [{ locationId: r1a, quantity: 1, serials: ['DR-1'] }] },
    ]);
    expect(first.statusCode).toBe(201);
    expect(first.json<ReceiptJson>().purchaseOrder.status).toBe('partially_received');
    for (const illegal of ['draft', 'open', 'received']) {
      expect((await patch(draft.id, illegal)).statusCode).toBe(409);
    }
    const second = await receive(draft.id, [
      { lineId, allocations: [{ locationId: r1a, quantity: 1, serials: ['DR-2'] }] },
    ]);
    expect(second.json<ReceiptJson>().purchaseOrder.status).toBe('received');
    for (const illegal of ['draft', 'open', 'partially_received']) {
      expect((await patch(draft.id, illegal)).statusCode).toBe(409);
    }
    const closed = await patch(draft.id, 'closed');
    expect(closed.statusCode).toBe(200);
    expect(closed.json<PoJson>().status).toBe('closed');
    for (const illegal of ['draft', 'open', 'partially_received', 'received']) {
      const res = await patch(draft.id, illegal);
      expect(res.statusCode).toBe(409);
      expect(problemOf(res).detail).toContain('closed');
    }
    // Setting the status it already has changes nothing; notes can still be written.
    expect((await patch(draft.id, 'closed')).statusCode).toBe(200);
    const noted = await t.admin.patch(`/api/purchase-orders/${draft.id}`, { notes: '  Invoice 7781 ' });
    expect(noted.json<PoJson>()).toMatchObject({ status: 'closed', notes: 'Invoice 7781' });

    // draft → closed, open → closed, partially_received → closed.
    const d2 = await createPo(t.admin, supplierId, [{ itemId: filler, quantityOrdered: 1 }], {
      status: 'draft',
    });
    expect((await patch(d2.id, 'closed')).statusCode).toBe(200);
    const o2 = await createPo(t.admin, supplierId, [{ itemId: filler, quantityOrdered: 1 }]);
    expect((await patch(o2.id, 'closed')).statusCode).toBe(200);
    const closedReceipt = await receive(o2.id, [
      { lineId: o2.lines[0]!.id, allocations: [{ locationId: r1a, quantity: 1, serials: ['CL-1'] }] },
    ]);
    expect(closedReceipt.statusCode).toBe(409);
    const p2 = await createPo(t.admin, supplierId, [{ itemId: filler, quantityOrdered: 3 }]);
    await receive(p2.id, [
      { lineId: p2.lines[0]!.id, allocations: [{ locationId: r1a, quantity: 1, serials: ['PC-1'] }] },
    ]);
    expect((await getPo(p2.id)).status).toBe('partially_received');
    expect((await patch(p2.id, 'closed')).statusCode).toBe(200);

    expect((await patch(999999, 'closed')).statusCode).toBe(404);
    const filtered = await t.admin.get('/api/purchase-orders?status=closed&limit=100');
    const closedNumbers = filtered.json<{ purchaseOrders: PoJson[] }>().purchaseOrders.map((p) => p.number);
    expect(closedNumbers).toEqual(expect.arrayContaining([draft.number, d2.number, o2.number, p2.number]));
    expect(
      filtered.json<{ purchaseOrders: PoJson[] }>().purchaseOrders.every((p) => p.status === 'closed'),
    ).toBe(true);
  });

  it('receives in parts, serialized and plain lines together; over-receipt is refused and writes nothing', async () => {
    const serialItem = await makeItem(t.admin, 'PART-S', { primaryLocationId: r1a });
    const plainItem = await makeItem(t.admin, 'PART-P', { trackSerials: false, primaryLocationId: r1a });
    const po = await createPo(t.admin, supplierId, [
      { itemId: serialItem, quantityOrdered: 5, unitCost: 3 },
      { itemId: plainItem, quantityOrdered: 10, unitCost: 0.25 },
    ]);
    const [sLine, pLine] = po.lines.map((l) => l.id) as [number, number];

    const first = await receive(po.id, [
      { lineId: sLine, allocations: [{ locationId: r1b, quantity: 2, serials: ['PS-1', 'PS-2'] }] },
      { lineId: pLine, allocations: [{ locationId: r1a, quantity: 4 }] },
    ]);
    expect(first.statusCode).toBe(201);
    expect(first.json<ReceiptJson>().purchaseOrder).toMatchObject({
      status: 'partially_received',
      lines: [{ quantityReceived: 2 }, { quantityReceived: 4 }],
    });
    expect(await stockByCode(t.admin, serialItem)).toEqual({ 'R1-1B': 2 });
    expect(await stockByCode(t.admin, plainItem)).toEqual({ 'R1-1A': 4 });

    // Over-receipt: 4 more serialized units when 3 are left; nothing at all is written.
    const before = await getPo(po.id);
    const over = await receive(po.id, [
      {
        lineId: sLine,
        allocations: [{ locationId: r1a, quantity: 4, serials: ['PS-3', 'PS-4', 'PS-5', 'PS-6'] }],
      },
      { lineId: pLine, allocations: [{ locationId: r1a, quantity: 6 }] },
    ]);
    expect(over.statusCode).toBe(422);
    expect(problemOf(over).code).toBe('RECEIPT_REJECTED');
    expect(errorList(over)).toEqual(['lines[0].allocations over_receipt']);
    expect(problemOf(over).errors![0]!.message).toContain('3 still to receive');
    expect(await getPo(po.id)).toEqual(before);
    expect(await stockByCode(t.admin, serialItem)).toEqual({ 'R1-1B': 2 });
    expect(await stockByCode(t.admin, plainItem)).toEqual({ 'R1-1A': 4 });
    expect((await serialsOf(t.admin, serialItem)).map((s) => s.serialNumber)).toEqual(['PS-1', 'PS-2']);

    // Over-receipt split across allocations of one line is caught on the total.
    const split = await receive(po.id, [
      {
        lineId: pLine,
        allocations: [
          { locationId: r1a, quantity: 4 },
          { locationId: r1b, quantity: 3 },
        ],
      },
    ]);
    expect(split.statusCode).toBe(422);
    expect(errorList(split)).toEqual(['lines[0].allocations over_receipt']);

    // The rest, split over two locations, completes the order.
    const rest = await receive(po.id, [
      { lineId: sLine, allocations: [{ locationId: r1a, quantity: 3, serials: ['PS-3', 'PS-4', 'PS-5'] }] },
      {
        lineId: pLine,
        allocations: [
          { locationId: r1a, quantity: 1 },
          { locationId: r1b, quantity: 5 },
        ],
      },
    ]);
    expect(rest.statusCode).toBe(201);
    const done = rest.json<ReceiptJson>().purchaseOrder;
    expect(done).toMatchObject({
      status: 'received',
      lines: [{ quantityReceived: 5 }, { quantityReceived: 10 }],
    });
    expect(done.receipts).toHaveLength(2);
    expect(await stockByCode(t.admin, serialItem)).toEqual({ 'R1-1A': 3, 'R1-1B': 2 });
    expect(await stockByCode(t.admin, plainItem)).toEqual({ 'R1-1A': 5, 'R1-1B': 5 });
    expect(await stockOf(t.admin, serialItem)).toMatchObject({
      quantityOnHand: 5,
      serialsPresent: 5,
      mismatch: 0,
    });
  });

  it('rejects a receipt as a whole with a reason for every rejected serial', async () => {
    const a = await makeItem(t.admin, 'REJ-A', { primaryLocationId: r1a });
    const b = await makeItem(t.admin, 'REJ-B', { primaryLocationId: r1a });
    const plain = await makeItem(t.admin, 'REJ-P', { trackSerials: false });
    await addSerials(t.admin, a, ['A-OLD-1', 'A-OLD-2']);
    await adjustStock(t.admin, a, r1a, 2);
    const inactive = await makeLocation(t.admin, 'OLD-SHELF');
    expect((await t.admin.patch(`/api/locations/${inactive}`, { active: false })).statusCode).toBe(200);
    const po = await createPo(t.admin, supplierId, [
      { itemId: a, quantityOrdered: 20 },
      { itemId: b, quantityOrdered: 20 },
      { itemId: plain, quantityOrdered: 20 },
    ]);
    const [la, lb, lp] = po.lines.map((l) => l.id) as [number, number, number];
    const before = await getPo(po.id);
    const stockBefore = await Promise.all([a, b, plain].map((i) => stockOf(t.admin, i)));

    const res = await receive(po.id, [
      {
        lineId: la,
        allocations: [
          // A-1 twice in one allocation, A-OLD-1 already exists.
          { locationId: r1a, quantity: 4, serials: ['A-1', 'A-2', 'A-1', 'A-OLD-1'] },
          // A-2 again in another allocation of the line; an unknown location; A-OLD-2 exists too.
          { locationId: 999999, quantity: 2, serials: ['A-2', 'A-OLD-2'] },
          { locationId: inactive, quantity: 1, serials: ['A-3'] },
        ],
      },
      {
        lineId: lb,
        allocations: [
          // Two units, one serial; and a blank serial.
          { locationId: r1b, quantity: 2, serials: ['B-1'] },
          { locationId: r1b, quantity: 1, serials: ['  '] },
          // Typed serials and automatic numbering at once.
          { locationId: r1b, quantity: 1, serials: ['B-2'], autoNumber: true },
        ],
      },
      // A plain item takes no serials.
      { lineId: lp, allocations: [{ locationId: r1a, quantity: 1, serials: ['P-1'] }] },
      // A line of another order.
      { lineId: 999999, allocations: [{ locationId: r1a, quantity: 1 }] },
    ]);
    expect(res.statusCode).toBe(422);
    const problem = problemOf(res);
    expect(problem.code).toBe('RECEIPT_REJECTED');
    expect(errorList(res)).toEqual([
      'lines[0].allocations[0].serials[2] duplicate_in_entry',
      'lines[0].allocations[0].serials[3] already_exists',
      'lines[0].allocations[1].locationId bad_location',
      'lines[0].allocations[1].serials[0] duplicate_in_entry',
      'lines[0].allocations[1].serials[1] already_exists',
      'lines[0].allocations[2].locationId bad_location',
      'lines[1].allocations[0].serials serial_count',
      'lines[1].allocations[1].serials[0] empty',
      'lines[1].allocations[2].serials serials_and_auto',
      'lines[2].allocations[0].serials not_serialized',
      'lines[3].lineId unknown_line',
    ]);
    const messages = problem.errors!.map((e) => e.message).join('\n');
    expect(messages).toContain('A-OLD-1');
    expect(messages).toContain('OLD-SHELF is inactive');
    expect(messages).toContain('999999 does not exist');
    expect(problem.detail).toContain('Nothing was received');

    // Nothing changed: the order, the stock, the serials.
    expect(await getPo(po.id)).toEqual(before);
    expect(await Promise.all([a, b, plain].map((i) => stockOf(t.admin, i)))).toEqual(stockBefore);
    expect((await serialsOf(t.admin, a)).map((s) => s.serialNumber)).toEqual(['A-OLD-1', 'A-OLD-2']);
    expect(await serialsOf(t.admin, b)).toEqual([]);
    const lookup = await t.admin.get('/api/serials/lookup?q=A-1');
    expect(lookup.json<{ matches: unknown[] }>().matches).toEqual([]);

    // The same serial under a different item is fine; the corrected entry goes through.
    const ok = await receive(po.id, [
      { lineId: la, allocations: [{ locationId: r1a, quantity: 2, serials: ['A-1', 'A-2'] }] },
      { lineId: lb, allocations: [{ locationId: r1b, quantity: 2, serials: ['A-1', 'A-2'] }] },
    ]);
    expect(ok.statusCode).toBe(201);
    expect(await stockByCode(t.admin, a)).toEqual({ 'R1-1A': 4 });
    expect(await stockByCode(t.admin, b)).toEqual({ 'R1-1B': 2 });

    // A line listed twice, an empty allocation list and an empty receipt are refused too.
    const twice = await receive(po.id, [
      { lineId: lp, allocations: [{ locationId: r1a, quantity: 1 }] },
      { lineId: lp, allocations: [] },
    ]);
    expect(twice.statusCode).toBe(422);
    expect(errorList(twice)).toEqual(['lines[1].allocations empty', 'lines[1].lineId duplicate_line']);
    const none = await receive(po.id, []);
    expect(none.statusCode).toBe(422);
    expect(errorList(none)).toEqual(['lines empty']);
    expect((await receive(999999, [])).statusCode).toBe(404);
  });

  it('needs PO_RECEIVE to receive', async () => {
    const item = await makeItem(t.admin, 'PERM-R', { trackSerials: false });
    const po = await createPo(t.admin, supplierId, [{ itemId: item, quantityOrdered: 1 }]);
    const manager = await t.userWith(['INV_VIEW', 'PO_MANAGE']);
    const res = await manager.post(`/api/purchase-orders/${po.id}/receipts`, {
      lines: [{ lineId: po.lines[0]!.id, allocations: [{ locationId: r1a, quantity: 1 }] }],
    });
    expect(res.statusCode).toBe(403);
    expect(await stockByCode(t.admin, item)).toEqual({});
    const receiver = await t.userWith(['INV_VIEW', 'PO_RECEIVE']);
    const ok = await receiver.post(`/api/purchase-orders/${po.id}/receipts`, {
      lines: [{ lineId: po.lines[0]!.id, allocations: [{ locationId: r1a, quantity: 1 }] }],
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json<ReceiptJson>().purchaseOrder.receipts[0]!.username).toBe(receiver.username);
  });

  it("numbers units from the item's serial pattern, continuing after the serials already there", async () => {
    const fresh = await makeItem(t.admin, 'AUTO-1', { primaryLocationId: r1a, serialPattern: 'SN-{#####}' });
    const po = await createPo(t.admin, supplierId, [{ itemId: fresh, quantityOrdered: 10 }]);
    const lineId = po.lines[0]!.id;
    const first = await receive(po.id, [
      {
        lineId,
        allocations: [
          { locationId: r1a, quantity: 2, autoNumber: true },
          { locationId: r1b, quantity: 1, autoNumber: true },
        ],
      },
    ]);
    expect(first.statusCode).toBe(201);
    expect(first.json<ReceiptJson>().serials.map((s) => [s.serialNumber, s.locationId])).toEqual([
      ['SN-00001', r1a],
      ['SN-00002', r1a],
      ['SN-00003', r1b],
    ]);
    const second = await receive(po.id, [
      { lineId, allocations: [{ locationId: r1a, quantity: 2, autoNumber: true }] },
    ]);
    expect(second.json<ReceiptJson>().serials.map((s) => s.serialNumber)).toEqual(['SN-00004', 'SN-00005']);
    const d = await serialDetail(t.admin, second.json<ReceiptJson>().serials[0]!.id);
    expect(d.serial.source).toEqual({ type: 'purchase_order', number: po.number });

    // An item whose serials were typed by hand before: numbering starts after the highest that fits.
    const typed = await makeItem(t.admin, 'AUTO-2', { primaryLocationId: r1a, serialPattern: 'SN-{#####}' });
    await addSerials(t.admin, typed, ['SN-00007', 'SN-00002', 'SN-X', 'SN-0000A', 'XX-00099']);
    const po2 = await createPo(t.admin, supplierId, [{ itemId: typed, quantityOrdered: 10 }]);
    const line2 = po2.lines[0]!.id;
    const auto = await receive(po2.id, [
      { lineId: line2, allocations: [{ locationId: r1a, quantity: 2, autoNumber: true }] },
    ]);
    expect(auto.statusCode).toBe(201);
    expect(auto.json<ReceiptJson>().serials.map((s) => s.serialNumber)).toEqual(['SN-00008', 'SN-00009']);

    // More typed by hand after automatic numbering began (the next one, and one further on): the next
    // automatic numbers still continue after them instead of colliding.
    await addSerials(t.admin, typed, ['SN-00010', 'SN-00015']);
    const after = await receive(po2.id, [
      { lineId: line2, allocations: [{ locationId: r1b, quantity: 2, autoNumber: true }] },
    ]);
    expect(after.statusCode).toBe(201);
    expect(after.json<ReceiptJson>().serials.map((s) => s.serialNumber)).toEqual(['SN-00016', 'SN-00017']);
    expect(await stockByCode(t.admin, typed)).toEqual({ 'R1-1A': 2, 'R1-1B': 2 });

    // Typed serials and automatic ones in the same receipt, on different allocations.
    const mixed = await receive(po2.id, [
      {
        lineId: line2,
        allocations: [
          { locationId: r1a, quantity: 1, serials: ['HAND-1'] },
          { locationId: r1a, quantity: 1, autoNumber: true },
        ],
      },
    ]);
    expect(mixed.statusCode).toBe(201);
    expect(mixed.json<ReceiptJson>().serials.map((s) => s.serialNumber)).toEqual(['HAND-1', 'SN-00018']);
  });

  it('refuses automatic numbering without a serial pattern, writing nothing', async () => {
    const item = await makeItem(t.admin, 'NOPATTERN', { primaryLocationId: r1a });
    const plain = await makeItem(t.admin, 'NOPATTERN-P', { trackSerials: false });
    const po = await createPo(t.admin, supplierId, [
      { itemId: plain, quantityOrdered: 5 },
      { itemId: item, quantityOrdered: 5 },
    ]);
    const before = await getPo(po.id);
    const res = await receive(po.id, [
      { lineId: po.lines[0]!.id, allocations: [{ locationId: r1a, quantity: 5 }] },
      { lineId: po.lines[1]!.id, allocations: [{ locationId: r1a, quantity: 2, autoNumber: true }] },
    ]);
    expect(res.statusCode).toBe(422);
    expect(problemOf(res).code).toBe('NO_SERIAL_PATTERN');
    expect(problemOf(res).detail).toContain('NOPATTERN');
    expect(await getPo(po.id)).toEqual(before);
    expect(await stockByCode(t.admin, plain)).toEqual({});
    expect(await stockByCode(t.admin, item)).toEqual({});
    expect(await serialsOf(t.admin, item)).toEqual([]);
  });
});
