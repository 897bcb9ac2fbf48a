import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  type TestApp,
} from '../../test/support/test-app.js';
import { adjustStock, makeCustomer, serialDetail, type SaleJson } from '../../test/support/documents.js';

/** The calendar date now in `zone`, reckoned independently of the product's code. */
function dateIn(zone: string): string {
  const p = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date());
  const part = (t: string) => p.find((x) => x.type === t)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

// UTC+14: for ten hours of every UTC day its date is already tomorrow's, and UTC-11 is always a day behind
// it, so a product reckoning in UTC (or in the other zone) gets a different date from the one asserted.
for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
  describeEachDialect(`business dates in ${zone}`, (dialect) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect, { timeZone: zone });
    });
    afterAll(() => t?.close());

    it("dates a sale, its warranty and a serial's Date Received on the shop's calendar", async () => {
      const shelf = await makeLocation(t.admin, 'R1-1A');
      const itemId = await makeItem(t.admin, 'TZ-1', { primaryLocationId: shelf, warrantyMonths: 12 });
      const [unit] = await addSerials(t.admin, itemId, ['TZ-0001']);
      await adjustStock(t.admin, itemId, shelf, 1);
      const customer = await makeCustomer(t.admin, 'Island Garage');
      const today = dateIn(zone);
      const res = await t.admin.post('/api/sales', {
        customerId: customer,
        complete: true,
        lines: [{ itemId, serialNumbers: ['TZ-0001'] }],
      });
      expect(res.statusCode, res.body).toBe(201);
      const sale = res.json<SaleJson>();
      // The assertions tolerate the test crossing midnight in that zone between the two readings.
      const after = dateIn(zone);
      expect([today, after]).toContain(sale.saleDate);
      const d = await serialDetail(t.admin, unit!.id);
      const [y, m, day] = sale.saleDate!.split('-').map(Number) as [number, number, number];
      const lastDay = new Date(Date.UTC(y + 1, m, 0)).getUTCDate();
      const expectedEnd = `${y + 1}-${String(m).padStart(2, '0')}-${String(Math.min(day, lastDay)).padStart(2, '0')}`;
      expect(d.serial).toMatchObject({ warrantyEndDate: expectedEnd, warrantyStatus: 'under_warranty' });
      const list = await t.admin.get(`/api/items/${itemId}/serials`);
      const row = list.json<{ serials: { serialNumber: string; dateReceived: string }[] }>().serials[0]!;
      expect([today, after]).toContain(row.dateReceived);
    });
  });
}
