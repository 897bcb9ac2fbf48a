import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startServer, type RunningServer } from './support/server.js';
import { openAdminSession, type AdminSession } from './support/admin-session.js';

// Fixing the catalog's typos (a location's code, a part type's name) in the admin pages, the Serials tab's
// custom warranty window, and what Add Serial says while it saves a large range.
describe('catalog edits, warranty window and Add Serial progress in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let api: AdminSession['api'];
  let itemId: number;

  const isoDaysFromToday = (days: number) =>
    new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  const gridRow = (serial: string) =>
    page.getByRole('grid', { name: 'Serials' }).getByRole('row').filter({ hasText: serial });
  /** The serial numbers Export CSV saves, in order. */
  const exportedSerials = async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const rows = parse<Record<string, string>>(fs.readFileSync(await download.path(), 'utf8'), {
      bom: true,
      columns: true,
    });
    return rows.map((r) => r['Serial Number']);
  };
  const openSerialsTab = async (sku: string) => {
    await page.getByRole('link', { name: 'Items', exact: true }).click();
    await page.getByRole('link', { name: sku, exact: true }).click();
    await page.getByRole('tab', { name: 'Serials' }).click();
  };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const session = await openAdminSession(server, browser);
    page = session.page;
    api = session.api;
    const shelf = (await api<{ id: number }>('/api/locations', { code: 'SHLEF-1', name: 'Shlef one' })).id;
    await api('/api/locations', { code: 'R2-1A' });
    await api('/api/part-types', { name: 'Altrenators', description: 'Car alternators' });
    itemId = (
      await api<{ id: number }>('/api/items', {
        sku: 'CAT-1',
        name: 'Alternator 12V',
        primaryLocationId: shelf,
        trackSerials: true,
      })
    ).id;
    await api(`/api/items/${itemId}/serials`, { serials: [{ serialNumber: 'CAT-0001' }] });
    await page.goto(`${server.url}/items/${itemId}`);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('renaming a location code shows the new code in the Serials grid', async () => {
    await page.getByRole('tab', { name: 'Serials' }).click();
    expect(await gridRow('CAT-0001').textContent()).toContain('SHLEF-1');

    await page.getByRole('link', { name: 'Locations' }).click();
    await page.getByRole('button', { name: 'Edit SHLEF-1' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit location SHLEF-1' });
    await dialog.getByLabel('Code').fill('SHELF-1');
    await dialog.getByLabel('Name').fill('Shelf one');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('cell', { name: 'SHELF-1', exact: true }).waitFor();
    expect(await page.getByRole('cell', { name: 'SHLEF-1', exact: true }).count()).toBe(0);

    // Straight back to the item, well inside the cache's freshness window: the grid must not show the old code.
    await openSerialsTab('CAT-1');
    await expect.poll(() => gridRow('CAT-0001').textContent()).toContain('SHELF-1');
    expect(await gridRow('CAT-0001').textContent()).not.toContain('SHLEF-1');
  });

  it('a taken or spaced code is refused with the server message, and nothing changes', async () => {
    await page.getByRole('link', { name: 'Locations' }).click();
    await page.getByRole('button', { name: 'Edit SHELF-1' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit location SHELF-1' });
    await dialog.getByLabel('Code').fill('R2-1A');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').textContent())
      .toContain('A location with code "R2-1A" already exists.');
    await dialog.getByLabel('Code').fill('SHELF 1');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').textContent())
      .toContain('A location code has no spaces, e.g. R1-1A');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const saved = (await (await page.request.get(`${server.url}/api/locations`)).json()) as {
      locations: { code: string }[];
    };
    expect(saved.locations.map((l) => l.code)).toEqual(['R2-1A', 'SHELF-1']);
  });

  it("edits a part type's name and description", async () => {
    await page.getByRole('link', { name: 'Part types' }).click();
    await page.getByRole('button', { name: 'Edit Altrenators' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit part type Altrenators' });
    expect(await dialog.getByLabel('Description').inputValue()).toBe('Car alternators');
    await dialog.getByLabel('Name').fill('Alternators');
    await dialog.getByLabel('Description').fill('Car and truck alternators');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByRole('row').filter({ hasText: 'Alternators' });
    await expect.poll(() => row.textContent()).toContain('Car and truck alternators');
    expect(await page.getByRole('cell', { name: 'Altrenators', exact: true }).count()).toBe(0);
  });

  it('a custom warranty window filters the grid by any number of days', async () => {
    const created = await api<{ serials: { id: number; serialNumber: string }[] }>(
      `/api/items/${itemId}/serials`,
      { serials: ['W-10', 'W-150', 'W-400'].map((serialNumber) => ({ serialNumber })) },
    );
    const { csrfToken } = (await (await page.request.get(`${server.url}/api/auth/session`)).json()) as {
      csrfToken: string;
    };
    for (const s of created.serials) {
      const days = Number(s.serialNumber.slice(2));
      const res = await page.request.patch(`${server.url}/api/serials/${s.id}`, {
        data: { warrantyEndDate: isoDaysFromToday(days) },
        headers: { 'x-csrf-token': csrfToken },
      });
      expect(res.status()).toBe(200);
    }
    await openSerialsTab('CAT-1');
    await gridRow('W-400').waitFor();

    await page.getByLabel('Warranty expiring within', { exact: true }).selectOption({ value: 'custom' });
    // Custom without a number yet lists nothing (rather than everything) and exports nothing.
    await page.getByText('Enter the number of days to list the serials').waitFor();
    await expect.poll(() => gridRow('W-400').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Export CSV' }).isDisabled()).toBe(true);
    const days = page.getByLabel('Warranty expiring within days');
    await days.fill('200');
    await expect.poll(() => gridRow('W-400').count()).toBe(0);
    await gridRow('W-150').waitFor();
    await gridRow('W-10').waitFor();
    expect(await gridRow('CAT-0001').count()).toBe(0);

    await days.fill('120');
    await expect.poll(() => gridRow('W-150').count()).toBe(0);
    await gridRow('W-10').waitFor();

    // An out-of-range or emptied number keeps the last valid window, for the grid and Export CSV alike.
    await days.fill('3651');
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('Enter a whole number of days, 1 to 3650 (still showing within 120 days)');
    await days.fill('');
    await page.waitForTimeout(400);
    await gridRow('W-10').waitFor();
    expect(await gridRow('W-150').count()).toBe(0);
    expect(await gridRow('CAT-0001').count()).toBe(0);
    const exported = await exportedSerials();
    expect(exported).toEqual(['W-10']);

    // The fixed choices still work.
    await page.getByLabel('Warranty expiring within', { exact: true }).selectOption({ value: '365' });
    await gridRow('W-150').waitFor();
    expect(await gridRow('W-400').count()).toBe(0);
  });

  it('Add Serial of a 2,000-serial range says what it is saving, cannot be closed meanwhile, then shows the rows', async () => {
    const bulkId = (
      await api<{ id: number }>('/api/items', {
        sku: 'BULK-1',
        name: 'Fuse',
        primaryLocationId: (await api<{ id: number }>('/api/locations', { code: 'BIN-9' })).id,
        trackSerials: true,
      })
    ).id;
    await page.goto(`${server.url}/items/${bulkId}`);
    await page.getByRole('tab', { name: 'Serials' }).click();
    await page.getByRole('button', { name: 'Add Serial' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Serial' });
    await dialog.getByLabel('Serial Number').fill('FZ0001..FZ2000');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const confirm = dialog.getByRole('group', { name: 'Confirm serials' });
    await expect.poll(() => confirm.textContent()).toContain('This makes 2,000 serials: FZ0001 … FZ2000');

    // Hold the save at the server's door, so the status can be read however fast the server is.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const saveUrl = `${server.url}/api/items/${bulkId}/serials/from-expression`;
    await page.route(saveUrl, async (route) => {
      if (route.request().method() === 'POST') await held;
      await route.continue();
    });
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    const status = dialog.getByRole('status');
    await expect.poll(() => status.textContent()).toMatch(/^Saving 2[,.\u00a0\u202f]?000 serials…$/);
    expect(await dialog.getByRole('button', { name: 'Cancel' }).isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Close' }).click();
    // Refused, not merely slow: the dialog is still open half a second later, still saving.
    await expect(dialog.waitFor({ state: 'hidden', timeout: 500 })).rejects.toThrow(/Timeout/);
    expect(await status.textContent()).toMatch(/^Saving 2[,.\u00a0\u202f]?000 serials…$/);

    release();
    await dialog.waitFor({ state: 'hidden' });
    await page.unroute(saveUrl);
    await gridRow('FZ0001').waitFor();
    await expect
      .poll(() => page.getByRole('grid', { name: 'Serials' }).getAttribute('aria-rowcount'))
      .toBe('2000');
  });
});
