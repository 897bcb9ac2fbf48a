import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, SCREENSHOTS, startServer, type RunningServer } from './support/server.js';
import { openAdminSession } from './support/admin-session.js';

// The auto-parts manual's example: a part with 3 on hand; PO 1-14 receives 5 more, 2 into R1-1A and 3 into
// R1-1B, one serial per unit. Then a sale with warranty, and a customer return.
describe('documents in Chromium: PO 1-14, a sale, a return', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let itemId: number;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const session = await openAdminSession(server, browser);
    page = session.page;
    const api = session.api;
    const r1 = (await api<{ id: number }>('/api/locations', { code: 'R1-1A' })).id;
    await api('/api/locations', { code: 'R1-1B' });
    itemId = (
      await api<{ id: number }>('/api/items', {
        sku: 'ALT-12V',
        name: 'Alternator 12V 90A',
        primaryLocationId: r1,
        warrantyMonths: 12,
        trackSerials: true,
      })
    ).id;
    await api('/api/stock-adjustments', { itemId, locationId: r1, delta: 3, reason: 'Opening stock' });
    await api(`/api/items/${itemId}/serials`, {
      serials: [{ serialNumber: 'ALT-0001' }, { serialNumber: 'ALT-0002' }, { serialNumber: 'ALT-0003' }],
    });
    // Thirteen earlier purchase orders, so the next one is 1-14 as in the manual.
    const supplier = await api<{ id: number }>('/api/suppliers', { name: 'Earlier Supplier' });
    for (let i = 0; i < 13; i++) {
      await api('/api/purchase-orders', { supplierId: supplier.id, lines: [{ itemId, quantityOrdered: 1 }] });
    }
    // page.request shares the browser's cookies: the API sign-in above signed the page in too.
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Items' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  const gridRow = (serial: string) => page.getByRole('row').filter({ hasText: serial });
  const openSerials = async () => {
    await page.goto(`${server.url}/items/${itemId}`);
    await page.getByRole('tab', { name: 'Serials' }).click();
  };

  it('creates PO 1-14 for 5 units', async () => {
    await page.getByRole('link', { name: 'Purchase orders' }).click();
    const form = page.getByRole('form', { name: 'New purchase order' });
    await form.getByLabel('New supplier name').fill('Parts Supply Co');
    await form.getByLabel('Line 1 item').selectOption({ label: 'ALT-12V — Alternator 12V 90A' });
    await form.getByLabel('Line 1 quantity').fill('5');
    await form.getByRole('button', { name: 'Create purchase order' }).click();
    await page.getByRole('heading', { name: 'PO 1-14 — Parts Supply Co' }).waitFor();
  });

  it('receives 2 into R1-1A and 3 into R1-1B with one serial per unit', async () => {
    await page.getByRole('button', { name: 'Receive' }).click();
    const dialog = page.getByRole('dialog', { name: 'Receive PO 1-14' });
    await dialog.getByLabel('ALT-12V split 1 location').selectOption({ label: 'R1-1A' });
    await dialog.getByLabel('ALT-12V split 1 quantity').fill('2');
    // An expression with a preview of the exact list before anything is saved.
    await dialog.getByLabel('ALT-12V split 1: serial expression').fill('ALT-0101..ALT-0102');
    await dialog.getByRole('button', { name: 'Preview' }).click();
    expect(await dialog.getByLabel('Preview').textContent()).toContain(
      'This makes 2 serials: ALT-0101, ALT-0102',
    );
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.getByRole('button', { name: 'Split to another location' }).click();
    await dialog.getByLabel('ALT-12V split 2 location').selectOption({ label: 'R1-1B' });
    await dialog.getByLabel('ALT-12V split 2 quantity').fill('3');
    // A keyboard-wedge scanner types each serial and presses Enter.
    const scan = dialog.getByLabel('ALT-12V split 2: scan or type a serial and press Enter');
    for (const serial of ['ALT-0201', 'ALT-0202', 'ALT-0203']) {
      await scan.pressSequentially(serial, { delay: 5 });
      await scan.press('Enter');
    }
    const counts = dialog.getByTestId('serial-count');
    expect(await counts.allTextContents()).toEqual(['2 of 2 serials', '3 of 3 serials']);
    await shot('po-receive');
    await dialog.getByRole('button', { name: 'Receive', exact: true }).click();
    await dialog.getByRole('status').waitFor();
    expect(await dialog.getByRole('status').textContent()).toMatch(
      /Receipt RC-\d+ saved: 5 serial\(s\) created/,
    );
    await dialog.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByText('Status:').textContent()).toContain('received');
  });

  it('the item now has 8 on hand and 8 serials; the new ones show Source PO 1-14', async () => {
    await openSerials();
    await gridRow('ALT-0203').waitFor();
    expect(await page.getByTestId('stock-summary').first().textContent()).toContain(
      'Quantity on hand: 8 · Serials in stock: 8',
    );
    for (const [serial, location] of [
      ['ALT-0101', 'R1-1A'],
      ['ALT-0102', 'R1-1A'],
      ['ALT-0201', 'R1-1B'],
      ['ALT-0202', 'R1-1B'],
      ['ALT-0203', 'R1-1B'],
    ] as const) {
      const text = (await gridRow(serial).textContent()) ?? '';
      expect(text).toContain(location);
      expect(text).toContain('PO 1-14');
      expect(text).toContain('In Stock');
    }
    expect((await gridRow('ALT-0001').textContent()) ?? '').toContain('Manual entry');
    await shot('serials-after-po');
  });

  it('a completed sale marks the serial Sold to the customer with its warranty', async () => {
    await page.getByRole('link', { name: 'Sales' }).click();
    const form = page.getByRole('form', { name: 'New sale' });
    await form.getByLabel('Find or add customer').fill('Main Street Garage');
    await form.getByLabel('Sale line 1 item').selectOption({ label: 'ALT-12V — Alternator 12V 90A' });
    const scan = form.getByLabel('Sale line 1: scan or type a serial and press Enter');
    await scan.fill('ALT-0101');
    await scan.press('Enter');
    await form.getByRole('button', { name: 'Complete sale' }).click();
    await page.getByRole('heading', { name: /Sale S-\d+ — Main Street Garage/ }).waitFor();
    expect(await page.getByText('Status:').textContent()).toContain('completed');

    await openSerials();
    const row = gridRow('ALT-0101');
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Sold');
    expect(text).toContain('Main Street Garage');
    expect(text).toMatch(/Under warranty \(until \d{4}-\d{2}-\d{2}\)/);
    expect(text).toMatch(/S-\d+/);
    expect(await page.getByTestId('stock-summary').first().textContent()).toContain(
      'Quantity on hand: 7 · Serials in stock: 7',
    );
    await shot('serials-after-sale');
  });

  it('a customer return brings the unit back as Returned at the chosen location', async () => {
    await gridRow('ALT-0101').getByRole('link', { name: /S-\d+/ }).click();
    await page.getByRole('button', { name: 'Customer return' }).click();
    const dialog = page.getByRole('dialog', { name: /Customer return/ });
    await dialog.getByRole('checkbox', { name: 'ALT-0101' }).check();
    await dialog.getByLabel('Condition notes for ALT-0101').fill('Bearing noise');
    await dialog.getByLabel('Return to location').selectOption({ label: 'R1-1B' });
    await dialog.getByRole('button', { name: 'Take return' }).click();
    await dialog.getByRole('status').waitFor();
    expect(await dialog.getByRole('status').textContent()).toMatch(
      /Return RT-\d+: 1 serial\(s\) Returned to R1-1B/,
    );
    await dialog.getByRole('button', { name: 'Done' }).click();

    await openSerials();
    const row = gridRow('ALT-0101');
    await row.waitFor();
    expect((await row.textContent()) ?? '').toMatch(/Returned.*R1-1B/);
    await row.dblclick();
    const detail = page.getByRole('dialog', { name: 'Serial Detail — ALT-0101' });
    const history = detail.getByRole('region', { name: 'History' });
    await history.getByRole('row').filter({ hasText: 'Returned by customer' }).waitFor();
    const kinds = await history.getByRole('row').allTextContents();
    expect(kinds.join('\n')).toMatch(/Created[\s\S]*Reserved for sale[\s\S]*Sold[\s\S]*Returned by customer/);
    expect((await detail.textContent()) ?? '').toContain('Bearing noise');
  });

  it('the Return link lands on the sale, which lists the return; restocking there clears customer and warranty', async () => {
    await openSerials();
    await gridRow('ALT-0101')
      .getByRole('link', { name: /Return RT-\d+/ })
      .click();
    await page.getByRole('heading', { name: /Sale S-\d+ — Main Street Garage/ }).waitFor();
    const ret = page.getByRole('group', { name: /Return RT-\d+/ });
    await ret.waitFor();
    const text = (await ret.textContent()) ?? '';
    expect(text).toContain('to R1-1B');
    expect(text).toMatch(/ALT-0101.*Bearing noise.*Returned/);
    await ret.getByLabel('Disposition for ALT-0101').selectOption({ label: 'Restock (In Stock)' });
    await ret.getByLabel('Disposition note for ALT-0101').fill('Bearing replaced, tested');
    await ret.getByRole('button', { name: 'Save disposition' }).click();
    await ret.getByRole('cell', { name: 'Restock (In Stock)' }).waitFor();
    await shot('return-disposition');

    await openSerials();
    const row = gridRow('ALT-0101');
    await row.waitFor();
    const after = (await row.textContent()) ?? '';
    expect(after).toContain('In Stock');
    expect(after).toContain('No warranty');
    expect(after).not.toContain('Main Street Garage');
    await row.dblclick();
    const detail = page.getByRole('dialog', { name: 'Serial Detail — ALT-0101' });
    const restocked = detail.getByRole('region', { name: 'History' }).getByRole('row').filter({
      hasText: 'Restocked after return',
    });
    await restocked.waitFor();
    expect(await restocked.textContent()).toMatch(/Returned → In Stock.*Bearing replaced, tested/);
    await page.keyboard.press('Escape');
  });

  it('a sale can start from serials picked in the grid', async () => {
    await openSerials();
    await page.getByLabel('Select ALT-0102').check();
    await page.getByRole('button', { name: 'Sell (1)' }).click();
    const form = page.getByRole('form', { name: 'New sale' });
    expect(await form.getByTestId('serial-count').textContent()).toBe('1 of 1 serials');
    await form.getByLabel('Find or add customer').fill('Walk-in customer');
    await form.getByRole('button', { name: 'Complete sale' }).click();
    await page.getByRole('heading', { name: /Sale S-\d+ — Walk-in customer/ }).waitFor();
    expect((await page.getByRole('row').filter({ hasText: 'ALT-0102' }).textContent()) ?? '').toContain(
      'sold',
    );
  });

  it('a typed range sells as many units as the line quantity', async () => {
    await page.getByRole('link', { name: 'Sales' }).click();
    const form = page.getByRole('form', { name: 'New sale' });
    await form.getByLabel('Find or add customer').fill('Fleet Services');
    await form.getByLabel('Sale line 1 item').selectOption({ label: 'ALT-12V — Alternator 12V 90A' });
    await form.getByLabel('Sale line 1 quantity').fill('2');
    expect(await form.getByTestId('serial-count').textContent()).toBe('0 of 2 serials');
    await form.getByLabel('Sale line 1: serial expression').fill('ALT-0201..ALT-0202');
    await form.getByRole('button', { name: 'Preview' }).click();
    expect(await form.getByLabel('Preview').textContent()).toContain(
      'This makes 2 serials: ALT-0201, ALT-0202',
    );
    await form.getByRole('button', { name: 'Confirm' }).click();
    expect(await form.getByTestId('serial-count').textContent()).toBe('2 of 2 serials');
    await form.getByRole('button', { name: 'Complete sale' }).click();
    await page.getByRole('heading', { name: /Sale S-\d+ — Fleet Services/ }).waitFor();
    for (const serial of ['ALT-0201', 'ALT-0202']) {
      await page.getByRole('link', { name: serial }).waitFor();
    }
  });

  it('a manager corrects the warranty end date in the Serial Detail, shown in the history', async () => {
    await openSerials();
    const row = gridRow('ALT-0201');
    await row.waitFor();
    await row.dblclick();
    const detail = page.getByRole('dialog', { name: 'Serial Detail — ALT-0201' });
    const warranty = detail.getByRole('region', { name: 'Correct warranty' });
    await warranty.getByLabel('Warranty end date').fill('2031-06-30');
    await warranty.getByRole('button', { name: 'Save warranty end date' }).click();
    const corrected = detail.getByRole('region', { name: 'History' }).getByRole('row').filter({
      hasText: 'Warranty corrected',
    });
    await corrected.waitFor();
    expect(await corrected.textContent()).toMatch(/\d{4}-\d{2}-\d{2} → 2031-06-30/);
    expect((await detail.textContent()) ?? '').toContain('Under warranty (until 2031-06-30)');
    await shot('warranty-correction');
    await page.keyboard.press('Escape');
  });

  it('a purchase order saved as a draft has its lines edited, then is opened', async () => {
    await page.getByRole('link', { name: 'Purchase orders' }).click();
    const form = page.getByRole('form', { name: 'New purchase order' });
    await form.getByLabel('Supplier', { exact: true }).selectOption({ label: 'Parts Supply Co' });
    await form.getByLabel('Line 1 item').selectOption({ label: 'ALT-12V — Alternator 12V 90A' });
    await form.getByLabel('Line 1 quantity').fill('2');
    await form.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByRole('heading', { name: 'PO 1-15 — Parts Supply Co' }).waitFor();
    expect(await page.getByText('Status:').textContent()).toContain('draft');
    await page.getByRole('button', { name: 'Edit draft' }).click();
    const edit = page.getByRole('form', { name: 'Edit draft' });
    await edit.getByLabel('Line 1 quantity').fill('6');
    await edit.getByLabel('Line 1 unit cost').fill('89.5');
    await edit.getByLabel('Notes').fill('Price agreed by phone');
    await edit.getByRole('button', { name: 'Save draft' }).click();
    await edit.waitFor({ state: 'detached' });
    expect(await page.getByText('Status:').textContent()).toContain('Price agreed by phone');
    expect((await page.getByRole('row').filter({ hasText: 'ALT-12V' }).textContent()) ?? '').toMatch(
      /6.*89\.50/,
    );
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('button', { name: 'Receive' }).waitFor();
    expect(await page.getByText('Status:').textContent()).toContain('open');
    expect(await page.getByRole('button', { name: 'Edit draft' }).count()).toBe(0);
  });
});
