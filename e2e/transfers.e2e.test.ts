import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startServer, type RunningServer } from './support/server.js';
import { openAdminSession, type AdminSession } from './support/admin-session.js';

// Warehouse staff select units wherever they are and move them all to one destination: one Transfer,
// one document per source location.
describe('transfers in Chromium: a selection from several locations', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let itemId: number;
  let api: AdminSession['api'];
  let r1a: number;
  const serialIds: Record<string, number> = {};

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const session = await openAdminSession(server, browser);
    page = session.page;
    api = session.api;
    r1a = (await api<{ id: number }>('/api/locations', { code: 'R1-1A' })).id;
    const r1b = (await api<{ id: number }>('/api/locations', { code: 'R1-1B' })).id;
    await api('/api/locations', { code: 'DOCK' });
    itemId = (
      await api<{ id: number }>('/api/items', {
        sku: 'ALT-100',
        name: 'Alternator',
        primaryLocationId: r1a,
        trackSerials: true,
      })
    ).id;
    const created = await api<{ serials: { id: number; serialNumber: string }[] }>(
      `/api/items/${itemId}/serials`,
      {
        serials: [
          { serialNumber: 'ALT-0001', locationId: r1a },
          { serialNumber: 'ALT-0002', locationId: r1a },
          { serialNumber: 'ALT-0003', locationId: r1b },
        ],
      },
    );
    for (const s of created.serials) serialIds[s.serialNumber] = s.id;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const gridRow = (serial: string) => page.getByRole('row').filter({ hasText: serial });

  it('moves serials from two locations to one destination, one transfer per source', async () => {
    await page.goto(`${server.url}/items/${itemId}`);
    await page.getByRole('tab', { name: 'Serials' }).click();
    for (const sn of ['ALT-0001', 'ALT-0002', 'ALT-0003']) await page.getByLabel(`Select ${sn}`).check();
    await page.getByRole('button', { name: 'Transfer (3)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Transfer serials' });
    await dialog.getByText('3 serials from 2 locations (R1-1A, R1-1B) → one transfer per location').waitFor();

    // A source as destination: the units already there are named and the Transfer button waits.
    await dialog.getByLabel('Destination location').selectOption({ label: 'R1-1B' });
    await dialog.getByText('ALT-0003 is already there').waitFor();
    expect(await dialog.getByRole('button', { name: 'Transfer' }).isDisabled()).toBe(true);

    await dialog.getByLabel('Destination location').selectOption({ label: 'DOCK' });
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    const status = dialog.getByRole('status');
    await status.waitFor();
    const text = (await status.textContent()) ?? '';
    expect(text).toContain('2 transfers done');
    expect(text).toMatch(/Transfer TR-000001 done: 2 serial\(s\) moved from R1-1A to DOCK/);
    expect(text).toMatch(/Transfer TR-000002 done: 1 serial\(s\) moved from R1-1B to DOCK/);
    await dialog.getByRole('button', { name: 'Done' }).click();

    // Both arrived: every row shows the destination, and each history names its own document.
    for (const sn of ['ALT-0001', 'ALT-0002', 'ALT-0003']) {
      await expect.poll(async () => (await gridRow(sn).textContent()) ?? '').toContain('DOCK');
    }
    await gridRow('ALT-0003').dblclick();
    const detail = page.getByRole('dialog', { name: 'Serial Detail — ALT-0003' });
    const transferred = detail
      .getByRole('region', { name: 'History' })
      .getByRole('row')
      .filter({ hasText: 'Transferred' });
    await transferred.waitFor();
    expect(await transferred.textContent()).toMatch(/TR-000002.*R1-1B.*DOCK/);
    await page.keyboard.press('Escape');

    // The Transfers page lists both documents.
    await page.goto(`${server.url}/transfers`);
    await page.getByRole('button', { name: 'TR-000002' }).waitFor();
    expect(await page.getByRole('button', { name: 'TR-000001' }).count()).toBe(1);
  });

  it('a selection from one location says "From" it, and refuses a unit someone moved meanwhile', async () => {
    await page.goto(`${server.url}/items/${itemId}`);
    await page.getByRole('tab', { name: 'Serials' }).click();
    for (const sn of ['ALT-0001', 'ALT-0002']) await page.getByLabel(`Select ${sn}`).check();
    await page.getByRole('button', { name: 'Transfer (2)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Transfer serials' });
    await dialog.getByText('From: DOCK').waitFor();

    // Someone else moves ALT-0001 to R1-1A while this dialog is open.
    await api('/api/transfers', { toLocationId: r1a, serialIds: [serialIds['ALT-0001']] });
    await dialog.getByLabel('Destination location').selectOption({ label: 'R1-1B' });
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    const alert = dialog.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('Nothing was transferred');
    expect(await alert.textContent()).toContain('ALT-0001 is at R1-1A, not at DOCK.');

    // ALT-0002 alone still moves from DOCK, as one transfer.
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByLabel('Select ALT-0001').uncheck();
    await page.getByRole('button', { name: 'Transfer (1)' }).click();
    await dialog.getByText('From: DOCK').waitFor();
    await dialog.getByLabel('Destination location').selectOption({ label: 'R1-1B' });
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await expect
      .poll(() => dialog.getByRole('status').textContent())
      .toMatch(/^Transfer TR-000004 done: 1 serial\(s\) moved from DOCK to R1-1B\.$/);
    await page.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => gridRow('ALT-0002').textContent()).toContain('R1-1B');
    await expect.poll(() => gridRow('ALT-0001').textContent()).toContain('R1-1A');
  });
});
