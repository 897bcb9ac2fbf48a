import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startServer, type RunningServer } from './support/server.js';
import { openAdminSession } from './support/admin-session.js';

// Receiving one item into several locations: `~` in a later split continues after the serials `~` made in
// the earlier splits, not after the item's latest saved serial (which would repeat them). The receipt sends
// them as `~`, and the server makes the same numbers inside its transaction.
describe('serial entry in Chromium: ~ across splits of one receipt', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let poId: number;
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
        sku: 'LT-1',
        name: 'Lamp',
        primaryLocationId: r1,
        trackSerials: true,
      })
    ).id;
    await api(`/api/items/${itemId}/serials`, { serials: [{ serialNumber: 'LT-0010' }] });
    const supplier = await api<{ id: number }>('/api/suppliers', { name: 'Lamp Supply' });
    poId = (
      await api<{ id: number }>('/api/purchase-orders', {
        supplierId: supplier.id,
        lines: [{ itemId, quantityOrdered: 6 }],
      })
    ).id;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('later splits continue after the earlier ones; a preview of older text is never added', async () => {
    await page.goto(`${server.url}/purchase-orders/${poId}`);
    await page.getByRole('button', { name: 'Receive' }).click();
    const dialog = page.getByRole('dialog', { name: /^Receive PO/ });
    await dialog.getByLabel('LT-1 split 1 location').selectOption({ label: 'R1-1A' });
    await dialog.getByLabel('LT-1 split 1 quantity').fill('2');
    const first = dialog.getByLabel('LT-1 split 1: serial expression');
    await first.fill('~+');
    await first.press('Enter');
    expect(await dialog.getByLabel('Preview').textContent()).toContain(
      'This makes 2 serials: LT-0011, LT-0012',
    );
    // Editing the text drops the preview made for the old text.
    await first.fill('~+9');
    expect(await dialog.getByRole('button', { name: 'Confirm' }).count()).toBe(0);
    await first.fill('~+');
    await first.press('Enter');
    await dialog.getByRole('button', { name: 'Confirm' }).click();

    await dialog.getByRole('button', { name: 'Split to another location' }).click();
    await dialog.getByLabel('LT-1 split 2 location').selectOption({ label: 'R1-1B' });
    await dialog.getByLabel('LT-1 split 2 quantity').fill('2');
    const second = dialog.getByLabel('LT-1 split 2: serial expression');
    await second.fill('~+');
    await second.press('Enter');
    expect(await dialog.getByLabel('Preview').textContent()).toContain(
      'This makes 2 serials: LT-0013, LT-0014',
    );
    await dialog.getByRole('button', { name: 'Confirm' }).click();

    // A scanned serial is taken as it is and does not move `~`, which continues after the last one `~` made.
    await dialog.getByRole('button', { name: 'Split to another location' }).click();
    await dialog.getByLabel('LT-1 split 3 location').selectOption({ label: 'R1-1B' });
    await dialog.getByLabel('LT-1 split 3 quantity').fill('2');
    const scan = dialog.getByLabel('LT-1 split 3: scan or type a serial and press Enter');
    await scan.fill('LT-0020');
    await scan.press('Enter');
    const third = dialog.getByLabel('LT-1 split 3: serial expression');
    await third.fill('~');
    await third.press('Enter');
    expect(await dialog.getByLabel('Preview').textContent()).toContain('This makes 1 serial: LT-0015');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    expect(await dialog.getByTestId('serial-count').allTextContents()).toEqual([
      '2 of 2 serials',
      '2 of 2 serials',
      '2 of 2 serials',
    ]);
    await dialog.getByRole('button', { name: 'Receive', exact: true }).click();
    await dialog.getByRole('status').waitFor();
    expect(await dialog.getByRole('status').textContent()).toMatch(/saved: 6 serial\(s\) created/);
    const made = (await (
      await page.request.get(`${server.url}/api/items/${itemId}/serials?limit=50`)
    ).json()) as {
      serials: { serialNumber: string }[];
    };
    expect(made.serials.map((s) => s.serialNumber).sort()).toEqual([
      'LT-0010',
      'LT-0011',
      'LT-0012',
      'LT-0013',
      'LT-0014',
      'LT-0015',
      'LT-0020',
    ]);
  });
});
