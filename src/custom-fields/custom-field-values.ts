import { isValidIsoDate } from '../shared/time.js';

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'boolean', 'choice'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export const isCustomFieldType = (v: string): v is CustomFieldType =>
  (CUSTOM_FIELD_TYPES as readonly string[]).includes(v);

/** What parsing needs of a definition: its type and, for a choice list, the choices. */
export interface CustomFieldShape {
  type: CustomFieldType;
  choices: readonly string[] | null;
}

export type ParsedCustomValue = { ok: true; value: string | null } | { ok: false; message: string };

export const MAX_TEXT_VALUE = 1000;
const MAX_NUMBER_DIGITS = 30;

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);

/**
 * Turns what a person or a spreadsheet wrote into the canonical text stored for a field, or says why it
 * cannot. Empty (after trimming) is `null`: no value. Canonical forms make equal values equal text, so
 * filtering is an exact match on the (field_id, value) index:
 * - number: plain decimal, no exponent; `1,234.5` is accepted only with proper thousands groups, because a
 *   lone comma (`1,5`) is a decimal comma in half the world's spreadsheets and guessing would corrupt data.
 *   Leading zeros, a leading `+` and trailing decimal zeros are dropped (`+007.50` → `7.5`).
 * - date: YYYY-MM-DD only; `3/4/2026` means different days in different locales, so it is refused.
 * - boolean: yes/no, true/false, y/n, 1/0 in any case → `true` / `false`.
 * - choice: one of the choices, matched ignoring case, stored as the choice is spelled.
 */
export function parseCustomValue(def: CustomFieldShape, raw: string): ParsedCustomValue {
  const v = raw.trim();
  if (v === '') return { ok: true, value: null };
  switch (def.type) {
    case 'text':
      return v.length > MAX_TEXT_VALUE
        ? { ok: false, message: `Text is limited to ${MAX_TEXT_VALUE} characters.` }
        : { ok: true, value: v };
    case 'number':
      return parseNumber(v);
    case 'date':
      return isValidIsoDate(v)
        ? { ok: true, value: v }
        : { ok: false, message: `"${v}" is not a date; use YYYY-MM-DD (e.g. 2026-03-14).` };
    case 'boolean': {
      const word = v.toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: 'true' };
      if (FALSE_WORDS.has(word)) return { ok: true, value: 'false' };
      return { ok: false, message: `"${v}" is not yes or no; use yes/no, true/false, y/n or 1/0.` };
    }
    case 'choice': {
      const choices = def.choices ?? [];
      const match = choices.find((c) => c === v) ?? choices.find((c) => c.toLowerCase() === v.toLowerCase());
      return match !== undefined
        ? { ok: true, value: match }
        : { ok: false, message: `"${v}" is not one of the choices: ${choices.join(', ')}.` };
    }
  }
}

function parseNumber(v: string): ParsedCustomValue {
  let s = v;
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) {
    const hint = /^[+-]?\d+,\d+$/.test(v)
      ? ' Use a point for decimals (1.5); commas only group thousands (1,234.5).'
      : '';
    return { ok: false, message: `"${v}" is not a number.${hint}` };
  }
  const intPart = (m[2] ?? '').replace(/^0+/, '') || '0';
  const fracPart = (m[3] ?? '').replace(/0+$/, '');
  if (intPart.length + fracPart.length > MAX_NUMBER_DIGITS) {
    return { ok: false, message: `"${v}" has more than ${MAX_NUMBER_DIGITS} digits.` };
  }
  const isZero = intPart === '0' && fracPart === '';
  const sign = m[1] === '-' && !isZero ? '-' : '';
  return { ok: true, value: `${sign}${intPart}${fracPart ? `.${fracPart}` : ''}` };
}

/** How a stored canonical value reads to a person (booleans as Yes/No); other types read as stored. */
export function displayCustomValue(type: string, value: string | null): string {
  if (value === null) return '';
  if (type === 'boolean') return value === 'true' ? 'Yes' : 'No';
  return value;
}
