import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestApp } from './test-app.js';

const run = promisify(execFile);

/** LibreOffice's command-line program (Debian's libreoffice-calc-nogui); SOFFICE_PATH to point elsewhere. */
export const SOFFICE = process.env['SOFFICE_PATH'] ?? '/usr/bin/soffice';

/**
 * Whether the LibreOffice tests can run. Missing LibreOffice is said loudly and skips them; under CI=true
 * the tests run anyway and fail, as .ci/run installs it.
 */
export function sofficeAvailable(): boolean {
  if (fs.existsSync(SOFFICE) || process.env['CI'] === 'true') return true;
  console.warn(
    `LibreOffice (${SOFFICE}) is missing: skipping the spreadsheet round trips. apt-get install libreoffice-calc-nogui`,
  );
  return false;
}

/**
 * Converts a file as LibreOffice Calc opens and saves it (`soffice --headless --convert-to`), with default
 * import options, as a user double-clicking the file gets. Each call has its own folder and its own user
 * profile, so parallel runs never share LibreOffice's lock.
 */
export async function sofficeConvert(
  bytes: Buffer,
  fromName: string,
  toExt: 'xlsx' | 'csv',
): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serialtrack-soffice-'));
  try {
    const input = path.join(dir, fromName);
    const outDir = path.join(dir, 'out');
    fs.writeFileSync(input, bytes);
    const profile = `file://${path.join(dir, `profile-${randomBytes(4).toString('hex')}`)}`;
    await run(
      SOFFICE,
      [`-env:UserInstallation=${profile}`, '--headless', '--convert-to', toExt, '--outdir', outDir, input],
      { timeout: 120_000 },
    );
    const out = path.join(outDir, `${path.parse(fromName).name}.${toExt}`);
    if (!fs.existsSync(out)) throw new Error(`soffice wrote no ${toExt} for ${fromName}`);
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Everything an import may set, per serial, read straight from the database in a stable order. */
export async function serialData(t: TestApp) {
  const db = t.runtime.database.db;
  const rows = await db
    .selectFrom('serials')
    .innerJoin('items', 'items.id', 'serials.item_id')
    .innerJoin('locations', 'locations.id', 'serials.location_id')
    .select([
      'serials.id',
      'items.sku',
      'serials.serial_number',
      'serials.status',
      'locations.code',
      'serials.warranty_end_date',
      'serials.date_received',
      'serials.condition_notes',
    ])
    .where('serials.void_key', '=', 0)
    .orderBy('items.sku')
    .orderBy('serials.serial_number')
    .execute();
  const values = await db
    .selectFrom('serial_custom_values')
    .innerJoin('custom_field_definitions', 'custom_field_definitions.id', 'serial_custom_values.field_id')
    .select(['serial_custom_values.serial_id', 'custom_field_definitions.name', 'serial_custom_values.value'])
    .execute();
  return rows.map(({ id, ...r }) => ({
    ...r,
    custom: Object.fromEntries(
      values
        .filter((v) => v.serial_id === id)
        .map((v): [string, string] => [v.name, v.value])
        .sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    ),
  }));
}
