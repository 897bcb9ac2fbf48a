import type { FieldError } from '../shared/errors.js';

export const MAX_SERIAL_LENGTH = 100;

/**
 * Serial numbers are compared after trimming surrounding whitespace and are case-sensitive: "ab1" and
 * "AB1" are two different serials (manufacturers' serials are case-significant often enough, and a
 * case-folding rule could merge two real units).
 */
export function normalizeSerialNumber(raw: string): string {
  return raw.trim();
}

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Checks a list of serial numbers as typed; returns every problem at once, by position. */
export function checkSerialNumbers(raw: readonly string[]): { serials: string[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  const serials = raw.map((value, i) => {
    const s = normalizeSerialNumber(value);
    const field = `serials[${i}]`;
    if (s === '') {
      errors.push({
        field,
        code: 'empty',
        message: `Line ${i + 1}: the serial number is empty. Type a serial number.`,
      });
    } else if (s.length > MAX_SERIAL_LENGTH) {
      errors.push({
        field,
        code: 'too_long',
        message: `"${s.slice(0, 20)}…" is longer than ${MAX_SERIAL_LENGTH} characters.`,
      });
    } else if (hasControlCharacter(s)) {
      errors.push({
        field,
        code: 'control_character',
        message: `"${s}" contains a control character (tab, newline…). Remove it.`,
      });
    } else if (seen.has(s)) {
      errors.push({
        field,
        code: 'duplicate_in_list',
        message: `"${s}" appears more than once in the list (lines ${seen.get(s)! + 1} and ${i + 1}).`,
      });
    } else {
      seen.set(s, i);
    }
    return s;
  });
  return { serials, errors };
}
