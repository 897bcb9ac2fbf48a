import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachDialect } from './support/dialects.js';
import { expectAllHistoriesReplay } from './support/history-replay.js';
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
import { adjustStock, createPo, makeCustomer, makeSupplier, stockOf } from './support/documents.js';

/**
 * Ordinary operations at once, as several app servers see them (on PostgreSQL two servers, each with its
 * own pool, on one database; on SQLite one server): operations on different serials never refuse each
 * other, a real collision has exactly one winner, and afterwards every serial's history replays to its row.
 */
function tally(responses: LightMyRequestResponse[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of responses) out[r.statusCode] = (out[r.statusCode] ?? 0) + 1;
  return out;
}

describeEachDialect('scale-out', (dialect) => {
  let t: TestApp;
  let second: SecondServer | undefined;
  const clients: Client[] = [];
  const client = (i: number) => clients[i % clients.length]!;
  let a: number;
  let b: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    clients.push(t.admin);
    if (dialect === 'postgres') {
      second = await openSecondServer(t);
      clients.push(second.admin);
    }
    a = await makeLocation(t.admin, 'SO-A');
    b = await makeLocation(t.admin, 'SO-B');
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('300 at once: receipts into A while selling and transferring other serials of the item there, 0 refused', async () => {
    const PER_KIND = 100;
    const itemId = await makeItem(t.admin, 'SO-MIX', { primaryLocationId: a });
    const serials = await addSerials(
      t.admin,
      itemId,
      Array.from({ length: 2 * PER_KIND }, (_, i) => `MIX-${String(i).padStart(4, '0')}`),
    );
    await adjustStock(t.admin, itemId, a, serials.length);
    const customerId = await makeCustomer(t.admin, 'Mixed Customer');
    const supplierId = await makeSupplier(t.admin, 'Mixed Supplier');
    // Ten orders of ten units, so receipts of different orders run side by side too.
    const orders = [];
    for (let i = 0; i < 10; i++)
      orders.push(await createPo(t.admin, supplierId, [{ itemId, quantityOrdered: 10 }]));

    const ops: (() => Promise<LightMyRequestResponse>)[] = [];
    for (let i = 0; i < PER_KIND; i++) {
      const po = orders[i % orders.length]!;
      ops.push(() =>
        client(i).post(`/api/purchase-orders/${po.id}/receipts`, {
          lines: [
            { lineId: po.lines[0]!.id, allocations: [{ locationId: a, quantity: 1, serials: [`RCV-${i}`] }] },
          ],
        }),
      );
      ops.push(() =>
        client(i + 1).post('/api/sales', {
          customerId,
          complete: true,
          lines: [{ itemId, serialIds: [serials[i]!.id] }],
        }),
      );
      ops.push(() =>
        client(i).post('/api/transfers', {
          fromLocationId: a,
          toLocationId: b,
          serialIds: [serials[PER_KIND + i]!.id],
        }),
      );
    }
    const responses = await Promise.all(ops.map((op) => op()));
    const refused = responses.filter((r) => r.statusCode !== 201);
    expect(refused.map((r) => `${r.statusCode} ${r.body}`)).toEqual([]);
    expect(tally(responses)).toEqual({ 201: 3 * PER_KIND });

    // Every unit counted once: 200 + 100 received − 100 sold − 100 moved to B.
    const stock = await stockOf(t.admin, itemId);
    expect(stock.quantityOnHand).toBe(2 * PER_KIND);
    const at = (loc: number) => stock.locations.find((l) => l.locationId === loc);
    expect(at(a)).toMatchObject({ quantityOnHand: PER_KIND, serialsPresent: PER_KIND, mismatch: 0 });
    expect(at(b)).toMatchObject({ quantityOnHand: PER_KIND, serialsPresent: PER_KIND, mismatch: 0 });
    expect(await expectAllHistoriesReplay(t.runtime.database.db, [itemId])).toBe(3 * PER_KIND);
  });

  it('the same serial sold by 20 at once over both servers: exactly one sale, nothing left Reserved', async () => {
    const itemId = await makeItem(t.admin, 'SO-ONE', { primaryLocationId: a });
    const [s] = await addSerials(t.admin, itemId, ['ONE-1']);
    await adjustStock(t.admin, itemId, a, 1);
    const customerId = await makeCustomer(t.admin, 'Racing Customer');
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client(i).post('/api/sales', { customerId, complete: true, lines: [{ itemId, serialIds: [s!.id] }] }),
      ),
    );
    // Losers are refused before (422: not In Stock any more) or during (409) their transaction.
    const statuses = tally(responses);
    expect(statuses[201]).toBe(1);
    expect((statuses[409] ?? 0) + (statuses[422] ?? 0)).toBe(19);
    const serial = (await t.admin.get(`/api/serials/${s!.id}`)).json<{ serial: { status: string } }>().serial;
    expect(serial.status).toBe('sold');
    // No losing sale stays open holding the serial: the one-step sale is one transaction.
    const open = (await t.admin.get(`/api/sales?limit=100`)).json<{ sales: { status: string }[] }>();
    expect(open.sales.filter((x) => x.status === 'open')).toEqual([]);
    expect((await stockOf(t.admin, itemId)).quantityOnHand).toBe(0);
    await expectAllHistoriesReplay(t.runtime.database.db, [itemId]);
  });

  it('60 Add Serial (200 each) racing 60 changes of the Default Serial Q&A: every history replays', async () => {
    const pt = await t.admin.post('/api/part-types', { name: 'Graded parts' });
    expect(pt.statusCode).toBe(201);
    const partTypeId = pt.json<{ id: number }>().id;
    const field = await t.admin.post(`/api/part-types/${partTypeId}/custom-fields`, {
      name: 'Grade',
      type: 'text',
    });
    expect(field.statusCode, field.body).toBe(201);
    const fieldId = field.json<{ id: number }>().id;
    const itemId = await makeItem(t.admin, 'SO-GRADED', { primaryLocationId: a, partTypeId });
    const setDefault = (i: number, grade: string) =>
      client(i).request('PUT', `/api/items/${itemId}/custom-field-defaults`, {
        values: { [fieldId]: grade },
      });
    expect((await setDefault(0, 'A')).statusCode).toBe(200);

    const ROUNDS = 60;
    const ops: Promise<LightMyRequestResponse>[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      ops.push(
        client(i).post(`/api/items/${itemId}/serials`, {
          serials: Array.from({ length: 200 }, (_, k) => ({ serialNumber: `GR-${i}-${k}` })),
        }),
      );
      ops.push(setDefault(i + 1, ['A', 'B', 'C'][i % 3]!));
    }
    const responses = await Promise.all(ops);
    expect(responses.filter((r) => r.statusCode >= 300).map((r) => `${r.statusCode} ${r.body}`)).toEqual([]);
    expect(await expectAllHistoriesReplay(t.runtime.database.db, [itemId])).toBe(ROUNDS * 200);
  }, 120_000);

  it('every serial of the database replays to its row after all of it', async () => {
    expect(await expectAllHistoriesReplay(t.runtime.database.db)).toBeGreaterThan(12_000);
  });
});
