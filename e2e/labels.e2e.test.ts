import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { encodeLabelPayload } from '../src/labels/label-payload.js';
import { readPdf } from '../test/support/pdf.js';
import { launchBrowser, SCREENSHOTS, startServer, type RunningServer } from './support/server.js';
import { openAdminSession } from './support/admin-session.js';

const MM = 72 / 25.4;

// Print labels for selected serials, for one serial, with the default size from Settings › Labels; then
// scan a label's QR code into the lookup box and land on exactly that serial.
describe('labels and scanning in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let pumpA: number;
  let pumpB: number;
  let poId: number;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const session = await openAdminSession(server, browser);
    page = session.page;
    const api = session.api;
    const bin = (await api<{ id: number }>('/api/locations', { code: 'R1-1A' })).id;
    const item = async (sku: string, name: string) =>
      (await api<{ id: number }>('/api/items', { sku, name, primaryLocationId: bin, trackSerials: true })).id;
    pumpA = await item('PUMP-A', 'Water pump, cast iron housing');
    pumpB = await item('PUMP-B', 'Water pump, aluminium housing');
    await api(`/api/items/${pumpA}/serials`, {
      serials: [{ serialNumber: 'WP-0001' }, { serialNumber: 'WP-0002' }, { serialNumber: 'WP-0003' }],
    });
    // The same serial number on another item: only the QR code (which names the SKU) tells them apart.
    await api(`/api/items/${pumpB}/serials`, { serials: [{ serialNumber: 'WP-0001' }] });
    // A purchase order received with two serials, for the receipt's labels.
    const supplier = await api<{ id: number }>('/api/suppliers', { name: 'Pump Parts Ltd' });
    const po = await api<{ id: number; lines: { id: number }[] }>('/api/purchase-orders', {
      supplierId: supplier.id,
      lines: [{ itemId: pumpA, quantityOrdered: 2 }],
    });
    poId = po.id;
    await api(`/api/purchase-orders/${po.id}/receipts`, {
      lines: [
        {
          lineId: po.lines[0]!.id,
          allocations: [{ locationId: bin, quantity: 2, serials: ['WP-0101', 'WP-0102'] }],
        },
      ],
    });
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Items' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const openSerials = async (itemId: number) => {
    await page.goto(`${server.url}/items/${itemId}`);
    await page.getByRole('tab', { name: 'Serials' }).click();
  };

  /**
   * Clicks Print in the dialog and returns the PDF the server answered, read page by page. The request is
   * intercepted and passed through, so the test reads exactly the bytes the browser received.
   */
  async function print(urlPattern: RegExp) {
    const dialog = page.getByRole('dialog', { name: 'Print labels' });
    let body: Buffer | null = null;
    let type = '';
    await page.route(urlPattern, async (route) => {
      const response = await route.fetch();
      expect(response.status()).toBe(200);
      type = response.headers()['content-type'] ?? '';
      body = await response.body();
      await route.fulfill({ response, body });
    });
    // The PDF opens in a new tab, to print from the browser's viewer.
    const popup = page.waitForEvent('popup');
    await dialog.getByRole('button', { name: 'Print' }).click();
    await dialog.getByRole('status').waitFor();
    // Closed at once: a background tab slows every later step of the test.
    await (await popup).close();
    await page.unroute(urlPattern);
    expect(type).toBe('application/pdf');
    return readPdf(body!);
  }

  it('prints labels for the selected serials: one page per serial, the chosen size', async () => {
    await openSerials(pumpA);
    await page.getByLabel('Select WP-0001').check();
    await page.getByLabel('Select WP-0003').check();
    await page.getByRole('button', { name: 'Print labels (2)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Print labels' });
    await dialog.getByText('Labels for 2 selected serial(s).').waitFor();
    // The default size comes from the settings.
    await expect.poll(() => dialog.getByLabel('Label size').inputValue()).toBe('2x1in');
    await dialog.getByLabel('Label size').selectOption('62x29mm');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'print-labels.png') });
    const pdf = await print(/\/api\/labels$/);
    expect(pdf.header).toMatch(/^%PDF-/);
    expect(pdf.pages).toHaveLength(2);
    expect(pdf.pages.map((p) => p.texts[0]).sort()).toEqual(['WP-0001', 'WP-0003']);
    for (const p of pdf.pages) {
      expect(p.texts[1]).toBe('PUMP-A');
      expect(p.size[0]).toBeCloseTo(62 * MM, 2);
      expect(p.size[1]).toBeCloseTo(29 * MM, 2);
    }
    await page.keyboard.press('Escape');
  });

  it('an administrator sets the default label size; the Serial Detail prints one label at that size', async () => {
    await page.goto(`${server.url}/items`);
    await page.getByRole('link', { name: 'Labels' }).click();
    const form = page.getByRole('form', { name: 'Label settings' });
    await form.getByLabel('Default label size').fill('3x2in');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'new labels default to 3x2in' }).waitFor();

    await openSerials(pumpA);
    await page.getByRole('row').filter({ hasText: 'WP-0002' }).dblclick();
    const detail = page.getByRole('dialog', { name: 'Serial Detail — WP-0002' });
    await detail.getByRole('button', { name: 'Print label' }).click();
    await expect
      .poll(() => page.getByRole('dialog', { name: 'Print labels' }).getByLabel('Label size').inputValue())
      .toBe('3x2in');
    const pdf = await print(/\/api\/serials\/\d+\/labels\?/);
    expect(pdf.pages).toHaveLength(1);
    expect(pdf.pages[0]!.size).toEqual([216, 144]);
    expect(pdf.pages[0]!.texts.slice(0, 2)).toEqual(['WP-0002', 'PUMP-A']);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
  });

  it('prints the labels of a purchase order receipt: one per serial received', async () => {
    await page.goto(`${server.url}/purchase-orders/${poId}`);
    await page.getByRole('heading', { name: 'Receipts' }).waitFor();
    await page
      .getByRole('listitem')
      .filter({ hasText: '2 into R1-1A' })
      .getByRole('button', { name: 'Print labels' })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Print labels' });
    await dialog.getByText(/Labels for the serials received on RC-\d+\./).waitFor();
    const pdf = await print(/\/api\/receipts\/\d+\/labels\?/);
    expect(pdf.pages.map((p) => p.texts[0])).toEqual(['WP-0101', 'WP-0102']);
    expect(pdf.pages[0]!.size).toEqual([216, 144]);
    await page.keyboard.press('Escape');
  });

  it("a scanned QR code opens exactly its serial; the Code 128's plain serial offers both units", async () => {
    await page.goto(`${server.url}/items`);
    const box = page.getByLabel('Serial lookup');
    // A keyboard-wedge scanner: the whole payload typed at once, then Enter.
    await box.click();
    await page.keyboard.type(encodeLabelPayload({ sku: 'PUMP-B', serialNumber: 'WP-0001' }), { delay: 0 });
    await page.keyboard.press('Enter');
    const detail = page.getByRole('dialog', { name: 'Serial Detail — WP-0001' });
    await detail.waitFor();
    await detail.getByText('PUMP-B', { exact: false }).first().waitFor();
    expect(page.url()).toContain(`/items/${pumpB}?serial=`);
    await page.keyboard.press('Escape');

    await box.click();
    await page.keyboard.type('WP-0001', { delay: 0 });
    await page.keyboard.press('Enter');
    const list = page.getByRole('listbox', { name: 'Serial matches' });
    await expect.poll(() => list.getByRole('option').count()).toBe(2);
  });
});
