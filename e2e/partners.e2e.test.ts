import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startServer, type RunningServer } from './support/server.js';
import { openAdminSession } from './support/admin-session.js';

describe('suppliers and customers pages in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let itemId: number;
  let api: <T>(url: string, data: unknown) => Promise<T>;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ({ page, api } = await openAdminSession(server, browser));
    const r1 = (await api<{ id: number }>('/api/locations', { code: 'R1-1A' })).id;
    itemId = (
      await api<{ id: number }>('/api/items', {
        sku: 'BRK-PAD',
        name: 'Brake pad set',
        primaryLocationId: r1,
        trackSerials: true,
      })
    ).id;
    // page.request shares the browser's cookies: the API sign-in above signed the page in too.
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Items' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const detail = (p: Page, kind: 'Supplier' | 'Customer') =>
    p.getByRole('region', { name: `${kind} details` });
  const listRows = (kind: 'Suppliers' | 'Customers') =>
    page.getByRole('table', { name: kind }).getByRole('row');

  it('refuses a supplier without a name, in the server’s words next to the form', async () => {
    await page.getByRole('link', { name: 'Suppliers' }).click();
    await page.getByRole('heading', { name: 'Suppliers' }).waitFor();
    await page.getByRole('button', { name: 'New supplier' }).click();
    const form = page
      .getByRole('dialog', { name: 'New supplier' })
      .getByRole('form', { name: 'New supplier' });
    await form.getByLabel('Name').fill('   ');
    await form.getByRole('button', { name: 'Add supplier' }).click();
    expect(await form.getByRole('alert').textContent()).toContain('Enter a name.');
    await page.keyboard.press('Escape');
  });

  let supplierId: number;
  it('creates a supplier with contact and notes', async () => {
    await page.getByRole('button', { name: 'New supplier' }).click();
    const form = page.getByRole('form', { name: 'New supplier' });
    await form.getByLabel('Name').fill('Brake Parts Ltd');
    await form.getByLabel('Contact').fill('Sam Lee, 555-0142');
    await form.getByLabel('Notes').fill('Net 30\nDeliveries Tuesday and Thursday');
    await form.getByRole('button', { name: 'Add supplier' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    const panel = detail(page, 'Supplier');
    await panel.getByRole('heading', { name: 'Brake Parts Ltd' }).waitFor();
    const edit = panel.getByRole('form', { name: 'Edit supplier' });
    expect(await edit.getByLabel('Contact').inputValue()).toBe('Sam Lee, 555-0142');
    expect(await edit.getByLabel('Notes').inputValue()).toBe('Net 30\nDeliveries Tuesday and Thursday');
    expect(await listRows('Suppliers').filter({ hasText: 'Brake Parts Ltd' }).textContent()).toContain(
      'Sam Lee, 555-0142',
    );
    supplierId = Number(new URL(page.url()).searchParams.get('id'));
    expect(supplierId).toBeGreaterThan(0);
  });

  it('edits the supplier; the change is there after a reload, with its purchase orders', async () => {
    const edit = detail(page, 'Supplier').getByRole('form', { name: 'Edit supplier' });
    await edit.getByLabel('Name').fill('Brake Parts Limited');
    await edit.getByLabel('Contact').fill('Alex Kim, 555-0199');
    await edit.getByLabel('Notes').fill('Net 45');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await listRows('Suppliers').filter({ hasText: 'Alex Kim, 555-0199' }).waitFor();

    // A blank name is refused on edit too, and nothing is changed.
    await edit.getByLabel('Name').fill('');
    await edit.getByRole('button', { name: 'Save' }).click();
    expect(await edit.getByRole('alert').textContent()).toContain('Enter a name.');

    const po = await api<{ id: number; number: string }>('/api/purchase-orders', {
      supplierId,
      lines: [{ itemId, quantityOrdered: 2 }],
    });
    await page.goto(`${server.url}/suppliers?id=${supplierId}`);
    const panel = detail(page, 'Supplier');
    await panel.getByRole('heading', { name: 'Brake Parts Limited' }).waitFor();
    const form = panel.getByRole('form', { name: 'Edit supplier' });
    expect(await form.getByLabel('Name').inputValue()).toBe('Brake Parts Limited');
    expect(await form.getByLabel('Contact').inputValue()).toBe('Alex Kim, 555-0199');
    expect(await form.getByLabel('Notes').inputValue()).toBe('Net 45');

    await panel.getByRole('link', { name: po.number }).click();
    await page.getByRole('heading', { name: `PO ${po.number} — Brake Parts Limited` }).waitFor();
  });

  it('creates a customer and finds it by name or contact', async () => {
    await api('/api/customers', { name: 'Other Customer', contact: 'someone@else.test' });
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    await page.getByRole('button', { name: 'New customer' }).click();
    const form = page.getByRole('form', { name: 'New customer' });
    await form.getByLabel('Name').fill('Main Street Garage');
    await form.getByLabel('Contact').fill('Dana Ruiz, dana@mainstreet.test');
    await form.getByRole('button', { name: 'Add customer' }).click();
    await detail(page, 'Customer').getByRole('heading', { name: 'Main Street Garage' }).waitFor();

    const search = page.getByLabel('Search customers');
    const names = () =>
      page.getByRole('table', { name: 'Customers' }).locator('tbody td:first-child').allTextContents();
    await search.fill('nobody by this name');
    await page.getByText('No customers match "nobody by this name".').waitFor();
    // By contact, ignoring case.
    await search.fill('DANA@MAINSTREET');
    await expect.poll(names).toEqual(['Main Street Garage']);
    // By part of the name.
    await search.fill('other cust');
    await expect.poll(names).toEqual(['Other Customer']);
    await search.fill('street gar');
    await expect.poll(names).toEqual(['Main Street Garage']);
    await search.fill('');
    await expect.poll(names).toEqual(['Main Street Garage', 'Other Customer']);
  });

  it('shows suppliers to a user without PARTNERS_MANAGE, but not the forms', async () => {
    const role = await api<{ id: number }>('/api/roles', {
      name: 'Partners reader',
      permissions: ['INV_VIEW'],
    });
    await api('/api/users', { username: 'viewer', password: 'viewer-password-123', roleIds: [role.id] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const viewer = await context.newPage();
      viewer.setDefaultTimeout(10_000);
      await viewer.request.post(`${server.url}/api/auth/login`, {
        data: { username: 'viewer', password: 'viewer-password-123' },
      });
      await viewer.goto(`${server.url}/suppliers?id=${supplierId}`);
      const panel = detail(viewer, 'Supplier');
      await panel.getByRole('heading', { name: 'Brake Parts Limited' }).waitFor();
      expect(await panel.textContent()).toContain('Alex Kim, 555-0199');
      expect(await viewer.getByRole('button', { name: 'New supplier' }).count()).toBe(0);
      expect(await viewer.getByRole('form', { name: 'Edit supplier' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("shows a customer's sold serials with their warranty; a serial opens its Serial Detail", async () => {
    const location = (await api<{ id: number }>('/api/locations', { code: 'R2-2B' })).id;
    const alternator = (
      await api<{ id: number }>('/api/items', {
        sku: 'ALT-12V',
        name: 'Alternator 12V 90A',
        primaryLocationId: location,
        warrantyMonths: 12,
        trackSerials: true,
      })
    ).id;
    await api('/api/stock-adjustments', {
      itemId: alternator,
      locationId: location,
      delta: 2,
      reason: 'Opening stock',
    });
    await api(`/api/items/${alternator}/serials`, {
      serials: [{ serialNumber: 'ALT-0001' }, { serialNumber: 'ALT-0002' }],
    });
    const customer = await api<{ id: number }>('/api/customers', { name: 'Warranty Claimant' });
    const sale = await api<{ number: string }>('/api/sales', {
      customerId: customer.id,
      complete: true,
      lines: [{ itemId: alternator, serialNumbers: ['ALT-0002'], quantity: 1 }],
    });

    await page.goto(`${server.url}/customers?id=${customer.id}`);
    const panel = detail(page, 'Customer');
    await panel.getByRole('heading', { name: 'Warranty Claimant' }).waitFor();
    const table = panel.getByRole('table', { name: 'Serials sold to Warranty Claimant' });
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    const text = (await rows.first().textContent()) ?? '';
    expect(text).toContain('ALT-0002');
    expect(text).toContain('ALT-12V');
    expect(text).toContain('Sold');
    expect(text).toMatch(/Under warranty \(until \d{4}-\d{2}-\d{2}\)/);
    expect(text).toContain('R2-2B');
    expect(
      await rows
        .first()
        .getByRole('link', { name: `Sale ${sale.number}` })
        .count(),
    ).toBe(1);
    // A customer who bought nothing says so.
    await page.goto(
      `${server.url}/customers?id=${(await api<{ id: number }>('/api/customers', { name: 'Browsing Only' })).id}`,
    );
    await detail(page, 'Customer').getByText('No serials sold to this customer yet.').waitFor();

    await page.goBack();
    await table.getByRole('link', { name: 'ALT-0002' }).click();
    const serialDialog = page.getByRole('dialog', { name: 'Serial Detail — ALT-0002' });
    await serialDialog.waitFor();
    expect(await serialDialog.textContent()).toContain('Warranty Claimant');
    expect(new URL(page.url()).pathname).toBe(`/items/${alternator}`);
  });
});
