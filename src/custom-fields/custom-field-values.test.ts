import { describe, expect, it } from 'vitest';
import { displayCustomValue, parseCustomValue, type CustomFieldShape } from './custom-field-values.js';

const text: CustomFieldShape = { type: 'text', choices: null };
const number: CustomFieldShape = { type: 'number', choices: null };
const date: CustomFieldShape = { type: 'date', choices: null };
const boolean: CustomFieldShape = { type: 'boolean', choices: null };
const choice: CustomFieldShape = { type: 'choice', choices: ['Red', 'Green', 'Blue'] };

const ok = (value: string | null) => ({ ok: true, value });

describe('parseCustomValue', () => {
  it('treats empty and blank input as no value, for every type', () => {
    for (const def of [text, number, date, boolean, choice]) {
      expect(parseCustomValue(def, '')).toEqual(ok(null));
      expect(parseCustomValue(def, '   \t')).toEqual(ok(null));
    }
  });

  it('trims text and limits its length', () => {
    expect(parseCustomValue(text, '  Core charge paid  ')).toEqual(ok('Core charge paid'));
    expect(parseCustomValue(text, 'x'.repeat(1000))).toEqual(ok('x'.repeat(1000)));
    expect(parseCustomValue(text, 'x'.repeat(1001)).ok).toBe(false);
  });

  it('canonicalises numbers so equal numbers are equal text', () => {
    expect(parseCustomValue(number, '42')).toEqual(ok('42'));
    expect(parseCustomValue(number, ' +007.50 ')).toEqual(ok('7.5'));
    expect(parseCustomValue(number, '-3.25')).toEqual(ok('-3.25'));
    expect(parseCustomValue(number, '-0')).toEqual(ok('0'));
    expect(parseCustomValue(number, '-0.000')).toEqual(ok('0'));
    expect(parseCustomValue(number, '.5')).toEqual(ok('0.5'));
    expect(parseCustomValue(number, '5.')).toEqual(ok('5'));
    expect(parseCustomValue(number, '12.0')).toEqual(ok('12'));
  });

  it('accepts thousands separators only in proper groups of three', () => {
    expect(parseCustomValue(number, '1,234.5')).toEqual(ok('1234.5'));
    expect(parseCustomValue(number, '-12,345,678')).toEqual(ok('-12345678'));
    const decimalComma = parseCustomValue(number, '1,5');
    expect(decimalComma.ok).toBe(false);
    if (!decimalComma.ok) expect(decimalComma.message).toContain('Use a point for decimals');
    expect(parseCustomValue(number, '1,23,456').ok).toBe(false);
    expect(parseCustomValue(number, '1234,567.8').ok).toBe(false);
  });

  it('refuses what is not a plain decimal number', () => {
    for (const bad of ['abc', '1e5', '0x10', '1.2.3', '.', '-', '+', '12 34', 'NaN', 'Infinity', '١٢']) {
      expect(parseCustomValue(number, bad).ok, bad).toBe(false);
    }
    expect(parseCustomValue(number, '1'.repeat(31)).ok).toBe(false);
    expect(parseCustomValue(number, '1'.repeat(30))).toEqual(ok('1'.repeat(30)));
  });

  it('takes dates as YYYY-MM-DD only, and only real days', () => {
    expect(parseCustomValue(date, ' 2026-03-14 ')).toEqual(ok('2026-03-14'));
    expect(parseCustomValue(date, '2024-02-29')).toEqual(ok('2024-02-29'));
    for (const bad of ['2025-02-29', '2026-13-01', '3/14/2026', '14.03.2026', '2026-3-14', '20260314']) {
      const r = parseCustomValue(date, bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.message).toContain('YYYY-MM-DD');
    }
  });

  it('reads yes/no in the ways spreadsheets write them', () => {
    for (const yes of ['yes', 'YES', 'Y', 'y', 'true', 'TRUE', 'True', '1'])
      expect(parseCustomValue(boolean, yes), yes).toEqual(ok('true'));
    for (const no of ['no', 'No', 'N', 'n', 'false', 'FALSE', '0'])
      expect(parseCustomValue(boolean, no), no).toEqual(ok('false'));
    for (const bad of ['maybe', '2', 'yes please', 'oui'])
      expect(parseCustomValue(boolean, bad).ok, bad).toBe(false);
  });

  it('matches a choice ignoring case and stores it as defined', () => {
    expect(parseCustomValue(choice, 'Green')).toEqual(ok('Green'));
    expect(parseCustomValue(choice, ' green ')).toEqual(ok('Green'));
    const bad = parseCustomValue(choice, 'Purple');
    expect(bad).toEqual({ ok: false, message: '"Purple" is not one of the choices: Red, Green, Blue.' });
  });

  it('prefers the exact spelling when two choices differ only in case', () => {
    const def: CustomFieldShape = { type: 'choice', choices: ['ok', 'OK'] };
    expect(parseCustomValue(def, 'OK')).toEqual(ok('OK'));
    expect(parseCustomValue(def, 'ok')).toEqual(ok('ok'));
  });
});

describe('displayCustomValue', () => {
  it('shows booleans as Yes/No and everything else as stored', () => {
    expect(displayCustomValue('boolean', 'true')).toBe('Yes');
    expect(displayCustomValue('boolean', 'false')).toBe('No');
    expect(displayCustomValue('number', '1234.5')).toBe('1234.5');
    expect(displayCustomValue('text', null)).toBe('');
  });
});
