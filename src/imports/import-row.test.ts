import { describe, expect, it } from 'vitest';
import { parseImportDate, unescapeFormula, validateImportRow, type RowContext } from './import-row.js';

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
