import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startServer, type RunningServer } from './support/server.js';
import { makeTrackedItem, openAdminSession, type AdminSession } from './support/admin-session.js';

// Issue 9 §1: a scanner's WID-100-0200 + Enter is that one serial; a typed range is only shown until the
// user confirms what it makes.
describe('Add Serial in Chromium: a dashed serial is one serial, a range waits for Confirm', () => {
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
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const saved = async () =>
    (
      (await (await page.request.get(`${server.url}/api/items/${itemId}/serials?limit=500`)).json()) as {
        serials: { serialNumber: string }[];
      }
    ).serials
      .map((s) => s.serialNumber)
      .sort();

  it('WID-100-0200 and Enter creates exactly that one serial', async () => {
    await page.goto(`${server.url}/items/${itemId}`);
    await page.getByRole('tab', { name: 'Serials' }).click();
    await page.getByRole('button', { name: 'Add Serial' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Serial' });
    // As a keyboard-wedge scanner sends it: fast keystrokes, then Enter at once.
    await dialog.getByLabel('Serial Number').pressSequentially('WID-100-0200', { delay: 0 });
    await dialog.getByLabel('Serial Number').press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    expect(await saved()).toEqual(['WID-100-0200']);
  });

  it('WID-100..WID-200 shows "This makes 101 serials: WID-100 … WID-200" and saves nothing until Confirm', async () => {
    await page.getByRole('button', { name: 'Add Serial' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Serial' });
    const input = dialog.getByLabel('Serial Number');
    await input.fill('WID-100..WID-200');
    await input.press('Enter');
    const confirm = dialog.getByRole('group', { name: 'Confirm serials' });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('This makes 101 serials: WID-100 … WID-200');
    // Enter again only shows it again; Back leaves it unsaved.
    await input.press('Enter');
    await confirm.waitFor();
    expect(await saved()).toEqual(['WID-100-0200']);
    await confirm.getByRole('button', { name: 'Back' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await dialog.isVisible()).toBe(true);
    expect(await saved()).toEqual(['WID-100-0200']);
    // Editing the text drops the confirmation made for the old text.
    await input.press('Enter');
    await confirm.waitFor();
    await input.fill('WID-100..WID-201');
    expect(await confirm.count()).toBe(0);
    await input.fill('WID-100..WID-200');
    await input.press('Enter');
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const range = Array.from({ length: 101 }, (_, i) => `WID-${100 + i}`);
    expect(await saved()).toEqual([...range, 'WID-100-0200'].sort());
  });
});
