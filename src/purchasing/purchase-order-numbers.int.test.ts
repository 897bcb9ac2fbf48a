import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { createTestApp, makeItem, makeLocation, type TestApp } from '../../test/support/test-app.js';
import { createPo, makeSupplier, type PoJson } from '../../test/support/documents.js';

describeEachDialect('purchase order numbers across prefix changes', (dialect) => {
  let t: TestApp;
  let supplierId: number;
  let itemId: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const shelf = await makeLocation(t.admin, 'R1-1A');
    supplierId = await makeSupplier(t.admin, 'Parts Wholesale Inc.');
    itemId = await makeItem(t.admin, 'FILLER-1', { primaryLocationId: shelf });
  });
  afterAll(() => t?.close());

  const setPrefix = async (purchaseOrderPrefix: string) =>
    expect((await t.admin.patch('/api/settings', { purchaseOrderPrefix })).statusCode).toBe(200);
  const next = async () => (await createPo(t.admin, supplierId, [{ itemId, quantityOrdered: 1 }])).number;

  it('skips numbers an earlier prefix already gave instead of failing every new order', async () => {
    for (let i = 1; i <= 14; i++) expect(await next()).toBe(`1-${i}`);
    // `1-1` + 1 is `1-11`, which the `1-` series gave: 1-11 … 1-14 are skipped.
    await setPrefix('1-1');
    expect(await next()).toBe('1-15');
    expect(await next()).toBe('1-16');
    // Back to `1-`: its next value, 1-15, is taken now, so it goes on after the taken ones.
    await setPrefix('1-');
    expect(await next()).toBe('1-17');
    await setPrefix('1-1');
    expect(await next()).toBe('1-18');

    const all = (await t.admin.get('/api/purchase-orders?limit=100')).json<{ purchaseOrders: PoJson[] }>();
    const numbers = all.purchaseOrders.map((p) => p.number);
    expect(numbers).toHaveLength(18);
    expect(new Set(numbers).size).toBe(18);
  });
});
