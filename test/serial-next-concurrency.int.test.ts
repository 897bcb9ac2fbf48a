import { afterAll, beforeAll, expect, it } from 'vitest';
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
import { createPo, makeSupplier, type ReceiptJson } from './support/documents.js';

/**
 * Issue 10 point 7: `~` is resolved by the server inside the write transaction, so many clerks receiving
 * (or adding) with `~+` at the same moment all succeed, each with the next free serials. On PostgreSQL the
 * requests run concurrently over the pool and over two app servers; on SQLite they serialise.
 */
const CLERKS = 40;

describeEachDialect('~ under concurrency', (dialect) => {
  let t: TestApp;
  let second: SecondServer | null = null;
  let clients: Client[];
  let loc: number;
  let supplierId: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    if (dialect === 'postgres') second = await openSecondServer(t);
    clients = second ? [t.admin, second.admin] : [t.admin];
    loc = await makeLocation(t.admin, 'R1-1A');
    supplierId = await makeSupplier(t.admin, 'Clerk Supplies');
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  const numbersOf = async (itemId: number) =>
    (await t.admin.get(`/api/items/${itemId}/serials?limit=500`))
      .json<{ serials: { serialNumber: string }[] }>()
      .serials.map((s) => s.serialNumber)
      .sort();
  const expected = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => `CLK-${String(from + i).padStart(4, '0')}`);

  it(`${CLERKS} receipts with ~+ at once all succeed with distinct, consecutive serials`, async () => {
    const itemId = await makeItem(t.admin, 'CLK-RCV', { primaryLocationId: loc });
    await addSerials(t.admin, itemId, ['CLK-0099']);
    const orders = [];
    for (let i = 0; i < CLERKS; i++)
      orders.push(await createPo(t.admin, supplierId, [{ itemId, quantityOrdered: 2 }]));
    const responses = await Promise.all(
      orders.map((po, i) =>
        clients[i % clients.length]!.post(`/api/purchase-orders/${po.id}/receipts`, {
          lines: [
            {
              lineId: po.lines[0]!.id,
              allocations: [{ locationId: loc, quantity: 2, serialExpression: '~+' }],
            },
          ],
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(CLERKS).fill(201));
    // Each receipt got two consecutive numbers of its own.
    for (const r of responses) {
      const [a, b] = r.json<ReceiptJson>().serials.map((s) => Number(s.serialNumber.slice(4)));
      expect(b).toBe(a! + 1);
    }
    expect(await numbersOf(itemId)).toEqual(['CLK-0099', ...expected(100, 2 * CLERKS)]);
  });

  it('one receipt with ~ in two allocations continues the second after the first', async () => {
    const itemId = await makeItem(t.admin, 'CLK-SPLIT', { primaryLocationId: loc });
    const other = await makeLocation(t.admin, 'R1-1B');
    await addSerials(t.admin, itemId, ['CLK-0099']);
    const po = await createPo(t.admin, supplierId, [{ itemId, quantityOrdered: 5 }]);
    const res = await t.admin.post(`/api/purchase-orders/${po.id}/receipts`, {
      lines: [
        {
          lineId: po.lines[0]!.id,
          allocations: [
            { locationId: loc, quantity: 2, serialExpression: '~, ~' },
            { locationId: other, quantity: 3, serialExpression: '~+' },
          ],
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<ReceiptJson>().serials.map((s) => [s.serialNumber, s.locationId])).toEqual([
      ['CLK-0100', loc],
      ['CLK-0101', loc],
      ['CLK-0102', other],
      ['CLK-0103', other],
      ['CLK-0104', other],
    ]);
  });

  it(`${CLERKS} Add Serial requests with ~+2 at once all succeed`, async () => {
    const itemId = await makeItem(t.admin, 'CLK-ADD', { primaryLocationId: loc });
    await addSerials(t.admin, itemId, ['CLK-0099']);
    const responses = await Promise.all(
      Array.from({ length: CLERKS }, (_, i) =>
        clients[i % clients.length]!.post(`/api/items/${itemId}/serials/from-expression`, {
          expression: '~+2',
          quantity: 3,
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(CLERKS).fill(201));
    expect(await numbersOf(itemId)).toEqual(['CLK-0099', ...expected(100, 3 * CLERKS)]);
  });
});
