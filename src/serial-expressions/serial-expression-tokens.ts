import type { FieldError } from '../shared/errors.js';

/** A problem with the expression, as the preview and the save paths list it. */
export const err = (code: string, message: string): FieldError => ({ field: 'expression', code, message });

/** One item as written: a run of text between separators, or a quoted serial. */
export interface Token {
  text: string;
  quoted: boolean;
  /** A comma (not only spaces) separates this token from the one before. */
  commaBefore: boolean;
}

// Separators: commas and whitespace. U+FEFF is no separator (JavaScript's \s would take it), so a byte-order
// mark stays inside its serial and is refused there with a reason.
const SPACE = /[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

export function tokenize(text: string, errors: FieldError[]): Token[] {
  const tokens: Token[] = [];
  let comma = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ',') {
      comma = true;
      i++;
      continue;
    }
    if (SPACE.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      // "…" is one literal serial; "" inside stands for one double quote.
      let value = '';
      let j = i + 1;
      let closed = false;
      while (j < text.length) {
        if (text[j] === '"') {
          if (text[j + 1] === '"') {
            value += '"';
            j += 2;
            continue;
          }
          closed = true;
          j++;
          break;
        }
        value += text[j];
        j++;
      }
      if (!closed) {
        errors.push(
          err(
            'unclosed_quote',
            `The quote before "${value.slice(0, 20)}" is not closed. End the serial with ".`,
          ),
        );
      } else if (j < text.length && text[j] !== ',' && !SPACE.test(text[j]!)) {
        errors.push(
          err(
            'text_after_quote',
            `"${value}" is followed by text right after its closing quote. Put the whole serial inside the quotes.`,
          ),
        );
        while (j < text.length && text[j] !== ',' && !SPACE.test(text[j]!)) j++;
      } else tokens.push({ text: value, quoted: true, commaBefore: comma });
      comma = false;
      i = j;
      continue;
    }
    let j = i;
    while (j < text.length && text[j] !== ',' && !SPACE.test(text[j]!)) j++;
    tokens.push({ text: text.slice(i, j), quoted: false, commaBefore: comma });
    comma = false;
    i = j;
  }
  return tokens;
}

export const isRangeOperator = (t: Token | undefined) =>
  t !== undefined && !t.quoted && (t.text === '-' || t.text === '..');
