import { describe, expect, it } from 'vitest';
import { checkSerialNumber, checkSerialNumbers, normalizeSerialNumber } from './serial-numbers.js';

const codeOf = (s: string) => {
  const r = checkSerialNumber(s);
  return r.ok ? 'ok' : r.code;
};

describe('serial numbers', () => {
  it('trims but keeps case', () => {
    expect(normalizeSerialNumber('  AbC-1 \t')).toBe('AbC-1');
    expect(checkSerialNumbers(['ab1', 'AB1']).errors).toEqual([]);
  });

  it('normalises to NFC, so the two ways of writing Ä are one serial', () => {
    expect(normalizeSerialNumber('A\u0308-1')).toBe('\u00c4-1');
    const { errors } = checkSerialNumbers(['\u00c4-1', 'A\u0308-1']);
    expect(errors.map((e) => e.code)).toEqual(['duplicate_in_list']);
  });

  it('takes dashes, colons, dots, slashes and inner spaces as part of the serial', () => {
    for (const s of ['WID-100-0200', '00:1A:2B:3C:4D:5E', '1.2.3', 'A/B', 'two words', '+1', '-', '~'])
      expect(checkSerialNumber(s)).toEqual({ ok: true, serial: s });
  });

  it('refuses control and invisible characters (Cc, Cf, Zl, Zp) and lone surrogates, saying where', () => {
    expect(codeOf('x\ty')).toBe('control_character');
    expect(codeOf('x\u0000y')).toBe('control_character');
    expect(codeOf('x\u0085y')).toBe('control_character');
    for (const c of [
      '\u200b',
      '\u200c',
      '\u200d',
      '\u200e',
      '\u200f',
      '\u202a',
      '\u202e',
      '\u2066',
      '\u2069',
    ])
      expect(codeOf(`SN${c}9`)).toBe('invisible_character');
    expect(codeOf('SN\u00ad9')).toBe('invisible_character');
    expect(codeOf('SN\u20609')).toBe('invisible_character');
    expect(codeOf('SN\u20289')).toBe('invisible_character');
    expect(codeOf('SN\u20299')).toBe('invisible_character');
    expect(codeOf('\ufeffSN9')).toBe('invisible_character');
    expect(codeOf('SN9\ufeff')).toBe('invisible_character');
    expect(codeOf('x\ud800y')).toBe('broken_character');
    expect(codeOf('x\udc00')).toBe('broken_character');
    expect(codeOf('emoji 😀')).toBe('ok');
    const r = checkSerialNumber('SN\u200b9');
    expect(!r.ok && r.message).toBe(
      'Serial "SN[U+200B]9": character 3 is a zero-width space (U+200B), which cannot be seen and would make a different serial from the one printed. Delete it and type the serial again (it usually comes from copying out of a web page, a document or a spreadsheet).',
    );
  });

  it('counts length in characters: 100 fit, 101 do not', () => {
    expect(codeOf('z'.repeat(100))).toBe('ok');
    expect(codeOf('😀'.repeat(100))).toBe('ok');
    expect(codeOf('z'.repeat(101))).toBe('too_long');
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
