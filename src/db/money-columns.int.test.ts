import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { createTestApp, makeItem, makeLocation, type TestApp } from '../../test/support/test-app.js';
import {
  adjustStock,
  createPo,
  makeCustomer,
  makeSupplier,
  type PoJson,
  type SaleJson,
} from '../../test/support/documents.js';

/** The documented maximum of unitCost and unitPrice is 100,000,000.00: 10^10 cents, past 32 bits. */
const MAX_AMOUNT = 100_000_000;

describeEachDialect('money columns hold what the API accepts', (dialect) => {
  let t: TestApp;
  let loc: number;
  let itemId: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    loc = await makeLocation(t.admin, 'M-1');
    itemId = await makeItem(t.admin, 'MONEY-1', { trackSerials: false, primaryLocationId: loc });
  });
  afterAll(() => t?.close());

  it(`a purchase order line with unitCost ${MAX_AMOUNT} is stored and read back as that number`, async () => {
    const supplierId = await makeSupplier(t.admin, 'Expensive Parts Ltd.');
    const po = await createPo(t.admin, supplierId, [
      { itemId, quantityOrdered: 2, unitCost: MAX_AMOUNT },
      { itemId, quantityOrdered: 1, unitCost: 99_999_999.99 },
    ]);
    const read = (await t.admin.get(`/api/purchase-orders/${po.id}`)).json<PoJson>();
    expect(read.lines.map((l) => l.unitCost)).toEqual([MAX_AMOUNT, 99_999_999.99]);
    expect(typeof read.lines[0]!.unitCost).toBe('number');
  });

  it(`a sale line with unitPrice ${MAX_AMOUNT} is stored and read back as that number`, async () => {
    const customerId = await makeCustomer(t.admin, 'Big Spender');
    await adjustStock(t.admin, itemId, loc, 1);
    const res = await t.admin.post('/api/sales', {
      customerId,
      complete: true,
      lines: [{ itemId, quantity: 1, locationId: loc, unitPrice: MAX_AMOUNT }],
    });
    expect(res.statusCode).toBe(201);
    const sale = (await t.admin.get(`/api/sales/${res.json<SaleJson>().id}`)).json<{
      lines: { unitPrice: number }[];
    }>();
    expect(sale.lines[0]!.unitPrice).toBe(MAX_AMOUNT);
  });
});
