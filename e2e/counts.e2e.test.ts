import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, SCREENSHOTS, startServer, type RunningServer } from './support/server.js';
import { openAdminSession, type AdminSession } from './support/admin-session.js';

interface Detail {
  serial: { status: string; locationCode: string; usedOn: { type: string; number: string | null } | null };
  history: { kind: string; document: { type: string; number: string | null } | null }[];
}

// A clerk counts a shelf one-handed on a phone with a keyboard-wedge scanner (it types, then presses Enter),
// then the manager reconciles with explicit choices, and the serials' histories name the count.
describe('stocktake in Chromium: count a location on a 390 px phone, reconcile, check the history', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let api: AdminSession['api'];
  let itemId: number;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const session = await openAdminSession(server, browser);
    page = session.page;
    api = session.api;
    await page.setViewportSize({ width: 390, height: 844 });
    const shelf = (await api<{ id: number }>('/api/locations', { code: 'SH-1' })).id;
    const other = (await api<{ id: number }>('/api/locations', { code: 'SH-2' })).id;
    itemId = (
      await api<{ id: number }>('/api/items', {
        sku: 'CNT-E2E',
        name: 'Counted part',
        primaryLocationId: shelf,
        trackSerials: true,
      })
    ).id;
    const created = await api<{ serials: { id: number; serialNumber: string }[] }>(
      `/api/items/${itemId}/serials`,
      {
        serials: [
          ...['C-1', 'C-2', 'C-3'].map((serialNumber) => ({ serialNumber, locationId: shelf })),
          { serialNumber: 'C-5', locationId: other },
        ],
      },
    );
    for (const s of created.serials) ids[s.serialNumber] = s.id;
    await api('/api/stock-adjustments', { itemId, locationId: shelf, delta: 3, reason: 'Opening stock' });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const wedge = async (text: string) => {
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  };
  const result = () => page.getByRole('status').filter({ hasText: /./ });

  it('counts by wedge scanner, reconciles and records the count in every history', async () => {
    await page.goto(`${server.url}/counts`);
    await page.getByRole('button', { name: 'New count' }).click();
    await page.getByLabel('SH-1').check();
    await page.getByRole('button', { name: 'Start count' }).click();
    await page.getByRole('heading', { name: /Count CNT-000001/ }).waitFor();

    const field = page.getByLabel('Scan serial');
    await field.waitFor();
    const answers: [string, string][] = [
      ['C-1', 'Expected here'],
      ['ST1/CNT-E2E/C-2', 'Expected here'],
      ['C-5', 'Misplaced'],
      ['C-1', 'Already scanned'],
      ['ZZZ-9', 'Unknown serial'],
    ];
    for (const [text, answer] of answers) {
      await wedge(text);
      await expect.poll(async () => (await result().textContent()) ?? '').toContain(answer);
      await expect
        .poll(
          async () =>
            (await field.inputValue()) === '' &&
            (await field.evaluate((el) => el === document.activeElement)),
        )
        .toBe(true);
      // The next scan must not see the previous answer.
      if (text !== 'ZZZ-9')
        await expect
          .poll(async () => (await result().textContent()) ?? '')
          .toContain(text.split('/').at(-1)!);
    }
    await expect.poll(async () => (await page.getByLabel('Tallies').textContent()) ?? '').toContain('2 / 3');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'count-scan.png') });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);

    await page.getByRole('tab', { name: 'Review' }).click();
    const form = page.getByRole('form', { name: 'Reconcile' });
    await form.waitFor();
    await page.getByText('Not found (1)', { exact: true }).waitFor();
    const submit = form.getByRole('button', { name: 'Reconcile and close' });
    expect(await submit.isDisabled()).toBe(true);
    await form.getByLabel('Transfer them to where they were found').check();
    await form.getByLabel('Mark them Missing').check();
    await form.getByLabel('Leave them Missing').check();
    await form.getByLabel('Set it to the units counted (stock adjustment naming the count)').check();
    await submit.click();
    await page.getByRole('tab', { name: 'Result' }).click();
    const done = page.getByLabel('Reconcile result');
    await expect.poll(async () => (await done.textContent()) ?? '').toContain('1 marked Missing');
    expect(await done.textContent()).toContain('1 transfer(s)');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'count-result.png') });

    const detail = async (sn: string) =>
      (await (await page.request.get(`${server.url}/api/serials/${ids[sn]}`)).json()) as Detail;
    const missing = await detail('C-3');
    expect(missing.serial.status).toBe('missing');
    expect(missing.history.at(-1)).toMatchObject({
      kind: 'marked_missing',
      document: { type: 'count', number: 'CNT-000001' },
    });
    const moved = await detail('C-5');
    expect(moved.serial).toMatchObject({
      locationCode: 'SH-1',
      usedOn: { type: 'count', number: 'CNT-000001' },
    });
    expect(moved.history.at(-1)?.kind).toBe('transferred');

    // The Serial Detail shows Missing in the grid's status filter and the history's words.
    await page.goto(`${server.url}/items/${itemId}`);
    await page.getByRole('tab', { name: 'Serials' }).click();
    await page.getByRole('row').filter({ hasText: 'C-3' }).filter({ hasText: 'Missing' }).waitFor();
  });
});
