import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachDialect } from './support/dialects.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  openSecondServer,
  type Client,
  type SecondServer,
  type TestApp,
} from './support/test-app.js';
import {
  adjustStock,
  createPo,
  expectHistoryReplays,
  makeCustomer,
  makeSupplier,
  serialDetail,
  serialsOf,
  stockByCode,
  stockOf,
  type PoJson,
  type ReceiptJson,
  type SaleJson,
} from './support/documents.js';

/**
 * Documents racing each other: receipts with automatic numbering, over-receipt, closing while receiving,
 * two sales of one unit, completing and cancelling one sale, returns of one unit. On PostgreSQL inject()
 * requests run truly concurrently over the pool (and, in the second block, over two app servers sharing
 * one database); on SQLite they serialise through the one connection. Every answer is a success or a
 * clean 4xx, never a 500, and the books add up afterwards.
 */

const PARALLEL = 20;

function tally(responses: LightMyRequestResponse[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of responses) out[r.statusCode] = (out[r.statusCode] ?? 0) + 1;
  return out;
}

/** "status code" of every answer that was not a success, for readable failures. */
function failures(responses: LightMyRequestResponse[]): string[] {
  return responses
    .filter((r) => r.statusCode >= 300)
    .map((r) => `${r.statusCode} ${r.json<{ code: string }>().code}`);
}

interface Ctx {
  clients: Client[];
  a: number;
  b: number;
  supplierId: number;
  customerId: number;
  otherCustomerId: number;
  tag: string;
}

function documentRaces(ctx: () => Ctx) {
  let seq = 0;
  const client = (i: number) => ctx().clients[i % ctx().clients.length]!;
  const reader = () => client(0);
  const fresh = () => `${ctx().tag}-${++seq}`;

  const receive = (i: number, poId: number, lines: unknown[]) =>
    client(i).post(`/api/purchase-orders/${poId}/receipts`, { lines });
  const getPo = async (id: number) => (await reader().get(`/api/purchase-orders/${id}`)).json<PoJson>();

  /** A serialized item with `n` serials In Stock at A, matched by `n` on hand. */
  async function stockedItem(n: number, fields: Record<string, unknown> = {}) {
    const { a } = ctx();
    const sku = `ITEM-${fresh()}`;
    const itemId = await makeItem(reader(), sku, { primaryLocationId: a, ...fields });
    const serials = await addSerials(
      reader(),
      itemId,
      Array.from({ length: n }, (_, i) => `${sku}-${i + 1}`),
    );
    if (n > 0) await adjustStock(reader(), itemId, a, n);
    return { itemId, serials };
  }

  it(`${PARALLEL} parallel receipts numbering units of one item: all succeed, no number twice`, async () => {
    const { a, b, supplierId } = ctx();
    const itemId = await makeItem(reader(), `AUTO-${fresh()}`, {
      primaryLocationId: a,
      serialPattern: 'SN-{#####}',
    });
    // Some numbers typed by hand first: the automatic ones continue after SN-00003.
    await addSerials(reader(), itemId, ['SN-00001', 'SN-00003']);
    const po = await createPo(reader(), supplierId, [{ itemId, quantityOrdered: PARALLEL * 3 }]);
    const lineId = po.lines[0]!.id;

    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        receive(i, po.id, [
          {
            lineId,
            allocations: [
              { locationId: a, quantity: 2, autoNumber: true },
              { locationId: b, quantity: 1, autoNumber: true },
            ],
          },
        ]),
      ),
    );
    expect(failures(responses)).toEqual([]);
    const numbers = responses.flatMap((r) => r.json<ReceiptJson>().serials.map((s) => s.serialNumber));
    expect(numbers).toHaveLength(PARALLEL * 3);
    expect([...numbers].sort()).toEqual(
      Array.from({ length: PARALLEL * 3 }, (_, i) => `SN-${String(i + 4).padStart(5, '0')}`),
    );
    // Each receipt got a consecutive block.
    for (const r of responses) {
      const got = r.json<ReceiptJson>().serials.map((s) => Number(s.serialNumber.slice(3)));
      expect(got).toEqual([got[0], got[0]! + 1, got[0]! + 2]);
    }
    const after = await getPo(po.id);
    expect(after).toMatchObject({ status: 'received', lines: [{ quantityReceived: PARALLEL * 3 }] });
    expect(after.receipts).toHaveLength(PARALLEL);
    expect(new Set(after.receipts.map((r) => r.number)).size).toBe(PARALLEL);
    expect(await stockByCode(reader(), itemId)).toEqual({ 'R1-1A': PARALLEL * 2, 'R1-1B': PARALLEL });
    expect((await serialsOf(reader(), itemId)).length).toBe(PARALLEL * 3 + 2);
  });

  it(`${PARALLEL} parallel receipts numbering one item on ${PARALLEL} separate orders`, async () => {
    const { a, supplierId } = ctx();
    const itemId = await makeItem(reader(), `AUTO-${fresh()}`, {
      primaryLocationId: a,
      serialPattern: 'U{###}-X',
    });
    const pos: PoJson[] = [];
    for (let i = 0; i < PARALLEL; i++)
      pos.push(await createPo(reader(), supplierId, [{ itemId, quantityOrdered: 2 }]));
    expect(new Set(pos.map((p) => p.number)).size).toBe(PARALLEL);

    const responses = await Promise.all(
      pos.map((po, i) =>
        receive(i, po.id, [
          { lineId: po.lines[0]!.id, allocations: [{ locationId: a, quantity: 2, autoNumber: true }] },
        ]),
      ),
    );
    expect(failures(responses)).toEqual([]);
    const numbers = responses.flatMap((r) => r.json<ReceiptJson>().serials.map((s) => s.serialNumber)).sort();
    expect(numbers).toEqual(
      Array.from({ length: PARALLEL * 2 }, (_, i) => `U${String(i + 1).padStart(3, '0')}-X`),
    );
    // Each serial names the order that brought it in.
    for (const [i, r] of responses.entries()) {
      const s = r.json<ReceiptJson>().serials[0]!;
      expect((await serialDetail(reader(), s.id)).serial.source).toEqual({
        type: 'purchase_order',
        number: pos[i]!.number,
      });
    }
    expect(await stockByCode(reader(), itemId)).toEqual({ 'R1-1A': PARALLEL * 2 });
  });

  it(`${PARALLEL} parallel receipts naming two lines in opposite orders: no deadlock, all succeed`, async () => {
    const { a, b, supplierId } = ctx();
    const serialItem = await makeItem(reader(), `AUTO-${fresh()}`, {
      primaryLocationId: a,
      serialPattern: 'L{####}',
    });
    const plainItem = await makeItem(reader(), `PLAIN-${fresh()}`, { trackSerials: false });
    const po = await createPo(reader(), supplierId, [
      { itemId: serialItem, quantityOrdered: PARALLEL },
      { itemId: plainItem, quantityOrdered: PARALLEL * 2 },
    ]);
    const [ls, lp] = po.lines.map((l) => l.id) as [number, number];
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => {
        const lines = [
          { lineId: ls, allocations: [{ locationId: i % 2 ? a : b, quantity: 1, autoNumber: true }] },
          {
            lineId: lp,
            allocations: [
              { locationId: i % 2 ? b : a, quantity: 1 },
              { locationId: i % 2 ? a : b, quantity: 1 },
            ],
          },
        ];
        return receive(i, po.id, i % 2 ? lines : lines.reverse());
      }),
    );
    expect(failures(responses)).toEqual([]);
    expect(await getPo(po.id)).toMatchObject({
      status: 'received',
      lines: [{ quantityReceived: PARALLEL }, { quantityReceived: PARALLEL * 2 }],
    });
    expect(await stockByCode(reader(), plainItem)).toEqual({ 'R1-1A': PARALLEL, 'R1-1B': PARALLEL });
    expect(await stockOf(reader(), serialItem)).toMatchObject({
      quantityOnHand: PARALLEL,
      serialsPresent: PARALLEL,
      mismatch: 0,
    });
  });

  it(`${PARALLEL} parallel receipts of 1 on an order of 10: exactly 10 received, the rest refused`, async () => {
    const { a, supplierId } = ctx();
    const itemId = await makeItem(reader(), `OVER-${fresh()}`, {
      primaryLocationId: a,
      serialPattern: 'OV-{####}',
    });
    const po = await createPo(reader(), supplierId, [{ itemId, quantityOrdered: 10 }]);
    const lineId = po.lines[0]!.id;
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        receive(i, po.id, [{ lineId, allocations: [{ locationId: a, quantity: 1, autoNumber: true }] }]),
      ),
    );
    const statuses = tally(responses);
    expect(statuses[201]).toBe(10);
    for (const f of failures(responses)) {
      expect(['409 OVER_RECEIPT', '409 PO_NOT_RECEIVABLE', '422 RECEIPT_REJECTED']).toContain(f);
    }
    const after = await getPo(po.id);
    expect(after).toMatchObject({ status: 'received', lines: [{ quantityReceived: 10 }] });
    expect(after.receipts).toHaveLength(10);
    const serials = await serialsOf(reader(), itemId);
    expect(serials.map((s) => s.serialNumber).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `OV-${String(i + 1).padStart(4, '0')}`),
    );
    expect(await stockByCode(reader(), itemId)).toEqual({ 'R1-1A': 10 });
  });

  it('closing an order while receipts run: once closed, nothing more is received', async () => {
    const { a, supplierId } = ctx();
    for (let round = 0; round < 3; round++) {
      const itemId = await makeItem(reader(), `CLOSE-${fresh()}`, { trackSerials: false });
      const po = await createPo(reader(), supplierId, [{ itemId, quantityOrdered: 100 }]);
      const lineId = po.lines[0]!.id;
      const responses = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          i === PARALLEL / 2
            ? client(i).patch(`/api/purchase-orders/${po.id}`, { status: 'closed' })
            : receive(i, po.id, [{ lineId, allocations: [{ locationId: a, quantity: 1 }] }]),
        ),
      );
      const close = responses[PARALLEL / 2]!;
      const receipts = responses.filter((_, i) => i !== PARALLEL / 2);
      expect(close.statusCode).toBe(200);
      for (const f of failures(receipts)) expect(f).toBe('409 PO_NOT_RECEIVABLE');
      const received = receipts.filter((r) => r.statusCode === 201).length;
      const after = await getPo(po.id);
      // The order stays closed, and what was received before the close is all there is.
      expect(after.status).toBe('closed');
      expect(after.lines[0]!.quantityReceived).toBe(received);
      expect(after.receipts).toHaveLength(received);
      expect((await stockOf(reader(), itemId)).quantityOnHand).toBe(received);
    }
  });

  it('opening and closing one draft order at once: a closed order is never reopened', async () => {
    const { supplierId } = ctx();
    const itemId = await makeItem(reader(), `DRAFT-${fresh()}`, { trackSerials: false });
    for (let round = 0; round < 5; round++) {
      const po = await createPo(reader(), supplierId, [{ itemId, quantityOrdered: 1 }], { status: 'draft' });
      const wants = Array.from({ length: PARALLEL }, (_, i) => (i % 2 ? 'open' : 'closed'));
      const responses = await Promise.all(
        wants.map((status, i) => client(i).patch(`/api/purchase-orders/${po.id}`, { status })),
      );
      for (const f of failures(responses)) expect(f).toBe('409 ILLEGAL_PO_STATUS');
      const closedOk = responses.some((r, i) => wants[i] === 'closed' && r.statusCode === 200);
      const after = await getPo(po.id);
      expect(after.status).toBe(closedOk ? 'closed' : 'open');
    }
  });

  it(`${PARALLEL} parallel sales of one unit, completed at once: one sale, one 'sold'`, async () => {
    const { a, customerId } = ctx();
    const { itemId, serials } = await stockedItem(2, { warrantyMonths: 12 });
    const serialId = serials[0]!.id;
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        client(i).post('/api/sales', {
          customerId,
          complete: true,
          lines: [{ itemId, serialIds: [serialId] }],
        }),
      ),
    );
    expect(tally(responses)[201]).toBe(1);
    for (const f of failures(responses))
      expect(['409 SERIAL_NOT_AVAILABLE', '422 SALE_REJECTED']).toContain(f);
    const winner = responses.find((r) => r.statusCode === 201)!.json<SaleJson>();
    expect(winner.status).toBe('completed');

    const d = await serialDetail(reader(), serialId);
    expect(d.serial).toMatchObject({
      status: 'sold',
      customerId,
      usedOn: { type: 'sale', number: winner.number },
    });
    expect(d.history.filter((e) => e.kind === 'sold')).toHaveLength(1);
    expect(d.history.filter((e) => e.kind === 'reserved')).toHaveLength(1);
    expect(d.history.find((e) => e.kind === 'sold')!.document).toEqual({
      type: 'sale',
      number: winner.number,
    });
    expectHistoryReplays(d);
    // Quantity dropped exactly once.
    expect(await stockByCode(reader(), itemId)).toEqual({ 'R1-1A': 1 });
    expect(await stockOf(reader(), itemId)).toMatchObject({
      quantityOnHand: 1,
      serialsPresent: 1,
      mismatch: 0,
    });
    expect(a).toBeGreaterThan(0);
  });

  it(`${PARALLEL} parallel open sales of one unit: one reserves it`, async () => {
    const { customerId, otherCustomerId } = ctx();
    const { itemId, serials } = await stockedItem(1);
    const serialNumber = serials[0]!.serialNumber;
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        client(i).post('/api/sales', {
          customerId: i % 2 ? customerId : otherCustomerId,
          lines: [{ itemId, serialNumbers: [serialNumber] }],
        }),
      ),
    );
    expect(tally(responses)[201]).toBe(1);
    for (const f of failures(responses))
      expect(['409 SERIAL_NOT_AVAILABLE', '422 SALE_REJECTED']).toContain(f);
    const d = await serialDetail(reader(), serials[0]!.id);
    expect(d.serial.status).toBe('reserved');
    expect(d.history.map((e) => e.kind)).toEqual(['created', 'reserved']);
    expect(await stockByCode(reader(), itemId)).toEqual({ 'R1-1A': 1 });
  });

  it('completing and cancelling one open sale at once: exactly one wins', async () => {
    const { customerId } = ctx();
    for (let round = 0; round < 3; round++) {
      const { itemId, serials } = await stockedItem(2);
      const open = await reader().post('/api/sales', {
        customerId,
        lines: [{ itemId, serialIds: serials.map((s) => s.id) }],
      });
      const sale = open.json<SaleJson>();
      const responses = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          client(i).post(`/api/sales/${sale.id}/${i % 2 ? 'complete' : 'cancel'}`),
        ),
      );
      expect(tally(responses)[200]).toBe(1);
      for (const f of failures(responses)) expect(f).toBe('409 SALE_NOT_OPEN');
      const winner = responses.findIndex((r) => r.statusCode === 200);
      const completed = winner % 2 === 1;
      const after = (await reader().get(`/api/sales/${sale.id}`)).json<SaleJson>();
      expect(after.status).toBe(completed ? 'completed' : 'cancelled');
      for (const s of serials) {
        const d = await serialDetail(reader(), s.id);
        expect(d.serial.status).toBe(completed ? 'sold' : 'in_stock');
        expect(d.history.map((e) => e.kind)).toEqual([
          'created',
          'reserved',
          completed ? 'sold' : 'released',
        ]);
        expectHistoryReplays(d);
      }
      expect(await stockByCode(reader(), itemId)).toEqual(completed ? {} : { 'R1-1A': 2 });
    }
  });

  it(`${PARALLEL} open sales with two lines in opposite orders completed at once: no deadlock`, async () => {
    const { a, customerId } = ctx();
    const x = await stockedItem(PARALLEL);
    const plain = await makeItem(reader(), `PLAIN-${fresh()}`, { trackSerials: false });
    await adjustStock(reader(), plain, a, PARALLEL);
    const sales: SaleJson[] = [];
    for (let i = 0; i < PARALLEL; i++) {
      const lines = [
        { itemId: x.itemId, serialIds: [x.serials[i]!.id] },
        { itemId: plain, quantity: 1, locationId: a },
      ];
      const res = await reader().post('/api/sales', { customerId, lines: i % 2 ? lines : lines.reverse() });
      expect(res.statusCode).toBe(201);
      sales.push(res.json<SaleJson>());
    }
    const responses = await Promise.all(sales.map((s, i) => client(i).post(`/api/sales/${s.id}/complete`)));
    expect(failures(responses)).toEqual([]);
    expect(await stockByCode(reader(), x.itemId)).toEqual({});
    expect(await stockByCode(reader(), plain)).toEqual({});
    expect(await stockOf(reader(), x.itemId)).toMatchObject({ quantityOnHand: 0, serialsPresent: 0 });
  });

  it('receipts and sale completions on the same two items at once: no deadlock', async () => {
    const { a, customerId, supplierId } = ctx();
    const half = PARALLEL / 2;
    // x is created first (lower id); receipts name the plain item's line first, sales the serialized line.
    const x = await stockedItem(half, { serialPattern: `RX${seq}-{####}` });
    const plain = await makeItem(reader(), `PLAIN-${fresh()}`, { trackSerials: false });
    await adjustStock(reader(), plain, a, half);
    const po = await createPo(reader(), supplierId, [
      { itemId: plain, quantityOrdered: half },
      { itemId: x.itemId, quantityOrdered: half },
    ]);
    const sales: SaleJson[] = [];
    for (let i = 0; i < half; i++) {
      const res = await reader().post('/api/sales', {
        customerId,
        lines: [
          { itemId: x.itemId, serialIds: [x.serials[i]!.id] },
          { itemId: plain, quantity: 1, locationId: a },
        ],
      });
      sales.push(res.json<SaleJson>());
    }
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        i % 2
          ? client(i).post(`/api/sales/${sales[(i - 1) / 2]!.id}/complete`)
          : receive(i, po.id, [
              { lineId: po.lines[0]!.id, allocations: [{ locationId: a, quantity: 1 }] },
              { lineId: po.lines[1]!.id, allocations: [{ locationId: a, quantity: 1, autoNumber: true }] },
            ]),
      ),
    );
    expect(failures(responses)).toEqual([]);
    expect(await stockByCode(reader(), plain)).toEqual({ 'R1-1A': half });
    expect(await stockOf(reader(), x.itemId)).toMatchObject({
      quantityOnHand: half,
      serialsPresent: half,
      mismatch: 0,
    });
  });

  it('returns and sale completions of one item at one location at once: no deadlock', async () => {
    const { a, customerId } = ctx();
    const half = PARALLEL / 2;
    const x = await stockedItem(PARALLEL);
    // The first half sold (each on its own sale), the second half on open sales waiting to be completed.
    const sold: SaleJson[] = [];
    const open: SaleJson[] = [];
    for (let i = 0; i < PARALLEL; i++) {
      const res = await reader().post('/api/sales', {
        customerId,
        complete: i < half,
        lines: [{ itemId: x.itemId, serialIds: [x.serials[i]!.id] }],
      });
      (i < half ? sold : open).push(res.json<SaleJson>());
    }
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => {
        const k = Math.floor(i / 2);
        return i % 2
          ? client(i).post(`/api/sales/${open[k]!.id}/complete`)
          : client(i).post('/api/returns', {
              saleId: sold[k]!.id,
              locationId: a,
              serials: [{ serialId: x.serials[k]!.id }],
            });
      }),
    );
    expect(failures(responses)).toEqual([]);
    expect(await stockOf(reader(), x.itemId)).toMatchObject({
      quantityOnHand: half,
      serialsPresent: half,
      mismatch: 0,
    });
  });

  it('receipts and sale cancellations on the same two serialized items at once: no deadlock', async () => {
    const { a, customerId, supplierId } = ctx();
    const half = PARALLEL / 2;
    const x1 = await stockedItem(half, { serialPattern: `CA${seq}-{####}` });
    const x2 = await stockedItem(half, { serialPattern: `CB${seq}-{####}` });
    // The order lists the item with the higher id first; sales list the lower first.
    const po = await createPo(reader(), supplierId, [
      { itemId: x2.itemId, quantityOrdered: half },
      { itemId: x1.itemId, quantityOrdered: half },
    ]);
    const sales: SaleJson[] = [];
    for (let i = 0; i < half; i++) {
      const res = await reader().post('/api/sales', {
        customerId,
        lines: [
          { itemId: x1.itemId, serialIds: [x1.serials[i]!.id] },
          { itemId: x2.itemId, serialIds: [x2.serials[i]!.id] },
        ],
      });
      sales.push(res.json<SaleJson>());
    }
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        i % 2
          ? client(i).post(`/api/sales/${sales[(i - 1) / 2]!.id}/cancel`)
          : receive(i, po.id, [
              { lineId: po.lines[0]!.id, allocations: [{ locationId: a, quantity: 1, autoNumber: true }] },
              { lineId: po.lines[1]!.id, allocations: [{ locationId: a, quantity: 1, autoNumber: true }] },
            ]),
      ),
    );
    expect(failures(responses)).toEqual([]);
    for (const x of [x1, x2]) {
      expect(await stockOf(reader(), x.itemId)).toMatchObject({
        quantityOnHand: PARALLEL,
        serialsPresent: PARALLEL,
        mismatch: 0,
      });
    }
  });

  it(`${PARALLEL} parallel sales of a plain item with 5 on hand: 5 sold, never below zero`, async () => {
    const { a, customerId } = ctx();
    const itemId = await makeItem(reader(), `PLAIN-${fresh()}`, { trackSerials: false });
    await adjustStock(reader(), itemId, a, 5);
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        client(i).post('/api/sales', {
          customerId,
          complete: true,
          lines: [{ itemId, quantity: 1, locationId: a }],
        }),
      ),
    );
    expect(tally(responses)[201]).toBe(5);
    for (const f of failures(responses)) expect(f).toBe('422 INSUFFICIENT_STOCK');
    expect(await stockOf(reader(), itemId)).toMatchObject({ quantityOnHand: 0 });
  });

  it(`${PARALLEL} parallel returns of one sold unit: one return, quantity up once`, async () => {
    const { a, b, customerId } = ctx();
    const { itemId, serials } = await stockedItem(1);
    const sold = await reader().post('/api/sales', {
      customerId,
      complete: true,
      lines: [{ itemId, serialIds: [serials[0]!.id] }],
    });
    const sale = sold.json<SaleJson>();
    expect(await stockByCode(reader(), itemId)).toEqual({});
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        client(i).post('/api/returns', {
          saleId: sale.id,
          locationId: i % 2 ? a : b,
          serials: [{ serialId: serials[0]!.id, conditionNotes: `try ${i}` }],
        }),
      ),
    );
    expect(tally(responses)[201]).toBe(1);
    for (const f of failures(responses))
      expect(['409 SERIAL_NOT_AVAILABLE', '422 RETURN_REJECTED']).toContain(f);
    const d = await serialDetail(reader(), serials[0]!.id);
    expect(d.serial.status).toBe('returned');
    expect(d.history.filter((e) => e.kind === 'returned')).toHaveLength(1);
    expectHistoryReplays(d);
    const s = await stockOf(reader(), itemId);
    expect(s).toMatchObject({ quantityOnHand: 1, serialsPresent: 1, mismatch: 0 });
    expect(s.locations.find((l) => l.quantityOnHand === 1)!.locationId).toBe(d.serial.locationId);
  });
}

describeEachDialect('document concurrency', (dialect) => {
  let t: TestApp;
  const base = { a: 0, b: 0, supplierId: 0, customerId: 0, otherCustomerId: 0 };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    base.a = await makeLocation(t.admin, 'R1-1A');
    base.b = await makeLocation(t.admin, 'R1-1B');
    base.supplierId = await makeSupplier(t.admin, 'Race Supplies');
    base.customerId = await makeCustomer(t.admin, 'Race Customer');
    base.otherCustomerId = await makeCustomer(t.admin, 'Other Racer');
  });
  afterAll(() => t?.close());

  describe('one app server', () => {
    documentRaces(() => ({ clients: [t.admin], ...base, tag: 'one' }));
  });

  if (dialect === 'postgres') {
    describe('two app servers on one database', () => {
      let second: SecondServer | undefined;
      let admin2: Client;

      beforeAll(async () => {
        second = await openSecondServer(t);
        admin2 = second.admin;
      });
      afterAll(() => second?.close());

      documentRaces(() => ({ clients: [t.admin, admin2], ...base, tag: 'two' }));
    });
  }
});
