import { describe, expect, it } from 'vitest';
import { unescapeFormula } from './import-columns.js';
import {
  isScientificNotation,
  parseImportDate,
  validateImportRow,
  withoutLeadingZeros,
  type RowContext,
} from './import-row.js';

const item = { id: 1, sku: 'ALT-100', trackSerials: true, primaryLocationId: 10, partTypeId: 5 };
const ctx = (over: Partial<RowContext> = {}): RowContext => ({
  headers: ['Serial Number', 'Location', 'Status', 'Date Received', 'Warranty End', 'Notes', 'Colour'],
  targets: [
    'serialNumber',
    'location',
    'status',
    'dateReceived',
    'warrantyEnd',
    'conditionNotes',
    'custom:Colour',
  ],
  scopeItem: item,
  itemBySku: () => undefined,
  skuWithLeadingZeros: () => undefined,
  locationWithLeadingZeros: () => undefined,
  locationByCode: (code) =>
    code === 'R1'
      ? { id: 10, code, active: true }
      : code === 'OLD'
        ? { id: 11, code, active: false }
        : undefined,
  customFields: () =>
    new Map([
      [
        'colour',
        {
          id: 7,
          name: 'Colour',
          required: false,
          parse: (raw: string) =>
            raw === 'Red'
              ? { ok: true as const, value: 'Red' }
              : { ok: false as const, message: 'not a colour' },
        },
      ],
    ]),
  defaultValue: () => undefined,
  today: '2026-06-01',
  ...over,
});

describe('validateImportRow', () => {
  it('turns a good row into canonical values', () => {
    const { row, errors } = validateImportRow(
      2,
      [' SN-1 ', 'R1', 'damaged', '2026/1/5', '2027-01-05', 'ok', 'Red'],
      ctx(),
    );
    expect(errors).toEqual([]);
    expect(row).toEqual({
      line: 2,
      itemId: 1,
      serialNumber: 'SN-1',
      locationId: 10,
      status: 'damaged',
      dateReceived: '2026-01-05',
      warrantyEndDate: '2027-01-05',
      conditionNotes: 'ok',
      customValues: { 7: 'Red' },
    });
  });

  it('defaults: In Stock at the primary location, no dates', () => {
    const { row, errors } = validateImportRow(3, ['SN-2', '', '', '', '', '', ''], ctx());
    expect(errors).toEqual([]);
    expect(row).toMatchObject({
      status: 'in_stock',
      locationId: 10,
      dateReceived: null,
      warrantyEndDate: null,
    });
  });

  it('lists every problem of a row with its column', () => {
    const { errors } = validateImportRow(
      4,
      ['', 'OLD', 'Sold', '2026-07-01', '31/12/2026', 'x', 'Green', 'extra'],
      ctx(),
    );
    expect(errors.map((e) => `${e.column}:${e.code}`)).toEqual([
      'Column 8:extra_cell',
      'Serial Number:empty_serial',
      'Location:inactive_location',
      'Status:illegal_status',
      'Date Received:future_date',
      'Warranty End:bad_date',
      'Colour:bad_custom_value',
    ]);
  });

  it('resolves the item from the SKU column when the import is for many items', () => {
    const c = ctx({
      headers: ['SKU', 'Serial'],
      targets: ['sku', 'serialNumber'],
      scopeItem: null,
      itemBySku: (s) => (s === 'OFF' ? { ...item, id: 2, sku: 'OFF', trackSerials: false } : undefined),
    });
    expect(validateImportRow(2, ['NOPE', 'A'], c).errors.map((e) => e.code)).toEqual(['unknown_sku']);
    expect(validateImportRow(2, ['OFF', 'A'], c).errors.map((e) => e.code)).toEqual(['not_tracked']);
  });

  it('reports a required custom field left empty, unless the Default Serial Q&A fills it', () => {
    const required = (defaultValue: RowContext['defaultValue']) =>
      ctx({
        customFields: () =>
          new Map([
            [
              'colour',
              {
                id: 7,
                name: 'Colour',
                required: true,
                parse: () => ({ ok: true as const, value: 'Red' }),
              },
            ],
            [
              'voltage',
              { id: 8, name: 'Voltage', required: true, parse: () => ({ ok: true as const, value: '12' }) },
            ],
          ]),
        defaultValue,
      });
    const empty = validateImportRow(
      2,
      ['S1', 'R1', '', '', '', '', ''],
      required(() => undefined),
    );
    // The mapped column names the cell; a field with no column is named itself.
    expect(empty.errors.map((e) => `${e.column}:${e.code}:${e.value}`)).toEqual([
      'Colour:missing_required:',
      'Voltage:missing_required:',
    ]);
    expect(empty.errors[0]!.message).toContain('Colour is required for ALT-100');
    const given = validateImportRow(
      2,
      ['S1', 'R1', '', '', '', '', 'Red'],
      required((_, f) => (f === 8 ? '24' : undefined)),
    );
    expect(given.errors).toEqual([]);
  });
});

it('parseImportDate accepts ISO dates only (day-month orders are ambiguous)', () => {
  expect(parseImportDate('2026-02-28')).toBe('2026-02-28');
  expect(parseImportDate('2026/2/3')).toBe('2026-02-03');
  expect(parseImportDate('2026-02-28T10:00:00Z')).toBe('2026-02-28');
  expect(parseImportDate('2026-02-30')).toBeNull();
  expect(parseImportDate('2024-02-29')).toBe('2024-02-29');
  expect(parseImportDate('2100-02-29')).toBeNull();
  expect(parseImportDate('2000-02-29')).toBe('2000-02-29');
  expect(parseImportDate('2026-04-31')).toBeNull();
  expect(parseImportDate('2026-13-01')).toBeNull();
  expect(parseImportDate('0000-01-01')).toBeNull();
  expect(parseImportDate('03/02/2026')).toBeNull();
});

it('unescapeFormula drops only the apostrophe the export adds', () => {
  expect(unescapeFormula("'=SUM(A1)")).toBe('=SUM(A1)');
  expect(unescapeFormula("'+A-003")).toBe('+A-003');
  expect(unescapeFormula("'quoted")).toBe("'quoted");
  expect(unescapeFormula("'")).toBe("'");
});

describe('cells a spreadsheet has visibly rewritten', () => {
  const codes = (line: number, cells: string[], over: Partial<RowContext> = {}, numeric?: number[]) =>
    validateImportRow(line, cells, ctx(over), numeric).errors.map((e) => [e.column, e.code]);

  it('knows scientific notation as spreadsheets write it, and leaves serials like 1E5 alone', () => {
    expect(isScientificNotation('1.23456789012346E+019')).toBe(true);
    expect(isScientificNotation('1.23457E+19')).toBe(true);
    expect(isScientificNotation('1E+05')).toBe(true);
    expect(isScientificNotation('1,5E-03')).toBe(true);
    expect(isScientificNotation('1E5')).toBe(false);
    expect(isScientificNotation('SN1E+05')).toBe(false);
    expect(isScientificNotation('12345678901234567890')).toBe(false);
  });

  it('flags a serial in scientific notation, saying what happened and how to avoid it', () => {
    const { errors } = validateImportRow(4, ['1.23456789012346E+019', '', '', '', '', '', ''], ctx());
    expect(errors).toMatchObject([
      { column: 'Serial Number', code: 'scientific_notation', value: '1.23456789012346E+019' },
    ]);
    expect(errors[0]!.message).toMatch(/scientific notation.*XLSX export.*as Text/s);
    expect(codes(5, ['1E+05', '', '', '', '', '', ''])).toEqual([['Serial Number', 'scientific_notation']]);
    expect(codes(6, ['1E5', '', '', '', '', '', ''])).toEqual([]);
  });

  it('flags a location that matches only with its leading zeros added back', () => {
    const over: Partial<RowContext> = {
      locationWithLeadingZeros: (code) => (code === '7' ? '007' : undefined),
    };
    const { errors } = validateImportRow(2, ['SN-1', '7', '', '', '', '', ''], ctx(over));
    expect(errors).toMatchObject([{ column: 'Location', code: 'leading_zeros_lost', value: '7' }]);
    expect(errors[0]!.message).toMatch(/no location 7, but there is 007.*XLSX export/s);
    expect(codes(3, ['SN-1', '8', '', '', '', '', ''], over)).toEqual([['Location', 'unknown_location']]);
  });

  it('flags a SKU that matches only with its leading zeros added back, in an all-items file too', () => {
    const all: Partial<RowContext> = {
      scopeItem: null,
      headers: ['SKU', 'Serial Number'],
      targets: ['sku', 'serialNumber'],
      skuWithLeadingZeros: (sku) => (sku === '42' ? '00042' : undefined),
    };
    expect(codes(2, ['42', 'SN-1'], all)).toEqual([['SKU', 'leading_zeros_lost']]);
    expect(codes(3, ['43', 'SN-1'], all)).toEqual([['SKU', 'unknown_sku']]);
    const scoped: Partial<RowContext> = {
      scopeItem: { ...item, sku: '00042' },
      headers: ['SKU', 'Serial Number'],
      targets: ['sku', 'serialNumber'],
    };
    expect(codes(4, ['42', 'SN-1'], scoped)).toEqual([['SKU', 'leading_zeros_lost']]);
    expect(codes(5, ['00042', 'SN-1'], scoped)).toEqual([]);
  });

  it('flags a serial an XLSX workbook holds as a number, whatever it looks like', () => {
    const { errors } = validateImportRow(2, ['123', '', '', '', '', '', ''], ctx(), [0]);
    expect(errors).toMatchObject([{ code: 'numeric_cell' }]);
    expect(errors[0]!.message).toMatch(/number in the workbook.*leading zeros.*as Text/s);
    // A number elsewhere (a custom field, say) is read as its text.
    expect(codes(3, ['SN-1', '', '', '', '', '', 'Red'], {}, [6])).toEqual([]);
  });
});

it('withoutLeadingZeros is what a spreadsheet shows a digits-only code as', () => {
  expect(withoutLeadingZeros('00042')).toBe('42');
  expect(withoutLeadingZeros('000')).toBe('0');
  expect(withoutLeadingZeros('A007')).toBeUndefined();
});
