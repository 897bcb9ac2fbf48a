import { checkSerialNumber, MAX_SERIAL_LENGTH } from '../serials/serial-numbers.js';
import { STATUS_INFO, type SerialStatus } from '../serials/serial-status.js';
import {
  FIELD_LABELS,
  normalizeHeader,
  unescapeFormula,
  type ColumnTarget,
  type ImportField,
} from './import-columns.js';

/**
 * Statuses a CSV may give a serial. Reserved, Sold and Returned belong to documents (a sale records the
 * customer and starts the warranty, a return names the sale), so an import that set them would invent
 * history; units in those states are brought in by the sale or return itself.
 */
export const IMPORTABLE_STATUSES: readonly SerialStatus[] = ['in_stock', 'damaged', 'scrapped'];

export const MAX_NOTES_LENGTH = 5000;

export interface ImportItem {
  id: number;
  sku: string;
  trackSerials: boolean;
  primaryLocationId: number | null;
  partTypeId: number | null;
}

export interface ImportLocation {
  id: number;
  code: string;
  active: boolean;
}

/** A custom field as the import needs it; `parse` turns a cell into the canonical value or an error. */
export interface ImportCustomField {
  id: number;
  name: string;
  /** A new serial needs a value: from the file or the item's Default Serial Q&A. */
  required: boolean;
  parse: (raw: string) => { ok: true; value: string } | { ok: false; message: string };
}

export interface RowContext {
  headers: readonly string[];
  targets: readonly ColumnTarget[];
  /** The item the import is for; null when the file names the item of each row in a SKU column. */
  scopeItem: ImportItem | null;
  itemBySku: (sku: string) => ImportItem | undefined;
  /** The existing SKU a digits-only SKU is once leading zeros are added back (`42` → `00042`). */
  skuWithLeadingZeros: (sku: string) => string | undefined;
  /** The location code a digits-only code is once leading zeros are added back (`7` → `007`). */
  locationWithLeadingZeros: (code: string) => string | undefined;
  locationByCode: (code: string) => ImportLocation | undefined;
  /** The custom fields of a part type, by normalised name. */
  customFields: (partTypeId: number) => ReadonlyMap<string, ImportCustomField>;
  /** The item's Default Serial Q&A value of a field, which a blank cell takes. */
  defaultValue: (itemId: number, fieldId: number) => string | undefined;
  today: string;
}

export interface StagedRow {
  line: number;
  itemId: number | null;
  serialNumber: string | null;
  locationId: number | null;
  status: SerialStatus | null;
  dateReceived: string | null;
  warrantyEndDate: string | null;
  conditionNotes: string;
  /** field id → canonical value */
  customValues: Record<number, string> | null;
}

export interface RowError {
  line: number;
  column: string;
  code: string;
  message: string;
  /** The cell as read (after trimming), so the errors CSV shows what to fix. */
  value: string;
}

/**
 * How spreadsheets show a number too long for their 15 significant digits: `1.23456789012346E+019`
 * (LibreOffice), `1.23457E+19` (Excel), `1E+05`. The exponent's sign is what they always write; a serial
 * such as `1E5` is left alone.
 */
export function isScientificNotation(value: string): boolean {
  return /^[+-]?\d+(?:[.,]\d+)?E[+-]\d+$/i.test(value);
}

/** A digits-only value without its leading zeros: what a spreadsheet shows `00042` as. */
export function withoutLeadingZeros(value: string): string | undefined {
  return /^\d+$/.test(value) ? value.replace(/^0+(?=\d)/, '') : undefined;
}

/** How to avoid what a spreadsheet did to a file: the same advice on every such error. */
const SPREADSHEET_ADVICE =
  'Use the XLSX export for round trips through a spreadsheet, or import the CSV with that column as Text.';

/** YYYY-MM-DD, also written YYYY/MM/DD or with a time; day-month orders are ambiguous and refused. */
export function parseImportDate(raw: string): string | null {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ][0-9:.]+Z?)?$/.exec(raw);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  // Plain arithmetic rather than a Date per cell: a million-row file has two dates a row.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || year < 1) return null;
  return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const statusByKey = new Map<string, SerialStatus>();
for (const [status, info] of Object.entries(STATUS_INFO)) {
  statusByKey.set(normalizeHeader(info.label), status as SerialStatus);
  statusByKey.set(normalizeHeader(status), status as SerialStatus);
}

type CoreCells = Partial<Record<ImportField, { value: string; column: string }>>;

// Module-level helpers rather than closures: this runs a million times per import.
function fail(
  errors: RowError[],
  line: number,
  column: string,
  code: string,
  message: string,
  value: string,
): void {
  errors.push({ line, column, code, message, value });
}

function columnOf(core: CoreCells, f: ImportField): string {
  return core[f]?.column ?? FIELD_LABELS[f];
}

function dateField(
  core: CoreCells,
  field: 'dateReceived' | 'warrantyEnd',
  errors: RowError[],
  line: number,
): string | null {
  const text = core[field]?.value ?? '';
  if (text === '') return null;
  const date = parseImportDate(text);
  if (!date) {
    fail(
      errors,
      line,
      columnOf(core, field),
      'bad_date',
      `"${text.slice(0, 40)}" is not a date. Write it as YYYY-MM-DD.`,
      text,
    );
  }
  return date;
}

/** Validates one CSV record into a staging row, with every problem it has (not only the first). */
export function validateImportRow(
  line: number,
  cells: readonly string[],
  ctx: RowContext,
  /** Positions of cells an XLSX workbook stored as numbers. */
  numericCells?: readonly number[],
): { row: StagedRow; errors: RowError[] } {
  const errors: RowError[] = [];
  const core: CoreCells = {};
  const custom: { name: string; value: string; column: string }[] = [];
  const serialAt = ctx.targets.indexOf('serialNumber');

  cells.forEach((raw, i) => {
    const target = ctx.targets[i];
    const column = ctx.headers[i] ?? `Column ${i + 1}`;
    const value = unescapeFormula(raw).trim();
    if (target === undefined) {
      if (value !== '')
        fail(
          errors,
          line,
          column,
          'extra_cell',
          `The row has more cells than the header ("${value.slice(0, 40)}").`,
          value,
        );
      return;
    }
    if (target === 'ignore') return;
    if (target.startsWith('custom:')) custom.push({ name: target.slice(7), value, column });
    else core[target as ImportField] = { value, column };
  });

  // Item: the import's own item, or the SKU column's.
  let item: ImportItem | undefined;
  const sku = core.sku?.value ?? '';
  if (ctx.scopeItem) {
    item = ctx.scopeItem;
    if (sku !== '' && sku !== item.sku && withoutLeadingZeros(item.sku) === sku) {
      fail(
        errors,
        line,
        columnOf(core, 'sku'),
        'leading_zeros_lost',
        `SKU ${sku} is ${item.sku} without its leading zeros: a spreadsheet read the SKU as a number. ${SPREADSHEET_ADVICE}`,
        sku,
      );
    } else if (sku !== '' && sku !== item.sku) {
      fail(
        errors,
        line,
        columnOf(core, 'sku'),
        'sku_mismatch',
        `SKU ${sku} is not ${item.sku}, the item this import is for.`,
        sku,
      );
    }
  } else if (sku === '') {
    fail(
      errors,
      line,
      columnOf(core, 'sku'),
      'empty_sku',
      'The SKU is empty. Every row needs the SKU of its item.',
      '',
    );
  } else {
    item = ctx.itemBySku(sku);
    const padded = item ? undefined : ctx.skuWithLeadingZeros(sku);
    if (padded !== undefined) {
      fail(
        errors,
        line,
        columnOf(core, 'sku'),
        'leading_zeros_lost',
        `There is no item with SKU ${sku}, but there is ${padded}: a spreadsheet read the SKU as a number and dropped its leading zeros. ${SPREADSHEET_ADVICE}`,
        sku,
      );
    } else if (!item)
      fail(errors, line, columnOf(core, 'sku'), 'unknown_sku', `There is no item with SKU ${sku}.`, sku);
  }
  if (item && !item.trackSerials) {
    fail(
      errors,
      line,
      columnOf(core, 'sku'),
      'not_tracked',
      `${item.sku} does not track serials. Check Track Serials in Item Settings and save the item first.`,
      sku,
    );
  }

  const cell = core.serialNumber?.value ?? '';
  // The one serial rule of every path (length, invisible characters, NFC), so the import stores what Add
  // Serial would and a look-alike of an existing serial is refused instead of added beside it.
  const checked = cell === '' ? null : checkSerialNumber(cell);
  const serial = checked?.ok ? checked.serial : cell;
  if (cell === '') {
    fail(errors, line, columnOf(core, 'serialNumber'), 'empty_serial', 'The serial number is empty.', '');
  } else if (checked && !checked.ok) {
    fail(errors, line, columnOf(core, 'serialNumber'), checked.code, checked.message, cell);
  } else if (numericCells?.includes(serialAt)) {
    fail(
      errors,
      line,
      columnOf(core, 'serialNumber'),
      'numeric_cell',
      `The serial number ${serial} is a number in the workbook, not text, so the spreadsheet may have dropped leading zeros or rounded it. Format the column as Text and type the serials again, or use the XLSX export, which writes every cell as text.`,
      serial,
    );
  } else if (isScientificNotation(serial)) {
    fail(
      errors,
      line,
      columnOf(core, 'serialNumber'),
      'scientific_notation',
      `The serial number ${serial} is in scientific notation: a spreadsheet read a long serial as a number and rounded it, so the real serial is lost. ${SPREADSHEET_ADVICE}`,
      serial,
    );
  }

  let locationId: number | null = null;
  const code = core.location?.value ?? '';
  if (code === '') {
    locationId = item?.primaryLocationId ?? null;
    if (item && locationId === null) {
      fail(
        errors,
        line,
        columnOf(core, 'location'),
        'location_required',
        `The location is empty and ${item.sku} has no primary location. Give a location code.`,
        '',
      );
    }
  } else {
    const location = ctx.locationByCode(code);
    const padded = location ? undefined : ctx.locationWithLeadingZeros(code);
    if (padded !== undefined)
      fail(
        errors,
        line,
        columnOf(core, 'location'),
        'leading_zeros_lost',
        `There is no location ${code}, but there is ${padded}: a spreadsheet read the code as a number and dropped its leading zeros. ${SPREADSHEET_ADVICE}`,
        code,
      );
    else if (!location)
      fail(
        errors,
        line,
        columnOf(core, 'location'),
        'unknown_location',
        `There is no location ${code}.`,
        code,
      );
    else if (!location.active)
      fail(
        errors,
        line,
        columnOf(core, 'location'),
        'inactive_location',
        `Location ${code} is inactive.`,
        code,
      );
    else locationId = location.id;
  }

  let status: SerialStatus | null = 'in_stock';
  const statusText = core.status?.value ?? '';
  if (statusText !== '') {
    const found = statusByKey.get(normalizeHeader(statusText));
    if (!found) {
      status = null;
      fail(
        errors,
        line,
        columnOf(core, 'status'),
        'unknown_status',
        `"${statusText}" is not a status. Use ${IMPORTABLE_STATUSES.map((s) => STATUS_INFO[s].label).join(', ')}.`,
        statusText,
      );
    } else if (!IMPORTABLE_STATUSES.includes(found)) {
      status = null;
      fail(
        errors,
        line,
        columnOf(core, 'status'),
        'illegal_status',
        `An import cannot create ${STATUS_INFO[found].label} serials: ${found === 'returned' ? 'a customer return' : 'a sale'} sets that status and records the customer. Import them In Stock, then use ${found === 'returned' ? 'a customer return' : 'a sale'}.`,
        statusText,
      );
    } else {
      status = found;
    }
  }

  const dateReceived = dateField(core, 'dateReceived', errors, line);
  if (dateReceived && dateReceived > ctx.today) {
    fail(
      errors,
      line,
      columnOf(core, 'dateReceived'),
      'future_date',
      `Date received ${dateReceived} is in the future.`,
      core.dateReceived?.value ?? dateReceived,
    );
  }
  const warrantyEndDate = dateField(core, 'warrantyEnd', errors, line);

  const conditionNotes = core.conditionNotes?.value ?? '';
  if (conditionNotes.length > MAX_NOTES_LENGTH) {
    fail(
      errors,
      line,
      columnOf(core, 'conditionNotes'),
      'too_long',
      `The condition notes are longer than ${MAX_NOTES_LENGTH} characters.`,
      conditionNotes,
    );
  }

  let customValues: Record<number, string> | null = null;
  const fields =
    item?.partTypeId == null ? new Map<string, ImportCustomField>() : ctx.customFields(item.partTypeId);
  if (item && custom.length > 0) {
    for (const c of custom) {
      if (c.value === '') continue; // empty: the item's Default Serial Q&A value applies, if any
      const field = fields.get(normalizeHeader(c.name));
      if (!field) {
        fail(
          errors,
          line,
          c.column,
          'unknown_custom_field',
          `${item.sku}'s part type has no custom field "${c.name}".`,
          c.value,
        );
        continue;
      }
      const parsed = field.parse(c.value);
      if (!parsed.ok) fail(errors, line, c.column, 'bad_custom_value', parsed.message, c.value);
      else (customValues ??= {})[field.id] = parsed.value;
    }
  }
  // A required field must have a value from the start, as editing a serial later insists: the file's,
  // or the item's Default Serial Q&A.
  if (item) {
    for (const field of fields.values()) {
      if (!field.required || customValues?.[field.id] !== undefined) continue;
      if (ctx.defaultValue(item.id, field.id) !== undefined) continue;
      const at = custom.find((c) => normalizeHeader(c.name) === normalizeHeader(field.name));
      // A cell that failed its own check already says what is wrong with it.
      if (at && at.value !== '') continue;
      fail(
        errors,
        line,
        at?.column ?? field.name,
        'missing_required',
        `${field.name} is required for ${item.sku}. Fill in the cell, or give the item a Default Serial Q&A value.`,
        '',
      );
    }
  }

  return {
    row: {
      line,
      itemId: item?.id ?? null,
      serialNumber: serial === '' ? null : serial.slice(0, MAX_SERIAL_LENGTH + 1),
      locationId,
      status,
      dateReceived,
      warrantyEndDate,
      conditionNotes: conditionNotes.slice(0, MAX_NOTES_LENGTH),
      customValues,
    },
    errors,
  };
}
