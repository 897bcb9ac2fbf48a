/**
 * UI benchmark: the Serials tab of one item with 1,000,000 serials in Chromium, against the real server
 * (`serialtrack serve` on a fresh temp SQLite database, the same start-up as the end-to-end tests). Prints
 * a table and the whole result as JSON on stdout; progress goes to stderr.
 *
 *   npm run build:web && npx tsx bench/ui.ts [--serials 1000000] [--pages 20]
 *
 * Times are taken inside the page (performance.now(), a MutationObserver noticing the awaited row in the
 * DOM), so the automation's round trips are not in them. The heap is Chromium's own figure (CDP
 * Performance.getMetrics JSHeapUsedSize).
 */
import { execFileSync } from 'node:child_process';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchBrowser, startServer, type RunningServer } from '../e2e/support/server.js';
import { openAdminSession } from '../e2e/support/admin-session.js';
import { percentile } from './stats.js';

const args = process.argv.slice(2);
const argValue = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const SERIALS = Number(argValue('--serials') ?? 1_000_000);
const PAGES = Number(argValue('--pages') ?? 20);
const BATCH = 10_000; // the most POST /api/items/{id}/serials takes
const PAGE = 200; // the Serials tab's page size
const REPS = 5; // sorts and searches timed
const FRAMES = 300; // frames of the scroll-smoothness run
const serial = (n: number) => `BIG-${String(n).padStart(7, '0')}`;
const log = (s: string) => process.stderr.write(`${s}\n`);

// Installed before the app's own scripts. The page has DOM types; this file (root tsconfig) does not, so the
// in-page code is plain JavaScript text.
const IN_PAGE = `
(() => {
  const rowSelector = '[role="grid"] [role="row"][data-index]';
  const hasSerial = (s) =>
    [...document.querySelectorAll('[role="grid"] .serial-open')].some((b) => b.textContent === s);
  const bench = {
    lastEvent: 0,
    firstRowAt: null,
    // Resolves with performance.now() once a row of serial s is in the grid.
    rowAt(s) {
      return new Promise((resolve) => {
        if (hasSerial(s)) return resolve(performance.now());
        const mo = new MutationObserver(() => {
          if (hasSerial(s)) {
            mo.disconnect();
            resolve(performance.now());
          }
        });
        mo.observe(document.body, { childList: true, subtree: true, characterData: true });
      });
    },
    // Scrolls the grid to the end of what is loaded; ms until the row of serial s is in the grid.
    async scrollUntil(s) {
      const t0 = performance.now();
      const found = bench.rowAt(s);
      document.querySelector('[role="grid"] .grid-body').scrollTop = 1e9;
      return (await found) - t0;
    },
    // Scrolls the grid up by px per animation frame; the frame intervals in ms.
    scrollFrames(frames, px) {
      const body = document.querySelector('[role="grid"] .grid-body');
      const gaps = [];
      return new Promise((resolve) => {
        let last = performance.now();
        const step = (t) => {
          gaps.push(t - last);
          last = t;
          body.scrollTop -= px;
          if (gaps.length < frames) requestAnimationFrame(step);
          else resolve(gaps.slice(1));
        };
        requestAnimationFrame(step);
      });
    },
    renderedRows: () => document.querySelectorAll(rowSelector).length,
  };
  window.__bench = bench;
  for (const type of ['click', 'input'])
    addEventListener(type, (e) => (bench.lastEvent = e.timeStamp), true);
  const first = new MutationObserver(() => {
    if (document.querySelector(rowSelector)) {
      bench.firstRowAt = performance.now();
      first.disconnect();
    }
  });
  first.observe(document, { childList: true, subtree: true });
})();
`;

interface Timing {
  p50: number;
  p99: number;
  max: number;
  n: number;
}
const timing = (samples: number[]): Timing => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1)!, n: samples.length };
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const mb = (bytes: number) => round(bytes / 1024 / 1024);

async function heap(cdp: CDPSession, collect: boolean) {
  if (collect) await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
  return { jsHeapUsedMB: mb(metric('JSHeapUsedSize')), domNodes: metric('Nodes') };
}

/** ms from the last click/input event in the page until the row of serial s is in the grid. */
async function afterEvent(page: Page, s: string, act: () => Promise<void>): Promise<number> {
  await page.evaluate(`window.__pending = window.__bench.rowAt(${JSON.stringify(s)}); undefined`);
  await act();
  const at = await page.evaluate<number>('window.__pending');
  return at - (await page.evaluate<number>('window.__bench.lastEvent'));
}

async function seed(server: RunningServer, browser: Browser) {
  const { page, api } = await openAdminSession(server, browser);
  const shelf = (await api<{ id: number }>('/api/locations', { code: 'BULK-1' })).id;
  const itemId = (
    await api<{ id: number }>('/api/items', {
      sku: 'BIG-1',
      name: 'Million-unit item',
      primaryLocationId: shelf,
      trackSerials: true,
    })
  ).id;
  const t0 = performance.now();
  for (let first = 1; first <= SERIALS; first += BATCH) {
    const serials = Array.from({ length: Math.min(BATCH, SERIALS - first + 1) }, (_, i) => ({
      serialNumber: serial(first + i),
    }));
    await api(`/api/items/${itemId}/serials`, { serials });
    if ((first - 1) % 100_000 === 0) log(`  seeded ${(first - 1).toLocaleString('en')}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { page, itemId, seedSeconds: round(seconds), seedPerSecond: Math.round(SERIALS / seconds) };
}

async function measure(server: RunningServer, browser: Browser) {
  log(`Seeding ${SERIALS.toLocaleString('en')} serials through POST /api/items/{id}/serials…`);
  const { page, itemId, seedSeconds, seedPerSecond } = await seed(server, browser);
  log(`  ${seedSeconds} s (${seedPerSecond.toLocaleString('en')} serials/s)`);
  page.setDefaultTimeout(60_000);
  await page.addInitScript(IN_PAGE);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');

  log('Opening the Serials tab…');
  await page.goto(`${server.url}/items/${itemId}`);
  const tab = page.getByRole('tab', { name: 'Serials' });
  await tab.click();
  const tabClickAt = await page.evaluate<number>('window.__bench.lastEvent');
  // Polled in the page: waitForFunction with a string needs eval, which the app's CSP refuses.
  const firstRowAt = await page.evaluate<number>(`new Promise((resolve) => {
    const poll = () => (window.__bench.firstRowAt !== null ? resolve(window.__bench.firstRowAt) : setTimeout(poll, 10));
    poll();
  })`);
  const afterFirstPage = await heap(cdp, true);

  log(`Scrolling through ${PAGES} more pages…`);
  const pageMs: number[] = [];
  for (let p = 1; p <= PAGES && p * PAGE < SERIALS; p++) {
    pageMs.push(
      await page.evaluate<number>(`window.__bench.scrollUntil(${JSON.stringify(serial(p * PAGE + 1))})`),
    );
  }
  const loadedRows = Math.min(SERIALS, (pageMs.length + 1) * PAGE);
  const renderedAfterScroll = await page.evaluate<number>('window.__bench.renderedRows()');
  const frameGaps = await page.evaluate<number[]>(`window.__bench.scrollFrames(${FRAMES}, 360)`);
  const afterScroll = await heap(cdp, false);
  const afterScrollGc = await heap(cdp, true);

  // Only the first descending sort asks the server; after it both orders are in the query cache (shown at once,
  // refetched in the background), so the repeats time the grid's render of cached pages.
  log('Sorting by Serial Number, descending and back…');
  const sortButton = page.getByRole('button', { name: /^Serial Number/ });
  const sortDescMs: number[] = [];
  const sortAscMs: number[] = [];
  for (let r = 0; r < REPS; r++) {
    sortDescMs.push(await afterEvent(page, serial(SERIALS), () => sortButton.click()));
    sortAscMs.push(await afterEvent(page, serial(1), () => sortButton.click()));
  }
  await sortButton.click(); // descending again for the searches

  log('Searching by prefix…');
  const search = page.getByRole('searchbox', { name: 'Search serials' });
  const searchMs: number[] = [];
  const searched: string[] = [];
  for (const depth of [0.15, 0.35, 0.55, 0.765, 0.95].slice(0, REPS)) {
    const target = serial(Math.max(1, Math.floor(SERIALS * depth)));
    searched.push(target);
    searchMs.push(await afterEvent(page, target, () => search.fill(target.slice(0, -1))));
  }
  const renderedAfterSearch = await page.evaluate<number>('window.__bench.renderedRows()');

  return {
    seedSeconds,
    seedPerSecond,
    firstRowFromNavigationMs: round(firstRowAt),
    firstRowFromTabClickMs: round(firstRowAt - tabClickAt),
    nextPageMs: timing(pageMs.map((ms) => round(ms))),
    loadedRows,
    renderedRowsAfterScroll: renderedAfterScroll,
    scrollFrameMs: timing(frameGaps.map((ms) => round(ms))),
    sortDescFetchedMs: round(sortDescMs[0]!),
    sortCachedMs: timing([...sortDescMs.slice(1), ...sortAscMs].map((ms) => round(ms))),
    searchMs: timing(searchMs.map((ms) => round(ms))),
    searched,
    renderedRowsAfterSearch: renderedAfterSearch,
    heap: { afterFirstPageGc: afterFirstPage, afterScroll, afterScrollGc },
  };
}

async function main() {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const server = await startServer();
  let browser: Browser | undefined;
  const cleanup = async () => {
    await browser?.close().catch(() => undefined);
    await server.stop();
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    browser = await launchBrowser();
    const figures = await measure(server, browser);
    const result = {
      date: new Date().toISOString(),
      commit,
      serials: SERIALS,
      pages: PAGES,
      node: process.version,
      chromium: browser.version(),
      ...figures,
    };
    const f = figures;
    const rows: [string, string, string][] = [
      [
        'seed through the API (10,000 per request)',
        's',
        `${f.seedSeconds} (${f.seedPerSecond.toLocaleString('en')} serials/s)`,
      ],
      ['navigation → first grid row', 'ms', `${f.firstRowFromNavigationMs}`],
      ['Serials tab click → first grid row', 'ms', `${f.firstRowFromTabClickMs}`],
      [
        `next page while scrolling (${f.nextPageMs.n} pages) p50 / p99`,
        'ms',
        `${f.nextPageMs.p50} / ${f.nextPageMs.p99}`,
      ],
      [
        `frame interval scrolling 10 rows a frame (${f.scrollFrameMs.n}) p50 / p99 / max`,
        'ms',
        `${f.scrollFrameMs.p50} / ${f.scrollFrameMs.p99} / ${f.scrollFrameMs.max}`,
      ],
      ['sort Serial Number desc → last serial, first time (from the server)', 'ms', `${f.sortDescFetchedMs}`],
      [
        `sort desc / asc again, from the query cache (${f.sortCachedMs.n}) p50 / max`,
        'ms',
        `${f.sortCachedMs.p50} / ${f.sortCachedMs.max}`,
      ],
      [
        `prefix search → the serial (${REPS}, 250 ms debounce incl.) p50 / max`,
        'ms',
        `${f.searchMs.p50} / ${f.searchMs.max}`,
      ],
      [`rendered rows after scrolling (${f.loadedRows} loaded)`, 'rows', `${f.renderedRowsAfterScroll}`],
      ['JS heap used after the first page (after GC)', 'MB', `${f.heap.afterFirstPageGc.jsHeapUsedMB}`],
      [
        `JS heap used after ${f.loadedRows} rows (before / after GC)`,
        'MB',
        `${f.heap.afterScroll.jsHeapUsedMB} / ${f.heap.afterScrollGc.jsHeapUsedMB}`,
      ],
      ['DOM nodes after scrolling', 'nodes', `${f.heap.afterScrollGc.domNodes}`],
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w2 = Math.max(...rows.map((r) => r[2].length));
    console.log(`\nSerials tab, ${SERIALS.toLocaleString('en')} serials, commit ${commit}, ${result.date}\n`);
    console.log(`| ${'figure'.padEnd(w0)} | unit  | ${'value'.padStart(w2)} |`);
    console.log(`| ${'-'.repeat(w0)} | ----- | ${'-'.repeat(w2 - 1)}: |`);
    for (const [label, unit, value] of rows)
      console.log(`| ${label.padEnd(w0)} | ${unit.padEnd(5)} | ${value.padStart(w2)} |`);
    console.log(`\n${JSON.stringify(result, null, 2)}`);
  } finally {
    await cleanup();
  }
}

await main();
