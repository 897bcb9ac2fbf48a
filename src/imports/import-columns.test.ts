import { describe, expect, it } from 'vitest';
import { detectDelimiter, normalizeHeader, planColumns, planIsComplete } from './import-columns.js';

describe('planColumns', () => {
  const opts = { customFieldNames: ['Colour'], skuRequired: false };

  it('matches headers case- and space-insensitively, with common aliases', () => {
    const plan = planColumns(['serial_number', ' LOCATION ', 'S/N'], opts);
    expect(plan.targets).toEqual(['serialNumber', 'location', 'serialNumber']);
    expect(plan.duplicates).toEqual(['S/N']);
    expect(planIsComplete(plan)).toBe(false);
    expect(planColumns(['SN', 'Bin', 'Notes', 'colour', 'Warranty Expires'], opts).targets).toEqual([
      'serialNumber',
      'location',
      'conditionNotes',
      'custom:Colour',
      'warrantyEnd',
    ]);
  });

  it('ignores the export-only columns and blank headers, and asks about unknown ones', () => {
    const plan = planColumns(['Serial Number', 'Customer', 'Source', 'Used On', '', 'Shelf life'], opts);
    expect(plan.ignored).toEqual(['Customer', 'Source', 'Used On', '']);
    expect(plan.unknown).toEqual(['Shelf life']);
    expect(planIsComplete(plan)).toBe(false);
  });

  it('lets the mapping win, and requires SKU when the import is not for one item', () => {
    const plan = planColumns(['Numéro', 'Article'], {
      ...opts,
      skuRequired: true,
      mapping: { Numéro: 'serialNumber', Article: 'sku' },
    });
    expect(plan.targets).toEqual(['serialNumber', 'sku']);
    expect(planIsComplete(plan)).toBe(true);
    expect(planColumns(['Serial'], { ...opts, skuRequired: true }).missing).toEqual(['sku']);
    // An unusable mapping target is not trusted.
    expect(planColumns(['Serial'], { ...opts, mapping: { Serial: 'drop table' } }).targets).toEqual([
      'serialNumber',
    ]);
  });
});

describe('detectDelimiter', () => {
  it('picks the separator of the header line, ignoring quoted text', () => {
    expect(detectDelimiter('Serial Number,Location')).toBe(',');
    expect(detectDelimiter('Serial Number;Location;Status')).toBe(';');
    expect(detectDelimiter('"a;b;c",Location')).toBe(',');
    expect(detectDelimiter('Serial')).toBe(',');
  });
});

it('normalizeHeader folds case, spaces, underscores and dashes', () => {
  expect(normalizeHeader(' Date_Received ')).toBe('datereceived');
  expect(normalizeHeader('WARRANTY-END')).toBe('warrantyend');
});
