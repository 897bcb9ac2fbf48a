import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, startServer, type RunningServer } from './support/server.js';
import { ADMIN, openAdminSession, type AdminSession } from './support/admin-session.js';

// Everyday paths: signing in and out, an expired session, searching items, the Serials tab's filters and
// export, the quantity/serials callout, and what a user without a permission sees.
describe('everyday paths in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let api: AdminSession['api'];
  const contexts: BrowserContext[] = [];
  const ids: Record<string, number> = {};

  /** A fresh browser context (its own cookies) on the sign-in page. */
  const openSignInPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const p = await context.newPage();
    p.setDefaultTimeout(10_000);
    await p.goto(`${server.url}/items`);
    await p.getByRole('heading', { name: 'Sign in to Serialtrack' }).waitFor();
    return p;
  };
  const signIn = async (p: Page, username: string, password: string) => {
    await p.getByLabel('Username').fill(username);
    await p.getByLabel('Password').fill(password);
    await p.getByRole('button', { name: 'Sign in' }).click();
  };
  const signedInPage = async (username: string, password: string) => {
    const p = await openSignInPage();
    await signIn(p, username, password);
    await p.getByRole('button', { name: 'Sign out' }).waitFor();
    return p;
  };
  /** The Cookie header the browser sends for this page, to replay it from outside the browser. */
  const cookieHeader = async (p: Page) =>
    (await p.context().cookies(server.url)).map((c) => `${c.name}=${c.value}`).join('; ');
  const sessionStatus = async (cookie: string) =>
    (await fetch(`${server.url}/api/auth/session`, { headers: { cookie } })).status;

  const grid = (p: Page) => p.getByRole('grid', { name: 'Serials' });
  /** The serial numbers the grid shows (data rows only), once the grid has settled. */
  const gridSerials = async (p: Page) =>
    (
      await grid(p)
        .getByRole('row')
        .filter({ has: p.getByRole('gridcell') })
        .locator('.serial-open')
        .allTextContents()
    ).sort();
  const chip = (p: Page, label: string) =>
    p
      .getByRole('group', { name: 'Filter by status' })
      .getByRole('button', { name: new RegExp(`^${label} `) });
  const chipCount = async (p: Page, label: string) => {
    // The count ends the chip's text, with thousands separators ("1,000").
    const m = /(\d[\d,.\u00a0\u202f]*)\s*$/.exec((await chip(p, label).textContent()) ?? '');
    return m ? Number(m[1]!.replace(/\D/g, '')) : NaN;
  };
  const openSerialsTab = async (p: Page, itemKey: string) => {
    await p.goto(`${server.url}/items/${ids[itemKey]}`);
    await p.getByRole('tab', { name: 'Serials' }).click();
  };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const session = await openAdminSession(server, browser);
    page = session.page;
    api = session.api;
    const { csrfToken } = (await (await page.request.get(`${server.url}/api/auth/session`)).json()) as {
      csrfToken: string;
    };

    ids['A'] = (await api<{ id: number }>('/api/locations', { code: 'SHELF-A', name: 'Shelf A' })).id;
    ids['B'] = (await api<{ id: number }>('/api/locations', { code: 'SHELF-B', name: 'Shelf B' })).id;
    const item = async (key: string, sku: string, name: string, trackSerials: boolean) => {
      ids[key] = (
        await api<{ id: number }>('/api/items', { sku, name, primaryLocationId: ids['A'], trackSerials })
      ).id;
    };
    await item('cable', 'EV-CAB-01', 'Cat6 patch cable 2m', false);
    await item('router', 'EV-RTR-09', 'Edge router X', true);
    await item('scanner', 'EV-SCAN', 'Barcode scanner', true);
    await item('printer', 'EV-PRN', 'Thermal printer', true);

    const created = await api<{ serials: { id: number; serialNumber: string }[] }>(
      `/api/items/${ids['scanner']}/serials`,
      {
        serials: [
          { serialNumber: 'SC-001' },
          { serialNumber: 'SC-002' },
          { serialNumber: 'SC-003' },
          { serialNumber: 'SC-101', locationId: ids['B'] },
          { serialNumber: 'SC-102', locationId: ids['B'] },
          { serialNumber: 'SC-201', locationId: ids['B'] },
        ],
      },
    );
    for (const s of created.serials.filter((x) => ['SC-002', 'SC-101'].includes(x.serialNumber))) {
      const res = await page.request.patch(`${server.url}/api/serials/${s.id}`, {
        data: { status: 'damaged', note: 'Dropped' },
        headers: { 'x-csrf-token': csrfToken },
      });
      expect(res.status(), await res.text()).toBe(200);
    }

    // Three serials but one unit on hand.
    await api(`/api/items/${ids['printer']}/serials`, {
      serials: ['PR-1', 'PR-2', 'PR-3'].map((serialNumber) => ({ serialNumber })),
    });
    await api('/api/stock-adjustments', {
      itemId: ids['printer'],
      locationId: ids['A'],
      delta: 1,
      reason: 'Opening stock',
    });

    await api('/api/part-types', { name: 'Power supply', description: 'Bench PSUs' });

    const role = await api<{ id: number }>('/api/roles', { name: 'View only', permissions: ['INV_VIEW'] });
    await api('/api/users', { username: 'viewer', password: 'viewer-password-1', roleIds: [role.id] });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.stop();
  });

  it('a wrong password shows a plain error and stays on the sign-in page', async () => {
    const p = await openSignInPage();
    await signIn(p, ADMIN.username, 'not-the-password');
    await expect
      .poll(() => p.getByRole('alert').textContent())
      .toBe('Wrong username or password, or the account is disabled.');
    expect(await p.getByRole('heading', { name: 'Sign in to Serialtrack' }).isVisible()).toBe(true);
    expect(await p.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    // Not the expired-session notice: nobody was signed in.
    expect(await p.getByText('Your session has expired').count()).toBe(0);

    // The right password then works from the same page.
    await p.getByLabel('Password').fill(ADMIN.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Items' }).waitFor();
    expect(await p.getByRole('alert').count()).toBe(0);
  });

  it('the items search finds an item by SKU and by part of its name', async () => {
    await page.goto(`${server.url}/items`);
    const search = page.getByRole('searchbox', { name: 'Search items' });
    const itemLinks = page.getByRole('table').getByRole('link');
    await page.getByRole('link', { name: 'EV-CAB-01' }).waitFor();

    await search.fill('EV-RTR-09');
    await expect.poll(() => itemLinks.allTextContents()).toEqual(['EV-RTR-09']);

    await search.fill('patch cable');
    await expect.poll(() => itemLinks.allTextContents()).toEqual(['EV-CAB-01']);
    expect(await page.getByRole('cell', { name: 'Cat6 patch cable 2m' }).isVisible()).toBe(true);

    await search.fill('no such thing');
    await page.getByText('No items match "no such thing".').waitFor();
    expect(await itemLinks.count()).toBe(0);
  });

  it('the status chips, location filter and serial search narrow the Serials grid, with matching counts', async () => {
    await openSerialsTab(page, 'scanner');
    await expect
      .poll(() => gridSerials(page))
      .toEqual(['SC-001', 'SC-002', 'SC-003', 'SC-101', 'SC-102', 'SC-201']);
    expect(await chipCount(page, 'All')).toBe(6);
    expect(await chipCount(page, 'In Stock')).toBe(4);
    expect(await chipCount(page, 'Damaged')).toBe(2);
    expect(await chipCount(page, 'Sold')).toBe(0);

    await chip(page, 'Damaged').click();
    await expect.poll(() => gridSerials(page)).toEqual(['SC-002', 'SC-101']);
    // The other chips keep their counts, so the user can see what else there is.
    expect(await chipCount(page, 'In Stock')).toBe(4);

    await page.getByLabel('Filter by location').selectOption({ label: 'SHELF-B' });
    await expect.poll(() => gridSerials(page)).toEqual(['SC-101']);
    await expect.poll(() => chipCount(page, 'All')).toBe(3);
    expect(await chipCount(page, 'Damaged')).toBe(1);
    expect(await chipCount(page, 'In Stock')).toBe(2);

    await chip(page, 'All').click();
    await expect.poll(() => gridSerials(page)).toEqual(['SC-101', 'SC-102', 'SC-201']);

    await page.getByLabel('Filter by location').selectOption({ label: 'All locations' });
    await page.getByRole('searchbox', { name: 'Search serials' }).fill('SC-1');
    await expect.poll(() => gridSerials(page)).toEqual(['SC-101', 'SC-102']);
    await page.getByRole('searchbox', { name: 'Search serials' }).fill('SC-9');
    await page.getByText('No serials match these filters.').waitFor();
    await page.getByRole('searchbox', { name: 'Search serials' }).fill('');
    await expect.poll(() => gridSerials(page)).toHaveLength(6);
  });

  it('Export CSV saves exactly the filtered serials, with the documented columns', async () => {
    await openSerialsTab(page, 'scanner');
    await chip(page, 'In Stock').click();
    await page.getByLabel('Filter by location').selectOption({ label: 'SHELF-B' });
    await expect.poll(() => gridSerials(page)).toEqual(['SC-102', 'SC-201']);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('EV-SCAN-serials.csv');
    const text = fs.readFileSync(await download.path(), 'utf8');
    const records: string[][] = parse(text, { bom: true });
    expect(records[0]).toEqual([
      'SKU',
      'Serial Number',
      'Status',
      'Location',
      'Customer',
      'Warranty Status',
      'Warranty End',
      'Date Received',
      'Source',
      'Used On',
      'Condition Notes',
    ]);
    const rows = parse<Record<string, string>>(text, { bom: true, columns: true });
    expect(rows.map((r) => [r['SKU'], r['Serial Number'], r['Status'], r['Location']])).toEqual([
      ['EV-SCAN', 'SC-102', 'In Stock', 'SHELF-B'],
      ['EV-SCAN', 'SC-201', 'In Stock', 'SHELF-B'],
    ]);
  });

  it('the quantity/serials callout shows the mismatch, and goes once a stock adjustment makes them match', async () => {
    await page.goto(`${server.url}/items/${ids['printer']}`);
    const summary = page.getByTestId('stock-summary');
    await expect
      .poll(() => summary.textContent())
      .toBe('Quantity on hand: 1 · Serials in stock: 3 — 2 more serials than quantity on hand');

    await page.getByRole('button', { name: 'Adjust stock' }).click();
    const dialog = page.getByRole('dialog', { name: 'Adjust stock' });
    await dialog.getByLabel('Location').selectOption({ label: 'SHELF-A' });
    await dialog.getByLabel('Quantity to add (negative to remove)').fill('2');
    await dialog.getByLabel('Reason').fill('Count');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => summary.textContent()).toBe('Quantity on hand: 3 · Serials in stock: 3');
    expect(await page.getByText('than quantity on hand').count()).toBe(0);

    // The Serials tab tells the same.
    await page.getByRole('tab', { name: 'Serials' }).click();
    await expect
      .poll(() => page.getByRole('tabpanel').getByTestId('stock-summary').textContent())
      .toBe('Quantity on hand: 3 · Serials in stock: 3');
  });

  it('a user with only INV_VIEW sees no Edit, add or Add Serial controls, and /users explains the missing permission', async () => {
    const p = await signedInPage('viewer', 'viewer-password-1');

    await p.getByRole('link', { name: 'Locations' }).click();
    await p.getByRole('cell', { name: 'SHELF-B', exact: true }).waitFor();
    expect(await p.getByRole('button', { name: /^Edit/ }).count()).toBe(0);
    expect(await p.getByRole('button', { name: 'Add location' }).count()).toBe(0);

    await p.getByRole('link', { name: 'Part types' }).click();
    await p.getByRole('cell', { name: 'Power supply', exact: true }).waitFor();
    expect(await p.getByRole('button', { name: /^Edit/ }).count()).toBe(0);

    await p.goto(`${server.url}/items/${ids['scanner']}`);
    await p.getByRole('tab', { name: 'Serials' }).click();
    await expect.poll(() => gridSerials(p)).toHaveLength(6);
    expect(await p.getByRole('button', { name: 'Add Serial' }).count()).toBe(0);
    expect(await p.getByRole('button', { name: 'Adjust stock' }).count()).toBe(0);

    expect(await p.getByRole('link', { name: 'Users' }).count()).toBe(0);
    await p.goto(`${server.url}/users`);
    await expect
      .poll(() => p.getByRole('status').textContent())
      .toContain('Managing users and roles needs the USERS_ADMIN permission, which your role does not have.');
  });

  it('an ended session sends the user to sign in with a notice, then back to the page they were on', async () => {
    const p = await signedInPage(ADMIN.username, ADMIN.password);
    await p.goto(`${server.url}/items/${ids['scanner']}`);
    await p.getByRole('heading', { name: 'EV-SCAN — Barcode scanner' }).waitFor();

    // The server ends the session (as an administrator's reset or a timeout would); the browser keeps its cookie.
    const cookie = await cookieHeader(p);
    const { csrfToken } = (await (
      await fetch(`${server.url}/api/auth/session`, { headers: { cookie } })
    ).json()) as { csrfToken: string };
    const out = await fetch(`${server.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(out.status).toBe(200);
    expect(await sessionStatus(cookie)).toBe(401);

    await p.getByRole('tab', { name: 'Serials' }).click();
    await p.getByRole('heading', { name: 'Sign in to Serialtrack' }).waitFor();
    expect(await p.getByText('Your session has expired. Sign in again.').isVisible()).toBe(true);

    await signIn(p, ADMIN.username, ADMIN.password);
    await p.getByRole('heading', { name: 'EV-SCAN — Barcode scanner' }).waitFor();
    expect(new URL(p.url()).pathname).toBe(`/items/${ids['scanner']}`);
    expect(await p.getByText('Your session has expired').count()).toBe(0);
    // Working again: the Serials tab loads.
    await p.getByRole('tab', { name: 'Serials' }).click();
    await expect.poll(() => gridSerials(p)).toHaveLength(6);
  });

  it('Sign out returns to the sign-in page and the old cookie no longer works', async () => {
    const p = await signedInPage(ADMIN.username, ADMIN.password);
    await p.goto(`${server.url}/items/${ids['scanner']}`);
    await p.getByRole('tab', { name: 'Serials' }).click();
    await expect.poll(() => gridSerials(p)).toHaveLength(6);
    const cookie = await cookieHeader(p);
    expect(await sessionStatus(cookie)).toBe(200);

    // Hold the logout's answer after the server has ended the session: the page is signed out already, so
    // a request answered 401 meanwhile cannot pass for an expired session.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const logoutUrl = `${server.url}/api/auth/logout`;
    await p.route(logoutUrl, async (route) => {
      const response = await route.fetch();
      await held;
      await route.fulfill({ response });
    });
    await p.getByRole('button', { name: 'Sign out' }).click();
    await p.getByRole('heading', { name: 'Sign in to Serialtrack' }).waitFor();
    await expect.poll(() => sessionStatus(cookie)).toBe(401);
    const loggedOut = p.waitForResponse(logoutUrl);
    release();
    await loggedOut;
    await p.unroute(logoutUrl);
    // A deliberate sign-out is not an expired session.
    expect(await p.getByText('Your session has expired').count()).toBe(0);
    expect(await p.getByRole('button', { name: 'Sign out' }).count()).toBe(0);

    // Another user signs in on the same page, without a reload, and gets only their own rights.
    await signIn(p, 'viewer', 'viewer-password-1');
    await p.getByRole('button', { name: 'Sign out' }).waitFor();
    await p.goto(`${server.url}/items/${ids['scanner']}`);
    await p.getByRole('tab', { name: 'Serials' }).click();
    await expect.poll(() => gridSerials(p)).toHaveLength(6);
    expect(await p.getByRole('button', { name: 'Add Serial' }).count()).toBe(0);
    expect(await p.getByRole('link', { name: 'Users' }).count()).toBe(0);

    // Signed out, a reload does not bring a session back.
    await p.getByRole('button', { name: 'Sign out' }).click();
    await p.getByRole('heading', { name: 'Sign in to Serialtrack' }).waitFor();
    await p.reload();
    await p.getByRole('heading', { name: 'Sign in to Serialtrack' }).waitFor();
    expect(await p.getByText('Your session has expired').count()).toBe(0);
  });
});
