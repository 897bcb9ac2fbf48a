import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, SCREENSHOTS, startServer, type RunningServer } from './support/server.js';

// The first help page, followed literally: open the item, Item Settings, check Track Serials, Save, the
// Serials tab appears, Add Serial, the row is In Stock, double-click opens the Serial Detail with history.
describe('Serialtrack in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  const gridRow = (serial: string) => page.getByRole('row').filter({ hasText: serial });

  it('first start: the setup page creates the administrator and signs in', async () => {
    await page.goto(server.url);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Welcome to Serialtrack' }).isVisible())
      .toBe(true);
    await page.getByLabel('Password (at least 12 characters)').fill('admin-password-123');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByRole('heading', { name: 'Items' }).waitFor();
  });

  it('sets up locations and an item', async () => {
    await page.getByRole('link', { name: 'Locations' }).click();
    for (const code of ['R1-1A', 'R1-1B']) {
      await page.getByLabel('Location code').fill(code);
      await page.getByRole('button', { name: 'Add location' }).click();
      await page.getByRole('cell', { name: code, exact: true }).first().waitFor();
    }
    await page.getByRole('link', { name: 'Items' }).click();
    await page.getByRole('link', { name: 'New item' }).click();
    await page.getByLabel('SKU').fill('ALT-12V');
    await page.getByLabel('Name').fill('Alternator 12V 90A');
    await page.getByLabel('Primary location').selectOption({ label: 'R1-1A' });
    await page.getByLabel('Warranty (months, 0 = no warranty)').fill('12');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'ALT-12V — Alternator 12V 90A' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Serials' }).count()).toBe(0);
  });

  it('Item Settings → Track Serials → Save makes the Serials tab appear', async () => {
    const itemSettings = page.getByRole('group', { name: 'Item Settings' });
    await itemSettings.scrollIntoViewIfNeeded();
    await itemSettings.getByLabel('Track Serials').check();
    await shot('item-form');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('tab', { name: 'Serials' }).waitFor();
  });

  it('Add Serial creates a row with status In Stock at the primary location', async () => {
    await page.getByRole('tab', { name: 'Serials' }).click();
    await page.getByRole('button', { name: 'Add Serial' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Serial' });
    await dialog.getByLabel('Serial Number').fill('ALT-0001');
    expect(await dialog.getByLabel('Location').inputValue()).not.toBe('');
    await dialog.getByLabel('Condition Notes').fill('New, sealed box');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = gridRow('ALT-0001');
    await row.waitFor();
    expect(await row.textContent()).toContain('In Stock');
    expect(await row.textContent()).toContain('R1-1A');
    expect(await row.textContent()).toContain('Manual entry');
  });

  it('a duplicate serial gets an inline message and nothing is saved', async () => {
    await page.getByRole('button', { name: 'Add Serial' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Serial' });
    await dialog.getByLabel('Serial Number').fill('ALT-0001');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByRole('alert').waitFor();
    expect(await dialog.getByRole('alert').textContent()).toContain('already exists');
    await dialog.getByLabel('Serial Number').fill('   ');
    await dialog.getByRole('button', { name: 'Save' }).click();
    expect(await dialog.getByRole('alert').textContent()).toContain('Enter the serial number');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await gridRow('ALT-0001').count()).toBe(1);
    // a second unit for the transfer below
    await page.getByRole('button', { name: 'Add Serial' }).click();
    await dialog.getByLabel('Serial Number').fill('ALT-0002');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await gridRow('ALT-0002').waitFor();
    await shot('serials-tab');
  });

  it('Add Serial saves exactly what the text makes, however quickly Save follows the typing', async () => {
    // A separate item, so the serials of ALT-12V that the next tests count stay as they are.
    const csrf = (
      (await (await page.request.get(`${server.url}/api/auth/session`)).json()) as { csrfToken: string }
    ).csrfToken;
    const api = async <T>(method: string, url: string, data?: unknown) =>
      (await (
        await page.request.fetch(`${server.url}${url}`, { method, headers: { 'x-csrf-token': csrf }, data })
      ).json()) as T;
    const { locations } = await api<{ locations: { id: number; code: string }[] }>('GET', '/api/locations');
    const item = await api<{ id: number }>('POST', '/api/items', {
      sku: 'RNG-1',
      name: 'Range entry',
      trackSerials: true,
      primaryLocationId: locations.find((l) => l.code === 'R1-1A')!.id,
    });
    const savedSerials = async () =>
      (
        await api<{ serials: { serialNumber: string }[] }>('GET', `/api/items/${item.id}/serials?limit=200`)
      ).serials
        .map((s) => s.serialNumber)
        .sort();
    await page.goto(`${server.url}/items/${item.id}`);
    await page.getByRole('tab', { name: 'Serials' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Serial' });
    const serialNumber = dialog.getByLabel('Serial Number');

    // Enter right after typing: every problem inline, nothing saved.
    await page.getByRole('button', { name: 'Add Serial' }).click();
    await serialNumber.fill('RNG5..RNG1, - A1');
    await serialNumber.press('Enter');
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('the range ends before it starts');
    expect(await alert.textContent()).toContain('"-" on its own is not a serial');
    await serialNumber.fill('SN1+-1');
    await serialNumber.press('Enter');
    await expect.poll(() => alert.textContent()).toContain('tick "Take as typed"');
    expect(await savedSerials()).toEqual([]);

    // A range typed and saved at once is only shown; Confirm makes every serial of the range.
    await serialNumber.fill('RNG100..RNG149');
    await serialNumber.press('Enter');
    const confirm = dialog.getByRole('group', { name: 'Confirm serials' });
    await expect.poll(() => confirm.textContent()).toContain('This makes 50 serials: RNG100 … RNG149');
    expect(await savedSerials()).toEqual([]);
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const range = Array.from({ length: 50 }, (_, i) => `RNG${100 + i}`);
    expect(await savedSerials()).toEqual(range);

    // A real serial with dashes is one serial as typed; "Take as typed" keeps even an expression whole.
    await page.getByRole('button', { name: 'Add Serial' }).click();
    await serialNumber.fill('00-11-22-33-44-55');
    await serialNumber.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Add Serial' }).click();
    await serialNumber.fill('SN1+-1');
    await dialog.getByLabel('Take as typed').check();
    await serialNumber.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    expect(await savedSerials()).toEqual(['00-11-22-33-44-55', ...range, 'SN1+-1'].sort());

    await page.getByRole('link', { name: 'Items' }).click();
    await page.getByRole('link', { name: 'ALT-12V' }).click();
    await page.getByRole('tab', { name: 'Serials' }).click();
    await gridRow('ALT-0001').waitFor();
  });

  it('double-click opens the Serial Detail with the record and its history', async () => {
    await gridRow('ALT-0001').dblclick();
    const detail = page.getByRole('dialog', { name: 'Serial Detail — ALT-0001' });
    await detail.waitFor();
    const text = (await detail.textContent()) ?? '';
    expect(text).toContain('In Stock');
    expect(text).toContain('No warranty');
    expect(text).toContain('New, sealed box');
    const history = detail.getByRole('region', { name: 'History' });
    expect(await history.getByRole('row').filter({ hasText: 'Created' }).count()).toBe(1);
    expect((await history.textContent()) ?? '').toContain('admin');

    await detail.getByRole('textbox', { name: 'Condition Notes' }).fill('Box opened for inspection');
    await detail.getByRole('button', { name: 'Save notes' }).click();
    await history.getByRole('row').filter({ hasText: 'Condition notes changed' }).waitFor();
    await shot('serial-detail');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'hidden' });
  });

  it('Enter on a focused row opens the Serial Detail too', async () => {
    await gridRow('ALT-0002').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Serial Detail — ALT-0002' }).waitFor();
    await page.keyboard.press('Escape');
  });

  it('transfers selected serials; each serial history shows it', async () => {
    await page.getByLabel('Select ALT-0001').check();
    await page.getByLabel('Select ALT-0002').check();
    await page.getByRole('button', { name: 'Transfer (2)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Transfer serials' });
    await dialog.getByLabel('Destination location').selectOption({ label: 'R1-1B' });
    await dialog.getByLabel('Note').fill('Moving to shelf B');
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await dialog.getByRole('status').waitFor();
    expect(await dialog.getByRole('status').textContent()).toMatch(
      /Transfer TR-\d+ done: 2 serial\(s\) moved from R1-1A to R1-1B/,
    );
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect.poll(async () => (await gridRow('ALT-0001').textContent()) ?? '').toContain('R1-1B');
    await gridRow('ALT-0001').dblclick();
    const detail = page.getByRole('dialog', { name: 'Serial Detail — ALT-0001' });
    const transferred = detail
      .getByRole('region', { name: 'History' })
      .getByRole('row')
      .filter({ hasText: 'Transferred' });
    await transferred.waitFor();
    expect(await transferred.textContent()).toMatch(/TR-\d+.*R1-1A.*R1-1B/);
    await page.keyboard.press('Escape');
  });

  it('the global lookup opens a scanned serial', async () => {
    await page.getByRole('link', { name: 'Items' }).click();
    const box = page.getByLabel('Serial lookup');
    await box.fill('ALT-0002');
    await box.press('Enter');
    await page.getByRole('dialog', { name: 'Serial Detail — ALT-0002' }).waitFor();
    await page.keyboard.press('Escape');
    await box.fill('ALT-');
    await box.press('Enter');
    const list = page.getByRole('listbox', { name: 'Serial matches' });
    await list.waitFor();
    expect(await list.getByRole('option').count()).toBe(2);
  });

  // --- Global lookup: scanning again, tab switches, the pick list by keyboard ---
  it('the lookup opens the same serial again after its Serial Detail was closed', async () => {
    const box = page.getByLabel('Serial lookup');
    await box.press('Escape');
    for (let i = 0; i < 2; i++) {
      await box.fill('ALT-0002');
      await box.press('Enter');
      const detail = page.getByRole('dialog', { name: 'Serial Detail — ALT-0002' });
      await detail.waitFor();
      await page.keyboard.press('Escape');
      await detail.waitFor({ state: 'hidden' });
      // Closing it drops ?serial, so nothing reopens it behind the user's back.
      await expect.poll(() => new URL(page.url()).searchParams.has('serial')).toBe(false);
    }
  });

  it('Basic Info → Serials keeps the filters and does not reopen the looked-up serial', async () => {
    await page.getByRole('tab', { name: 'Serials' }).click();
    await page.getByLabel('Search serials').fill('ALT-0001');
    await expect.poll(() => gridRow('ALT-0002').count()).toBe(0);
    await page.getByRole('tab', { name: 'Basic Info' }).click();
    await page.getByRole('group', { name: 'Item Settings' }).waitFor();
    await page.getByRole('tab', { name: 'Serials' }).click();
    expect(await page.getByLabel('Search serials').inputValue()).toBe('ALT-0001');
    await gridRow('ALT-0001').waitFor();
    expect(await gridRow('ALT-0002').count()).toBe(0);
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.getByLabel('Search serials').fill('');
    await gridRow('ALT-0002').waitFor();
  });

  it('the lookup pick list works with the keyboard: arrows, Enter, Escape', async () => {
    const box = page.getByLabel('Serial lookup');
    await box.fill('ALT-');
    await box.press('Enter');
    const list = page.getByRole('listbox', { name: 'Serial matches' });
    await list.waitFor();
    const options = list.getByRole('option');
    expect(await options.count()).toBe(2);
    await box.press('ArrowDown');
    await box.press('ArrowDown');
    const second = options.nth(1);
    expect(await second.getAttribute('aria-selected')).toBe('true');
    expect(await box.getAttribute('aria-activedescendant')).toBe(await second.getAttribute('id'));
    const serial = (await second.locator('strong').textContent())!;
    await box.press('ArrowUp');
    expect(await options.nth(0).getAttribute('aria-selected')).toBe('true');
    await box.press('ArrowDown');
    await box.press('Enter');
    const detail = page.getByRole('dialog', { name: `Serial Detail — ${serial}` });
    await detail.waitFor();
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'hidden' });
    await box.fill('ALT-');
    await box.press('Enter');
    await list.waitFor();
    await box.press('Escape');
    await list.waitFor({ state: 'hidden' });
  });

  it('fits a tablet: the page never scrolls sideways, the grid scrolls inside itself', async () => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.getByRole('link', { name: 'Items' }).click();
    await page.getByRole('link', { name: 'ALT-12V' }).click();
    await page.getByRole('tab', { name: 'Serials' }).click();
    await gridRow('ALT-0001').waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('serials-tab-tablet');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  // --- Serials grid: headers fit at 1280 px, one tap opens the Serial Detail ---
  it('no Serials grid header is cut off at 1280 px, with or without its sort arrow', async () => {
    const truncated = () =>
      page
        .getByRole('columnheader')
        .evaluateAll((cells) => cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => c.textContent));
    await gridRow('ALT-0001').waitFor();
    expect(await truncated()).toEqual([]);
    for (const name of ['Date Received', 'Status', 'Serial Number']) {
      for (let i = 0; i < 2; i++) {
        await page.getByRole('columnheader').getByRole('button', { name }).click();
        await expect.poll(truncated).toEqual([]);
      }
    }
  });

  it('on a touch tablet one tap on the serial number opens the Serial Detail', async () => {
    const context = await browser.newContext({ viewport: { width: 820, height: 1180 }, hasTouch: true });
    const tablet = await context.newPage();
    await tablet.goto(server.url);
    await tablet.getByLabel('Username').fill('admin');
    await tablet.getByLabel('Password').fill('admin-password-123');
    await tablet.getByRole('button', { name: 'Sign in' }).click();
    await tablet.getByRole('link', { name: 'ALT-12V' }).click();
    await tablet.getByRole('tab', { name: 'Serials' }).tap();
    await tablet
      .getByRole('row')
      .filter({ hasText: 'ALT-0002' })
      .getByRole('button', { name: 'ALT-0002' })
      .tap();
    await tablet.getByRole('dialog', { name: 'Serial Detail — ALT-0002' }).waitFor();
    await context.close();
  });

  it('a failed export says why and leaves Export CSV usable', async () => {
    await gridRow('ALT-0001').waitFor();
    // Export CSV streams the server's CSV export of the item's serials.
    const exportPage = (url: URL) => url.pathname.endsWith('/serials.csv');
    await page.route(exportPage, (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          status: 500,
          code: 'INTERNAL_ERROR',
          detail: 'Something went wrong on the server.',
        }),
      }),
    );
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'The export stopped' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Something went wrong on the server.');
    await page.unroute(exportPage);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    expect((await download).suggestedFilename()).toBe('ALT-12V-serials.csv');
    expect(await alert.count()).toBe(0);
  });

  // --- Turning Track Serials off: the "lock" default, the Settings page, "hide" ---
  const trackSerialsBox = () =>
    page.getByRole('group', { name: 'Item Settings' }).getByLabel('Track Serials');

  it('under the default "lock" the turn-off is refused, names the Settings page, and the box stays checked', async () => {
    await page.getByRole('link', { name: 'Items' }).click();
    await page.getByRole('link', { name: 'ALT-12V' }).click();
    await trackSerialsBox().uncheck();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'cannot be turned off' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Settings page');
    expect(await trackSerialsBox().isChecked()).toBe(true);
    expect(await page.getByRole('tab', { name: 'Serials' }).count()).toBe(1);
  });

  it('the administrator allows it on the Settings page ("hide"): confirm, the Serials tab goes, and comes back', async () => {
    await page.getByRole('link', { name: 'Open Settings' }).click();
    const form = page.getByRole('form', { name: 'Settings' });
    expect(await form.getByLabel('Keep Track Serials on (lock)').isChecked()).toBe(true);
    expect(await form.getByLabel('Purchase order number prefix').inputValue()).toBe('1-');
    await form.getByLabel('Hide the serials').check();
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.getByRole('status').filter({ hasText: 'Settings saved' }).waitFor();
    await page.reload();
    expect(
      await page.getByRole('form', { name: 'Settings' }).getByLabel('Hide the serials').isChecked(),
    ).toBe(true);

    await page.getByRole('link', { name: 'Items' }).click();
    await page.getByRole('link', { name: 'ALT-12V' }).click();
    await trackSerialsBox().uncheck();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Turn off Track Serials?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await trackSerialsBox().isChecked()).toBe(true);
    await trackSerialsBox().uncheck();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await confirm.getByRole('button', { name: 'Turn off and keep records' }).click();
    await expect.poll(() => page.getByRole('tab', { name: 'Serials' }).count()).toBe(0);
    expect(await trackSerialsBox().isChecked()).toBe(false);

    await trackSerialsBox().check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('tab', { name: 'Serials' }).click();
    await gridRow('ALT-0001').waitFor();
    await gridRow('ALT-0002').waitFor();

    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('form', { name: 'Settings' }).getByLabel('Keep Track Serials on (lock)').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved' }).waitFor();
  });

  it('INV_MANAGE_SERIALS without INV_EDIT_ITEMS can turn Track Serials on and save', async () => {
    const csrf = (
      (await (await page.request.get(`${server.url}/api/auth/session`)).json()) as { csrfToken: string }
    ).csrfToken;
    const send = async (method: string, url: string, data: unknown) =>
      (
        await page.request.fetch(`${server.url}${url}`, { method, headers: { 'x-csrf-token': csrf }, data })
      ).json() as Promise<{ id: number }>;
    const role = await send('POST', '/api/roles', {
      name: 'Serials manager',
      permissions: ['INV_VIEW', 'INV_MANAGE_SERIALS'],
    });
    await send('POST', '/api/users', {
      username: 'serials',
      password: 'serials-password-1',
      roleIds: [role.id],
    });
    await send('POST', '/api/items', { sku: 'BAT-1', name: 'Battery' });

    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const other = await context.newPage();
    await other.goto(server.url);
    await other.getByLabel('Username').fill('serials');
    await other.getByLabel('Password').fill('serials-password-1');
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.getByRole('link', { name: 'BAT-1' }).click();
    expect(await other.getByLabel('SKU').isDisabled()).toBe(true);
    await other.getByRole('group', { name: 'Item Settings' }).getByLabel('Track Serials').check();
    await other.getByRole('button', { name: 'Save', exact: true }).click();
    await other.getByRole('tab', { name: 'Serials' }).waitFor();
    await context.close();
  });

  // --- Users admin: display name, password reset, your own password, non-admins, token revoke errors ---
  it('an administrator creates a user with a display name and resets their password', async () => {
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    const form = page.getByRole('form', { name: 'New user' });
    await form.getByLabel('New username').fill('picker');
    await form.getByLabel('New user display name').fill('Pat Picker');
    await form.getByLabel('New user password').fill('picker-password-1');
    await form.getByLabel('Role').selectOption({ label: 'Clerk' });
    await form.getByRole('button', { name: 'Create user' }).click();
    const row = page.getByRole('row').filter({ hasText: 'picker' });
    await row.filter({ hasText: 'Pat Picker' }).waitFor();

    await row.getByRole('button', { name: 'Reset password of picker' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset password — picker' });
    await dialog.getByLabel('New password (at least 12 characters)').fill('picker-password-2');
    await dialog.getByLabel('Repeat the new password').fill('picker-password-X');
    await dialog.getByRole('button', { name: 'Reset password' }).click();
    expect(await dialog.getByRole('alert').textContent()).toContain('not the same');
    await dialog.getByLabel('Repeat the new password').fill('short');
    await dialog.getByLabel('New password (at least 12 characters)').fill('short');
    await dialog.getByRole('button', { name: 'Reset password' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'at least 12 characters' }).waitFor();
    await dialog.getByLabel('New password (at least 12 characters)').fill('picker-password-2');
    await dialog.getByLabel('Repeat the new password').fill('picker-password-2');
    await dialog.getByRole('button', { name: 'Reset password' }).click();
    await page.getByRole('status').filter({ hasText: 'Password of picker reset' }).waitFor();
  });

  it('a user changes their own password; /users tells a non-admin why it is empty', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const picker = await context.newPage();
    const signIn = async (password: string) => {
      await picker.goto(server.url);
      await picker.getByLabel('Username').fill('picker');
      await picker.getByLabel('Password').fill(password);
      await picker.getByRole('button', { name: 'Sign in' }).click();
      await picker.getByRole('heading', { name: 'Items' }).waitFor();
    };
    await signIn('picker-password-2');
    await picker.goto(`${server.url}/users`);
    const notice = picker.getByRole('status').filter({ hasText: 'USERS_ADMIN' });
    await notice.waitFor();
    expect(await picker.getByRole('table').count()).toBe(0);
    await notice.getByRole('link', { name: 'Your account' }).click();
    const form = picker.getByRole('form', { name: 'Change password' });
    await form.getByLabel('Current password').fill('wrong-password-1');
    await form.getByLabel('New password (at least 12 characters)').fill('picker-password-3');
    await form.getByLabel('Repeat the new password').fill('picker-password-3');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('alert').filter({ hasText: 'current password is not right' }).waitFor();
    await form.getByLabel('Current password').fill('picker-password-2');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('status').filter({ hasText: 'Password changed' }).waitFor();
    await picker.getByRole('button', { name: 'Sign out' }).click();
    await signIn('picker-password-3');
    await context.close();
  });

  it("an administrator sees every user's API tokens on Users and revokes one; a reset revokes the rest", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const picker = await context.newPage();
    await picker.goto(server.url);
    await picker.getByLabel('Username').fill('picker');
    await picker.getByLabel('Password').fill('picker-password-3');
    await picker.getByRole('button', { name: 'Sign in' }).click();
    await picker.getByRole('link', { name: 'API tokens' }).click();
    for (const name of ['Picker scanner', 'Picker sheet']) {
      await picker.getByLabel('Token name').fill(name);
      await picker.getByRole('button', { name: 'Create token' }).click();
      await picker.getByRole('row').filter({ hasText: name }).waitFor();
    }
    await context.close();

    // Opened afresh: the administrator's page still shows the list from before the tokens were made.
    await page.goto(`${server.url}/users`);
    const section = page
      .locator('.card')
      .filter({ has: page.getByRole('heading', { name: 'API tokens of all users' }) });
    const scanner = section.getByRole('row').filter({ hasText: 'Picker scanner' });
    await scanner.filter({ hasText: 'picker' }).waitFor();
    await scanner.getByRole('button', { name: 'Revoke Picker scanner of picker' }).click();
    await scanner.filter({ hasText: 'Revoked' }).waitFor();
    const sheet = section.getByRole('row').filter({ hasText: 'Picker sheet' });
    expect(await sheet.getByRole('button', { name: /Revoke/ }).count()).toBe(1);

    const row = page.getByRole('row').filter({ hasText: 'Pat Picker' });
    await row.getByRole('button', { name: 'Reset password of picker' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset password — picker' });
    expect(await dialog.textContent()).toContain('API tokens are revoked');
    await dialog.getByLabel('New password (at least 12 characters)').fill('picker-password-4');
    await dialog.getByLabel('Repeat the new password').fill('picker-password-4');
    await dialog.getByRole('button', { name: 'Reset password' }).click();
    await page.getByRole('status').filter({ hasText: 'API tokens are revoked' }).waitFor();
    await sheet.filter({ hasText: 'Revoked' }).waitFor();
  });

  it('a failed token revoke says why, and the token stays listed as active', async () => {
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByLabel('Token name').fill('Scanner 2');
    await page.getByRole('button', { name: 'Create token' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Scanner 2' });
    await row.waitFor();
    const revokeUrl = (url: URL) => /\/api\/tokens\/\d+$/.test(url.pathname);
    await page.route(revokeUrl, (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          status: 503,
          code: 'DATABASE_UNAVAILABLE',
          detail: 'The database is not reachable.',
        }),
      }),
    );
    await row.getByRole('button', { name: 'Revoke Scanner 2' }).click();
    await page.getByRole('alert').filter({ hasText: 'The database is not reachable.' }).waitFor();
    expect(await row.textContent()).not.toContain('Revoked');
    await page.unroute(revokeUrl);
    await row.getByRole('button', { name: 'Revoke Scanner 2' }).click();
    await expect.poll(async () => (await row.textContent()) ?? '').toContain('Revoked');
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('a user without INV_MANAGE_SERIALS does not see the Track Serials checkbox', async () => {
    const api = async (method: string, url: string, body?: unknown) => {
      const res = await page.request.fetch(`${server.url}${url}`, {
        method,
        headers: { 'x-csrf-token': csrf },
        ...(body !== undefined && { data: body }),
      });
      return res.json() as Promise<Record<string, unknown>>;
    };
    const session = (await (await page.request.get(`${server.url}/api/auth/session`)).json()) as {
      csrfToken: string;
    };
    const csrf = session.csrfToken;
    const roles = (await api('GET', '/api/roles')) as { roles: { id: number; name: string }[] };
    const clerk = roles.roles.find((r) => r.name === 'Clerk')!;
    await api('POST', '/api/users', { username: 'clerk', password: 'clerk-password-1', roleIds: [clerk.id] });

    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const clerkPage = await context.newPage();
    await clerkPage.goto(server.url);
    await clerkPage.getByLabel('Username').fill('clerk');
    await clerkPage.getByLabel('Password').fill('clerk-password-1');
    await clerkPage.getByRole('button', { name: 'Sign in' }).click();
    await clerkPage.getByRole('link', { name: 'ALT-12V' }).click();
    await clerkPage.getByRole('group', { name: 'Item Settings' }).waitFor();
    expect(await clerkPage.getByLabel('Track Serials').count()).toBe(0);
    await clerkPage.getByRole('tab', { name: 'Serials' }).click();
    await clerkPage.getByRole('row').filter({ hasText: 'ALT-0001' }).waitFor();
    expect(await clerkPage.getByRole('button', { name: 'Add Serial' }).count()).toBe(0);
    await context.close();
  });
});
