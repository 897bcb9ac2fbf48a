import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startServer, type RunningServer } from './support/server.js';
import { makeTrackedItem, openAdminSession, type AdminSession } from './support/admin-session.js';

// A scanner sent WID-100-0200 and the old Add Serial made 101 serials WID-100 … WID-200. The inventory
// manager selects the mistaken batch in the grid and voids it in one action; the numbers are free again.
describe('correcting mistakes in Chromium: voiding a mistaken batch, correcting a typo', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let itemId: number;
  let api: AdminSession['api'];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const session = await openAdminSession(server, browser);
    page = session.page;
    api = session.api;
    itemId = await makeTrackedItem(api, { sku: 'WID', name: 'Widget', locationCode: 'R1-1A' });
    const mistaken = Array.from({ length: 101 }, (_, i) => ({ serialNumber: `WID-${100 + i}` }));
    await api(`/api/items/${itemId}/serials`, {
      serials: [...mistaken, { serialNumber: 'KEEP-0001' }, { serialNumber: 'KEPE-0002' }],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const chip = (label: string) =>
    page
      .getByRole('group', { name: 'Filter by status' })
      .getByRole('button', { name: new RegExp(`^${label}`) });
  const gridRows = () =>
    page.getByRole('grid', { name: 'Serials' }).getByRole('row').filter({ hasNotText: 'Serial Number' });

  it('selects the 101 mistaken serials, voids them with one reason, and they leave the grid and the counts', async () => {
    await page.goto(`${server.url}/items/${itemId}`);
    await page.getByRole('tab', { name: 'Serials' }).click();
    await expect.poll(() => chip('All').textContent()).toBe('All 103');

    await page.getByLabel('Search serials').fill('WID-');
    await page.getByLabel('Select WID-100', { exact: true }).waitFor();
    await expect.poll(() => page.getByLabel('Select KEEP-0001').count()).toBe(0);
    await page.getByLabel('Select all shown serials').check();
    await page.getByRole('button', { name: 'Void (101)' }).click();

    const dialog = page.getByRole('dialog', { name: 'Void 101 serials' });
    await dialog.getByText('WID-100, WID-101').waitFor();
    expect(await dialog.getByText('and 91 more').count()).toBe(1);
    const confirm = dialog.getByRole('button', { name: 'Void 101 serials' });
    // A reason first: the history keeps it.
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Reason for voiding').fill('Scanner read WID-100-0200 as a range');
    await confirm.click();
    await dialog.waitFor({ state: 'hidden' });

    await page.getByText('No serials match these filters.').waitFor();
    await page.getByLabel('Search serials').fill('');
    await expect.poll(async () => (await gridRows().allTextContents()).length).toBe(2);
    expect((await gridRows().allTextContents()).join(' ')).toMatch(/KEEP-0001.*KEPE-0002/);
    await expect.poll(() => chip('All').textContent()).toBe('All 2');
    expect(await chip('In Stock').textContent()).toBe('In Stock 2');
    expect(await chip('Voided').textContent()).toBe('Voided 101');
    // The selection is gone with them.
    expect(await page.getByRole('button', { name: 'Void', exact: true }).isDisabled()).toBe(true);

    // The Voided chip shows them, each with its history.
    await chip('Voided').click();
    await page.getByRole('button', { name: 'WID-105', exact: true }).click();
    const detail = page.getByRole('dialog', { name: 'Serial Detail — WID-105' });
    await detail
      .getByText(/Voided as entered in error on .* by admin: Scanner read WID-100-0200 as a range/)
      .waitFor();
    const row = detail
      .getByRole('region', { name: 'History' })
      .getByRole('row')
      .filter({ hasText: 'Voided (entered in error)' });
    expect(await row.textContent()).toContain('one of 101 voided together');
    expect(await detail.getByRole('region', { name: 'Void serial' }).count()).toBe(0);
    await page.keyboard.press('Escape');
    await chip('Voided').click();

    // The numbers are free again.
    const again = await api<{ serials: unknown[] }>(`/api/items/${itemId}/serials`, {
      serials: [{ serialNumber: 'WID-100' }],
    });
    expect(again.serials).toHaveLength(1);
    await page.reload();
    await page.getByRole('tab', { name: 'Serials' }).click();
    await expect.poll(() => chip('All').textContent()).toBe('All 3');
  });

  it('corrects a typo on the Serial Detail, and the lookup still finds the old number', async () => {
    await page.getByRole('button', { name: 'KEPE-0002', exact: true }).click();
    const detail = page.getByRole('dialog', { name: 'Serial Detail — KEPE-0002' });
    const section = detail.getByRole('region', { name: 'Correct serial number' });
    // A number the item has already is refused in plain words.
    await section.getByLabel('Corrected serial number').fill('KEEP-0001');
    await section.getByRole('button', { name: 'Correct serial number' }).click();
    await expect
      .poll(() => detail.getByRole('alert').textContent())
      .toContain('Serial "KEEP-0001" already exists for WID');
    await section.getByLabel('Corrected serial number').fill('KEEP-0002');
    await section.getByLabel('Reason for correcting the serial number').fill('Letters swapped');
    await section.getByRole('button', { name: 'Correct serial number' }).click();
    await page.getByRole('dialog', { name: 'Serial Detail — KEEP-0002' }).waitFor();
    const row = page
      .getByRole('dialog', { name: 'Serial Detail — KEEP-0002' })
      .getByRole('region', { name: 'History' })
      .getByRole('row')
      .filter({ hasText: 'Serial number corrected' });
    expect(await row.textContent()).toContain('KEPE-0002 → KEEP-0002 · Letters swapped');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'KEEP-0002', exact: true }).waitFor();

    const res = await page.request.get(`${server.url}/api/serials/lookup?q=KEPE-0002`);
    const found = (await res.json()) as {
      matches: { serialNumber: string; renumberedFrom: string | null }[];
    };
    expect(found.matches).toEqual([
      expect.objectContaining({ serialNumber: 'KEEP-0002', renumberedFrom: 'KEPE-0002' }),
    ]);
  });
});
