import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, SCREENSHOTS, startServer, type RunningServer } from './support/server.js';

// The auto-parts manual's "Serialized Custom Fields": fields per part type, the Default Serial Q&A line
// seeding newly created serials, the custom fields box titled with the selected serial, and the history.
describe('Serialized Custom Fields in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  const gridRow = (serial: string) => page.getByRole('row').filter({ hasText: serial });

  it('sets up an administrator, a location and a part type', async () => {
    await page.goto(server.url);
    await page.getByLabel('Password (at least 12 characters)').fill('admin-password-123');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByRole('heading', { name: 'Items' }).waitFor();
    await page.getByRole('link', { name: 'Locations' }).click();
    await page.getByLabel('Location code').fill('R1-1A');
    await page.getByRole('button', { name: 'Add location' }).click();
    await page.getByRole('cell', { name: 'R1-1A', exact: true }).first().waitFor();
    await page.getByRole('link', { name: 'Part types' }).click();
    await page.getByLabel('Part type name').fill('Alternators');
    await page.getByRole('button', { name: 'Add part type' }).click();
    await page.getByRole('cell', { name: 'Alternators', exact: true }).waitFor();
  });

  it('defines custom fields on the part type', async () => {
    await page.getByRole('button', { name: 'Custom fields of Alternators' }).click();
    const editor = page.getByRole('region', { name: 'Custom fields of Alternators' });
    await editor.getByRole('heading', { name: 'Serialized Custom Fields — Alternators' }).waitFor();
    await editor.getByLabel('Custom field name').fill('Core charge paid');
    await editor.getByLabel('Custom field type').selectOption({ label: 'Yes/No' });
    await editor.getByRole('button', { name: 'Add custom field' }).click();
    await editor.getByLabel('Name of Core charge paid').waitFor();

    await editor.getByLabel('Custom field name').fill('Grade');
    await editor.getByLabel('Custom field type').selectOption({ label: 'Choice list' });
    await editor.getByLabel('Choices (one per line)').fill('A\nB\nC');
    await editor.getByRole('button', { name: 'Add custom field' }).click();
    await editor.getByLabel('Choices of Grade').waitFor();
    expect(await editor.getByLabel('Choices of Grade').inputValue()).toBe('A\nB\nC');
    expect(await editor.getByLabel('Type of Grade').inputValue()).toBe('choice');
    await shot('custom-fields-editor');
  });

  it('creates a serialized item of that part type', async () => {
    await page.getByRole('link', { name: 'Items' }).click();
    await page.getByRole('link', { name: 'New item' }).click();
    await page.getByLabel('SKU').fill('ALT-12V');
    await page.getByLabel('Name').fill('Alternator 12V 90A');
    await page.getByLabel('Part type').selectOption({ label: 'Alternators' });
    await page.getByLabel('Primary location').selectOption({ label: 'R1-1A' });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'ALT-12V — Alternator 12V 90A' }).waitFor();
    await page.getByRole('group', { name: 'Item Settings' }).getByLabel('Track Serials').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('tab', { name: 'Serials' }).click();
  });

  it('the Default Serial Q&A line holds values for new serials', async () => {
    await page.getByRole('button', { name: 'Default Serial Q&A' }).click();
    const box = page.getByRole('region', { name: 'Custom fields — Default Serial Q&A' });
    await box.getByLabel('Core charge paid').selectOption({ label: 'Yes' });
    await box.getByLabel('Grade').selectOption('B');
    await box.getByRole('button', { name: 'Save Default Serial Q&A' }).click();
    await box.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  });

  it('a serial added afterwards starts with the defaults, shown in the box titled with its number', async () => {
    await page.getByRole('button', { name: 'Add Serial' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Serial' });
    await dialog.getByLabel('Serial Number').fill('ALT-0001');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await gridRow('ALT-0001').getByRole('gridcell', { name: 'ALT-0001', exact: true }).click();
    const box = page.getByRole('region', { name: 'Custom fields — Serial ALT-0001' });
    await box.waitFor();
    await expect.poll(() => box.getByLabel('Core charge paid').inputValue()).toBe('true');
    expect(await box.getByLabel('Grade').inputValue()).toBe('B');
  });

  it("editing one serial's value is saved and recorded in its history", async () => {
    const box = page.getByRole('region', { name: 'Custom fields — Serial ALT-0001' });
    await box.getByLabel('Grade').selectOption('A');
    await box.getByRole('button', { name: 'Save custom fields' }).click();
    await box.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await shot('custom-fields-box');

    // The Default Serial Q&A is unchanged by editing a serial.
    await page.getByRole('button', { name: 'Default Serial Q&A' }).click();
    const defaults = page.getByRole('region', { name: 'Custom fields — Default Serial Q&A' });
    expect(await defaults.getByLabel('Grade').inputValue()).toBe('B');

    await gridRow('ALT-0001').dblclick();
    const detail = page.getByRole('dialog', { name: 'Serial Detail — ALT-0001' });
    await detail.waitFor();
    const fields = detail.getByRole('region', { name: 'Custom fields' });
    expect((await fields.textContent()) ?? '').toContain('Core charge paidYes');
    expect((await fields.textContent()) ?? '').toContain('GradeA');
    const history = detail.getByRole('region', { name: 'History' });
    const change = history.getByRole('row').filter({ hasText: 'Custom field changed' });
    expect(await change.count()).toBe(1);
    expect((await change.textContent()) ?? '').toContain('Custom field Grade: B → A');
    const created = history.getByRole('row').filter({ hasText: 'Created' });
    expect((await created.textContent()) ?? '').toContain('Core charge paid = true, Grade = B');
    await shot('custom-fields-history');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'hidden' });
  });

  it('Set field on selected changes existing serials; columns and the filter show the values', async () => {
    await page.getByRole('button', { name: 'Add Serial' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Serial' });
    await dialog.getByLabel('Serial Number').fill('ALT-0002');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await gridRow('ALT-0002').waitFor();

    await page.getByLabel('Select ALT-0001').check();
    await page.getByLabel('Select ALT-0002').check();
    await page.getByRole('button', { name: 'Set field on selected (2)' }).click();
    const bulk = page.getByRole('dialog', { name: 'Set field on selected' });
    await bulk.getByLabel('Custom field').selectOption({ label: 'Grade' });
    await bulk.getByLabel('New value').selectOption('C');
    await bulk.getByRole('button', { name: 'Apply' }).click();
    await bulk.getByRole('status').filter({ hasText: 'Changed 2 serials.' }).waitFor();
    await bulk.getByRole('button', { name: 'Done' }).click();

    await page.getByLabel('Custom field columns').check();
    await page.getByRole('columnheader', { name: 'Grade' }).waitFor();
    await expect.poll(async () => (await gridRow('ALT-0002').textContent()) ?? '').toContain('C');
    expect((await gridRow('ALT-0001').textContent()) ?? '').toContain('Yes');

    await page.getByLabel('Filter by custom field').selectOption({ label: 'Grade' });
    await page.getByLabel('Grade equals').selectOption('A');
    await page.getByText('No serials match these filters.').waitFor();
    await page.getByLabel('Grade equals').selectOption('C');
    await gridRow('ALT-0001').waitFor();
    await gridRow('ALT-0002').waitFor();
    await shot('custom-fields-columns');
  });
});
