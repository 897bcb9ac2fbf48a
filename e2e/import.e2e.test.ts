import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, SCREENSHOTS, startServer, type RunningServer } from './support/server.js';
import { sofficeConvert } from '../test/support/spreadsheets.js';

// Importing serials for stock already on the shelf: a CSV with mistakes gets a dry-run report listing each
// bad row, the fixed file (with headers of its own, so the mapping step) is committed as Import #N, and
// the serials appear on the Serials tab with that Source.
describe('CSV import in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let itemId: number;

  const writeCsv = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serialtrack-e2e-import-'));
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);

    await page.goto(server.url);
    await page.getByLabel('Password (at least 12 characters)').fill('admin-password-123');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByRole('heading', { name: 'Items' }).waitFor();
    // The catalogue through the API with the page's session: the import is what this test is about.
    const session = await page.request.get(`${server.url}/api/auth/session`);
    const csrf = ((await session.json()) as { csrfToken: string }).csrfToken;
    const api = async (url: string, data: object) => {
      const res = await page.request.post(`${server.url}${url}`, { data, headers: { 'x-csrf-token': csrf } });
      expect(res.status(), await res.text()).toBe(201);
      return (await res.json()) as { id: number };
    };
    const r1 = await api('/api/locations', { code: 'R1-1A', name: 'Rack 1' });
    await api('/api/locations', { code: 'R1-1B', name: 'Rack 1 B' });
    itemId = (
      await api('/api/items', {
        sku: 'ALT-12V',
        name: 'Alternator',
        trackSerials: true,
        primaryLocationId: r1.id,
      })
    ).id;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a CSV with errors gets a report of each bad row and cannot be committed', async () => {
    await page.goto(`${server.url}/items/${itemId}`);
    await page.getByRole('tab', { name: 'Serials' }).click();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Import Serials — ALT-12V' });
    const bad = writeCsv(
      'with-errors.csv',
      'Serial Number,Location,Status\r\nIMP-1,R1-1A,In Stock\r\nIMP-1,R1-1A,In Stock\r\nIMP-2,R9-9Z,In Stock\r\nIMP-3,R1-1B,Sold\r\n',
    );
    await dialog.getByLabel('CSV or XLSX file').setInputFiles(bad);
    const errors = dialog.getByRole('table', { name: 'Rows with errors' });
    await errors.waitFor();
    const text = await errors.textContent();
    expect(text).toContain('Serial IMP-1 appears more than once in the file (first on line 2).');
    expect(text).toContain('There is no location R9-9Z.');
    expect(text).toContain('An import cannot create Sold serials');
    expect(await dialog.textContent()).toContain('4 rows, 1 valid, 3 with errors');
    expect(await dialog.getByRole('button', { name: 'Commit' }).count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-report.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.getByLabel('CSV or XLSX file').waitFor();
  });

  it('the fixed file, with its own headers, is mapped, checked and committed as Import #N', async () => {
    const dialog = page.getByRole('dialog', { name: 'Import Serials — ALT-12V' });
    const fixed = writeCsv(
      'fixed.csv',
      '\uFEFFNuméro;Emplacement;Remarque\r\nIMP-1;R1-1A;"Boxed; sealed"\r\nIMP-2;R1-1B;\r\nIMP-3;R1-1B;Dented\r\n',
    );
    await dialog.getByLabel('CSV or XLSX file').setInputFiles(fixed);
    await dialog.getByLabel('Field for column Numéro').selectOption('serialNumber');
    await dialog.getByLabel('Field for column Emplacement').selectOption('location');
    await dialog.getByLabel('Field for column Remarque').selectOption('conditionNotes');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    const effect = dialog.getByRole('table', { name: 'Effect on serial counts' });
    await effect.waitFor();
    expect(await dialog.textContent()).toContain('3 rows, 3 valid, 0 with errors');
    expect(await effect.textContent()).toContain('R1-1B');
    await dialog.getByRole('button', { name: 'Commit' }).click();
    await dialog.getByText('Imported 3 serials as Import #2.').waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();

    const row = page.getByRole('row').filter({ hasText: 'IMP-3' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Import #2');
    expect(await row.textContent()).toContain('R1-1B');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'serials-after-import.png') });
    // Source links to the import document.
    await row.getByRole('link', { name: 'Import #2' }).click();
    await page.getByRole('heading', { name: 'Import #2' }).waitFor();
    expect(await page.textContent('body')).toContain('fixed.csv');
  });

  it('a file with hundreds of bad rows: Show more lists them all, and the errors download as CSV', async () => {
    await page.goto(`${server.url}/items/${itemId}`);
    await page.getByRole('tab', { name: 'Serials' }).click();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Import Serials — ALT-12V' });
    const rows = Array.from({ length: 650 }, (_, i) => `BULK-${i},R9-9Z`);
    await dialog
      .getByLabel('CSV or XLSX file')
      .setInputFiles(writeCsv('bulk.csv', `Serial Number,Location\r\n${rows.join('\r\n')}\r\n`));
    const errors = dialog.getByRole('table', { name: 'Rows with errors' });
    await errors.waitFor();
    expect(await errors.locator('tbody tr').count()).toBe(200);
    await dialog.getByRole('button', { name: 'Show 450 more' }).click();
    await dialog.getByText('All 650 errors shown').waitFor();
    expect(await errors.locator('tbody tr').count()).toBe(650);
    expect(await errors.locator('tbody tr').last().textContent()).toContain('651');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('link', { name: 'Download errors (CSV)' }).click(),
    ]);
    const saved = path.join(dir, download.suggestedFilename());
    await download.saveAs(saved);
    const lines = fs
      .readFileSync(saved, 'utf8')
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('Line,Column,Code,Problem,Value');
    expect(lines).toHaveLength(651);
    expect(lines[650]).toBe('651,Location,unknown_location,There is no location R9-9Z.,R9-9Z');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('Export XLSX from the Serials tab imports back through the Import dialog with 0 errors', async () => {
    await page.goto(`${server.url}/items/${itemId}`);
    await page.getByRole('tab', { name: 'Serials' }).click();
    await page.getByRole('row').filter({ hasText: 'IMP-3' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export XLSX' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('ALT-12V-serials.xlsx');
    const saved = path.join(dir, download.suggestedFilename());
    await download.saveAs(saved);
    expect(fs.readFileSync(saved).subarray(0, 2).toString()).toBe('PK');

    // Void the three serials (entered in error, say), so the same numbers can come back from the workbook.
    const session = await page.request.get(`${server.url}/api/auth/session`);
    const csrf = ((await session.json()) as { csrfToken: string }).csrfToken;
    const list = await page.request.get(`${server.url}/api/items/${itemId}/serials?limit=200`);
    const serialIds = ((await list.json()) as { serials: { id: number }[] }).serials.map((s) => s.id);
    expect(serialIds).toHaveLength(3);
    const voided = await page.request.post(`${server.url}/api/serials/void`, {
      data: { serialIds, reason: 'XLSX round trip' },
      headers: { 'x-csrf-token': csrf },
    });
    expect(voided.status(), await voided.text()).toBe(200);

    await page.reload();
    await page.getByRole('tab', { name: 'Serials' }).click();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Import Serials — ALT-12V' });
    await dialog.getByLabel('CSV or XLSX file').setInputFiles(saved);
    await dialog.getByRole('table', { name: 'Effect on serial counts' }).waitFor();
    expect(await dialog.textContent()).toContain('3 rows, 3 valid, 0 with errors');
    await dialog.getByRole('button', { name: 'Commit' }).click();
    await dialog.getByText(/Imported 3 serials as Import #\d+\./).waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('row').filter({ hasText: 'IMP-1' });
    await row.waitFor();
    expect(await row.textContent()).toContain('R1-1A');
    expect(await page.getByRole('row').filter({ hasText: 'IMP-3' }).textContent()).toContain('R1-1B');
  });
  it('a LibreOffice round trip (Export XLSX, open and save in Calc, Import) keeps every serial byte for byte', async () => {
    const tricky = ['000123', '12345678901234567890', '12.50', '1E5', '+1', '3/4', '007-42', '=1+2'];
    const session = await page.request.get(`${server.url}/api/auth/session`);
    const csrf = ((await session.json()) as { csrfToken: string }).csrfToken;
    const post = async (url: string, data: object) => {
      const res = await page.request.post(`${server.url}${url}`, { data, headers: { 'x-csrf-token': csrf } });
      expect(res.ok(), await res.text()).toBe(true);
      return (await res.json()) as { id: number; serials: { id: number }[] };
    };
    const location = await post('/api/locations', { code: '007', name: 'Shelf 007' });
    const sheetItem = (
      await post('/api/items', {
        sku: '00042',
        name: 'Sheet part',
        trackSerials: true,
        primaryLocationId: location.id,
      })
    ).id;
    const created = await post(`/api/items/${sheetItem}/serials`, {
      serials: tricky.map((serialNumber) => ({ serialNumber })),
    });

    await page.goto(`${server.url}/items/${sheetItem}`);
    await page.getByRole('tab', { name: 'Serials' }).click();
    await page.getByRole('row').filter({ hasText: '000123' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export XLSX' }).click(),
    ]);
    const exported = path.join(dir, download.suggestedFilename());
    await download.saveAs(exported);
    // What a user does: open the workbook in LibreOffice Calc and save it again.
    const resaved = path.join(dir, 'resaved.xlsx');
    fs.writeFileSync(resaved, await sofficeConvert(fs.readFileSync(exported), 'export.xlsx', 'xlsx'));

    const voided = await page.request.post(`${server.url}/api/serials/void`, {
      data: { serialIds: created.serials.map((s) => s.id), reason: 'LibreOffice round trip' },
      headers: { 'x-csrf-token': csrf },
    });
    expect(voided.status(), await voided.text()).toBe(200);
    await page.reload();
    await page.getByRole('tab', { name: 'Serials' }).click();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Import Serials — 00042' });
    await dialog.getByLabel('CSV or XLSX file').setInputFiles(resaved);
    await dialog.getByRole('table', { name: 'Effect on serial counts' }).waitFor();
    expect(await dialog.textContent()).toContain(
      `${tricky.length} rows, ${tricky.length} valid, 0 with errors`,
    );
    await dialog.getByRole('button', { name: 'Commit' }).click();
    await dialog.getByText(/Imported \d+ serials as Import #\d+\./).waitFor();
    const list = await page.request.get(`${server.url}/api/items/${sheetItem}/serials?limit=200`);
    const back = ((await list.json()) as { serials: { serialNumber: string; locationCode: string | null }[] })
      .serials;
    expect(back.map((s) => s.serialNumber).sort()).toEqual([...tricky].sort());
  });
});
