import { describe, expect, it } from 'vitest';
import { checkSerialNumbers, normalizeSerialNumber } from './serial-numbers.js';

describe('serial numbers', () => {
  it('trims but keeps case', () => {
    expect(normalizeSerialNumber('  AbC-1 \t')).toBe('AbC-1');
    expect(checkSerialNumbers(['ab1', 'AB1']).errors).toEqual([]);
  });

  it('reports empty, duplicate, control characters and length at once', () => {
    const { errors } = checkSerialNumbers(['A1', ' ', 'A1 ', 'x\ty', 'z'.repeat(101)]);
    expect(errors.map((e) => [e.field, e.code])).toEqual([
      ['serials[1]', 'empty'],
      ['serials[2]', 'duplicate_in_list'],
      ['serials[3]', 'control_character'],
      ['serials[4]', 'too_long'],
    ]);
    expect(errors[1]!.message).toContain('lines 1 and 3');
  });
});
