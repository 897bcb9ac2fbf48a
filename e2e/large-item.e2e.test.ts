import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, startServer, type RunningServer } from './support/server.js';
import { openAdminSession } from './support/admin-session.js';

// The Serials tab on an item with a million serials: the counts, the first rows, paging while scrolling,
// sorting and the prefix search all work at that size, and the grid keeps only a window of rows in the DOM.
// Timings are measured by bench/ui.ts, not asserted here.
const TOTAL = 1_000_000;
const PAGE = 200; // the Serials tab's page size
const BATCH = 10_000; // the most POST /api/items/{id}/serials takes
const serial = (n: number) => `BIG-${String(n).padStart(7, '0')}`;

describe(`Serials tab in Chromium on an item with ${TOTAL.toLocaleString('en')} serials`, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let itemId: number;

  const grid = () => page.getByRole('grid', { name: 'Serials' });
  const body = () => grid().locator('.grid-body');
  const row = (serialNumber: string): Locator =>
    grid()
      .getByRole('row')
      .filter({ has: page.getByRole('button', { name: serialNumber, exact: true }) });
  // The serial numbers of the rows inside the grid's scrolled viewport, top to bottom.
  const serialsInView = () =>
    body().evaluate((el) => {
      const box = el.getBoundingClientRect();
      return Array.from(el.querySelectorAll<HTMLElement>('[role="row"][data-index]'))
        .filter((r) => {
          const b = r.getBoundingClientRect();
          return b.bottom > box.top + 1 && b.top < box.bottom - 1;
        })
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
        .map((r) => r.querySelector('.serial-open')?.textContent ?? '');
    });
  const renderedRows = () => grid().locator('[role="row"][data-index]').count();
  const scrollToBottom = () =>
    body().evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const session = await openAdminSession(server, browser);
    page = session.page;
    const api = session.api;
    const shelf = (await api<{ id: number }>('/api/locations', { code: 'BULK-1' })).id;
    itemId = (
      await api<{ id: number }>('/api/items', {
        sku: 'BIG-1',
        name: 'Million-unit item',
        primaryLocationId: shelf,
        trackSerials: true,
      })
    ).id;
    // One request after the other: the server writes them one at a time anyway (SQLite).
    for (let first = 1; first <= TOTAL; first += BATCH) {
      const serials = Array.from({ length: Math.min(BATCH, TOTAL - first + 1) }, (_, i) => ({
        serialNumber: serial(first + i),
      }));
      await api(`/api/items/${itemId}/serials`, { serials });
    }
  }, 110_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the counts and the first rows, pages while scrolling, sorts and searches', async () => {
    await page.goto(`${server.url}/items/${itemId}`);
    await page.getByRole('tab', { name: 'Serials' }).click();

    // The first rows, in serial number order, at the top of the grid.
    await row(serial(1)).waitFor();
    expect((await serialsInView()).slice(0, 3)).toEqual([serial(1), serial(2), serial(3)]);
    // The chips show the item's counts with thousands separators (1,000,000). The counts are a request of
    // their own, which may answer after the first rows: wait for them rather than read them once.
    const chips = page.getByRole('group', { name: 'Filter by status' });
    await expect
      .poll(() => chips.getByRole('button', { name: /^All / }).textContent())
      .toBe(`All ${TOTAL.toLocaleString('en-US')}`);
    await expect
      .poll(() => chips.getByRole('button', { name: /^In Stock / }).textContent())
      .toBe(`In Stock ${TOTAL.toLocaleString('en-US')}`);
    await expect.poll(() => grid().getAttribute('aria-rowcount')).toBe(String(TOTAL));

    // Scrolling to the end of what is loaded fetches the next page, five times over.
    for (let p = 1; p <= 5; p++) {
      await scrollToBottom();
      await row(serial(p * PAGE + 1)).waitFor({ state: 'attached' });
    }
    await scrollToBottom();
    // The virtualiser renders the rows of the new scroll position on the next frame: wait for them.
    await expect.poll(async () => (await serialsInView()).length).toBeGreaterThan(5);
    const inView = await serialsInView();
    // Rows of the fifth page are on screen, consecutive and in order.
    expect(inView.length).toBeGreaterThan(5);
    const numbers = inView.map((s) => Number(s.slice(4)));
    expect(numbers[0]).toBeGreaterThan(4 * PAGE);
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
    // Over a thousand rows loaded, but only a window of them is in the DOM.
    expect(await renderedRows()).toBeLessThan(200);

    // Serial Number descending: the last serial comes first, at the top of the grid.
    await page.getByRole('button', { name: /^Serial Number/ }).click();
    await row(serial(TOTAL)).waitFor();
    expect((await serialsInView()).slice(0, 2)).toEqual([serial(TOTAL), serial(TOTAL - 1)]);
    await scrollToBottom();
    await row(serial(TOTAL - PAGE)).waitFor({ state: 'attached' });
    expect(await renderedRows()).toBeLessThan(200);

    // The prefix search finds serials deep in the list (still sorted descending).
    await page.getByRole('searchbox', { name: 'Search serials' }).fill('BIG-076543');
    await row('BIG-0765432').waitFor();
    const found = await serialsInView();
    expect(found).toEqual(Array.from({ length: 10 }, (_, i) => `BIG-076543${9 - i}`));
    expect(await renderedRows()).toBe(10);
    // The counts stay the item's.
    expect(await chips.getByRole('button', { name: /^All / }).textContent()).toBe(
      `All ${TOTAL.toLocaleString('en-US')}`,
    );
  }, 60_000);
});
