import type { FieldError } from '../shared/errors.js';

/** At most this many characters (Unicode code points, as PostgreSQL counts them). */
export const MAX_SERIAL_LENGTH = 100;

// Whitespace around a serial is dropped (a scanner's trailing tab, a pasted line break); U+FEFF is not in this
// list although JavaScript's trim() removes it, so a byte-order mark is refused with a reason instead.
const EDGE_SPACE =
  /^[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/**
 * The form a serial number is stored, compared and looked up in: surrounding whitespace removed and Unicode
 * NFC, so "Ä" typed as one character or as A + combining diaeresis is one serial. Case is kept: "ab1" and
 * "AB1" are two serials (manufacturers' serials are case-significant often enough, and folding case could
 * merge two real units).
 */
export function normalizeSerialNumber(raw: string): string {
  return raw.replace(EDGE_SPACE, '').normalize('NFC');
}

export type SerialCheck = { ok: true; serial: string } | { ok: false; code: string; message: string };

const CHARACTER_NAMES: Record<number, string> = {
  0x00: 'a NUL character',
  0x09: 'a tab',
  0x0a: 'a line break',
  0x0d: 'a carriage return',
  0x1b: 'an escape character',
  0x7f: 'a delete character',
  0xad: 'a soft hyphen',
  0x200b: 'a zero-width space',
  0x200c: 'a zero-width non-joiner',
  0x200d: 'a zero-width joiner',
  0x200e: 'a left-to-right mark',
  0x200f: 'a right-to-left mark',
  0x2028: 'a line separator',
  0x2029: 'a paragraph separator',
  0x2060: 'a word joiner',
  0xfeff: 'a byte-order mark (zero-width no-break space)',
};

/** Control (Cc), format (Cf: zero-width and bidi marks…), line and paragraph separators (Zl, Zp). */
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]$/u;

const PRINTABLE_ASCII = /^[!-~](?:[ -~]*[!-~])?$/;

const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

function describeCharacter(cp: number): string {
  const name = CHARACTER_NAMES[cp];
  if (name) return name;
  if (cp >= 0xd800 && cp <= 0xdfff) return 'half of a broken character (a lone surrogate)';
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return 'a text-direction control';
  return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? 'a control character' : 'an invisible formatting character';
}

/**
 * The one rule of what a serial number may be, used by the expression preview, every save path (Add Serial,
 * receiving, sales and returns, import, renumber) and lookup: 1 to 100 characters after normalising
 * (see normalizeSerialNumber), no control or invisible characters, no broken UTF-16. Every refusal says which
 * character, where, and what to do.
 */
export function checkSerialNumber(raw: string): SerialCheck {
  // Most serials are printable ASCII: already NFC, nothing invisible, one character per code unit. The import
  // calls this a million times.
  if (PRINTABLE_ASCII.test(raw) && raw.length <= MAX_SERIAL_LENGTH) return { ok: true, serial: raw };
  const serial = normalizeSerialNumber(raw);
  if (serial === '')
    return { ok: false, code: 'empty', message: 'The serial number is empty. Type a serial number.' };
  const bad = findInvisibleCharacter(serial);
  if (bad) return { ok: false, ...bad };
  const length = [...serial].length;
  if (length > MAX_SERIAL_LENGTH) {
    return {
      ok: false,
      code: 'too_long',
      message: `Serial "${[...serial].slice(0, 20).join('')}…" has ${length} characters; a serial number has at most ${MAX_SERIAL_LENGTH}. Check that two serials did not run together.`,
    };
  }
  return { ok: true, serial };
}

/** The first control, invisible or broken character of a (normalised) text, described for the user; or null. */
export function findInvisibleCharacter(serial: string): { code: string; message: string } | null {
  let position = 0;
  for (const ch of serial) {
    position++;
    const cp = ch.codePointAt(0)!;
    const lone = cp >= 0xd800 && cp <= 0xdfff;
    if (!lone && !INVISIBLE.test(ch)) continue;
    const shown = [...serial].map((c) => (c === ch ? `[${hex(cp)}]` : c)).join('');
    return {
      code: lone ? 'broken_character' : /\p{Cc}/u.test(ch) ? 'control_character' : 'invisible_character',
      message: `Serial "${shown}": character ${position} is ${describeCharacter(cp)} (${hex(cp)}), which cannot be seen and would make a different serial from the one printed. Delete it and type the serial again (it usually comes from copying out of a web page, a document or a spreadsheet).`,
    };
  }
  return null;
}

/** Checks a list of serial numbers as typed; returns every problem at once, by position. */
export function checkSerialNumbers(raw: readonly string[]): { serials: string[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  const serials = raw.map((value, i) => {
    const checked = checkSerialNumber(value);
    const field = `serials[${i}]`;
    if (!checked.ok) {
      errors.push({
        field,
        code: checked.code,
        message: raw.length > 1 ? `Line ${i + 1}: ${checked.message}` : checked.message,
      });
      return normalizeSerialNumber(value);
    }
    const s = checked.serial;
    if (seen.has(s)) {
      errors.push({
        field,
        code: 'duplicate_in_list',
        message: `"${s}" appears more than once in the list (lines ${seen.get(s)! + 1} and ${i + 1}). Remove one.`,
      });
    } else {
      seen.set(s, i);
    }
    return s;
  });
  return { serials, errors };
}
