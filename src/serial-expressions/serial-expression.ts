import { invalid, type AppError, type FieldError } from '../shared/errors.js';
import { checkSerialNumber } from '../serials/serial-numbers.js';
import { err, isRangeOperator, tokenize, type Token } from './serial-expression-tokens.js';

/** The most serials one expression may produce: a guard against a typo like 1..99999999. */
export const MAX_EXPANDED = 100_000;
/** Problems listed at most; the rest are counted in one last line. */
const MAX_ERRORS = 100;

export interface ExpandOptions {
  /** The number of serials expected (units received, sold…); enables `S+` and the count check. */
  quantity?: number | undefined;
  /** The serial `~` continues from (the item's latest serial). */
  after?: string | null | undefined;
}

export type ExpandResult =
  | {
      ok: true;
      serials: string[];
      /** The last serial a `~` made: where a later `~` of the same entry continues (null without `~`). */
      lastNext: string | null;
      /** Positions in `serials` of the values a `~` made (a client marks them to be made again on save). */
      continuedAt: number[];
    }
  | { ok: false; errors: FieldError[] };

interface NumberedValue {
  prefix: string;
  digits: string;
  suffix: string;
}

/** Splits a value at its last run of digits: "SN-009B" → { "SN-", "009", "B" }. */
export function splitLastNumber(value: string): NumberedValue | null {
  const m = /^(.*?)(\d+)(\D*)$/.exec(value);
  if (!m) return null;
  return { prefix: m[1]!, digits: m[2]!, suffix: m[3]! };
}

const formatNumbered = (p: NumberedValue, n: bigint) =>
  `${p.prefix}${n.toString().padStart(p.digits.length, '0')}${p.suffix}`;

/** The value `steps` after `value`: the last run of digits grows and keeps its width ("009" → "010", "99" → "100"). */
export function incrementSerial(value: string, steps = 1): string | null {
  const parts = splitLastNumber(value);
  return parts ? formatNumbered(parts, BigInt(parts.digits) + BigInt(steps)) : null;
}

/** Where a count starts: a serial, or `~` (after the item's latest serial). */
type Start = { serial: NumberedValue } | { next: true };

/** One item of an expression, as read; `size` is how many serials it makes (a fill's is known only later). */
export type ExpressionItem =
  | { kind: 'literal'; token: string; value: string }
  | { kind: 'next'; token: string }
  | { kind: 'sequence'; token: string; start: Start; size: bigint }
  | { kind: 'fill'; token: string; start: Start };

/** A read expression: its items and how many serials it makes, known before any serial is made. */
export interface SerialExpressionPlan {
  items: ExpressionItem[];
  total: number;
  /** Serials the one `S+` item fills (0 without one). */
  fillSize: number;
  /** Whether some item continues from the item's latest serial (`~`), so `after` is needed to expand. */
  usesNext: boolean;
  /** Whether any item is more than itself (a range, a count, a fill, `~`): the user should confirm the result. */
  expands: boolean;
}

const quoteHint = (token: string) => `If "${token}" is one serial, put it in double quotes: "${token}".`;

/**
 * A range from `left` to `right` whose ends differ only in their last number. `WID-100..200` (no `-` spaced
 * form) may shorten the right end to the bare number when the left end ends in that number; a bare number never
 * borrows the left's suffix ("TG4SR..92" is refused, not read as TG4SR…TG92SR).
 */
function readRange(
  token: string,
  leftText: string,
  rightText: string,
  shortRight: boolean,
  errors: FieldError[],
): ExpressionItem | null {
  if (leftText === '' || rightText === '') {
    errors.push(
      err(
        'range_end_missing',
        `"${token}": a range needs a serial on both sides of "..", e.g. SN100..SN199.`,
      ),
    );
    return null;
  }
  for (const end of [leftText, rightText]) {
    const checked = checkSerialNumber(end);
    if (!checked.ok) {
      errors.push(err(checked.code, `"${token}": ${checked.message}`));
      return null;
    }
  }
  const left = splitLastNumber(leftText);
  if (!left) {
    errors.push(err('no_number', `"${token}": a range counts a number up, and "${leftText}" has none.`));
    return null;
  }
  let right: NumberedValue | null;
  const bareRight = shortRight && /^\d+$/.test(rightText);
  if (bareRight) {
    if (left.suffix !== '') {
      errors.push(
        err(
          'range_short_end',
          `"${token}": write the whole last serial (${left.prefix}${rightText}${left.suffix}); a bare number on the right never takes "${left.suffix}" from the left.`,
        ),
      );
      return null;
    }
    right = { prefix: left.prefix, digits: rightText, suffix: '' };
  } else right = splitLastNumber(rightText);
  if (!right || right.prefix !== left.prefix || right.suffix !== left.suffix) {
    errors.push(
      err(
        'range_shape',
        `"${token}": both ends of a range must be the same serial apart from their last number (SN100..SN199). ${quoteHint(token)}`,
      ),
    );
    return null;
  }
  const from = BigInt(left.digits);
  const to = BigInt(right.digits);
  if (to < from) {
    errors.push(
      err(
        'bad_range',
        `"${token}": the range ends before it starts. Write the lower serial first: ${rightText}..${leftText}.`,
      ),
    );
    return null;
  }
  const last = formatNumbered(left, to);
  if (!bareRight && last !== rightText) {
    errors.push(
      err(
        'range_width',
        `"${token}": counting from ${leftText} reaches ${last}, not ${rightText}. Write both ends with the same number of digits.`,
      ),
    );
    return null;
  }
  return { kind: 'sequence', token, start: { serial: left }, size: to - from + 1n };
}

function readStart(token: string, start: string, errors: FieldError[]): Start | null {
  if (start === '~') return { next: true };
  const checked = checkSerialNumber(start);
  if (!checked.ok) {
    errors.push(err(checked.code, `"${token}": ${checked.message}`));
    return null;
  }
  const parts = splitLastNumber(start);
  if (!parts) {
    errors.push(err('no_number', `"${token}": "${start}" has no number to count from. ${quoteHint(token)}`));
    return null;
  }
  return { serial: parts };
}

/** One token that is not part of a spaced range. */
function readToken(t: Token, errors: FieldError[]): ExpressionItem | null {
  const token = t.text;
  if (t.quoted) {
    const checked = checkSerialNumber(token);
    if (!checked.ok) {
      errors.push(err(checked.code, checked.message));
      return null;
    }
    return { kind: 'literal', token, value: checked.serial };
  }
  if (token === '~') return { kind: 'next', token };
  if (token === '-' || token === '..' || token === '+') {
    errors.push(
      err(
        'lone_operator',
        token === '+'
          ? '"+" on its own is not a serial. Write it against its serial: SN100+4 is SN100 and the 4 after it, SN100+ fills the quantity.'
          : `"${token}" on its own is not a serial. For a range put it between two serials of the same form with spaces on both sides (SN100 - SN199), or write SN100..SN199.`,
      ),
    );
    return null;
  }
  const plus = /^(.+)\+(\d*)$/.exec(token);
  if (plus && !plus[1]!.includes('+')) {
    const start = readStart(token, plus[1]!, errors);
    if (!start) return null;
    return plus[2] === ''
      ? { kind: 'fill', token, start }
      : { kind: 'sequence', token, start, size: BigInt(plus[2]!) + 1n };
  }
  if (token.includes('+')) {
    errors.push(
      err(
        'bad_plus',
        `"${token}": "+" counts on from a serial: SN100+4 is SN100 and the 4 after it, SN100+ fills the quantity. ${quoteHint(token)}`,
      ),
    );
    return null;
  }
  const dots = token.indexOf('..');
  if (dots !== -1) {
    const right = token.slice(dots + 2);
    if (right.includes('..')) {
      errors.push(err('range_shape', `"${token}": a range has one "..". ${quoteHint(token)}`));
      return null;
    }
    return readRange(token, token.slice(0, dots), right, true, errors);
  }
  if (token.length > 1 && (token.startsWith('-') || token.endsWith('-'))) {
    errors.push(
      err(
        'dangling_dash',
        `"${token}": a serial does not start or end with "-". For a range put spaces on both sides of the "-" (SN100 - SN199) or write SN100..SN199. ${quoteHint(token)}`,
      ),
    );
    return null;
  }
  const checked = checkSerialNumber(token);
  if (!checked.ok) {
    errors.push(err(checked.code, checked.message));
    return null;
  }
  return { kind: 'literal', token, value: checked.serial };
}

function capErrors(errors: FieldError[]): FieldError[] {
  if (errors.length <= MAX_ERRORS) return errors;
  return [
    ...errors.slice(0, MAX_ERRORS),
    err('more_problems', `…and ${errors.length - MAX_ERRORS} more problems. Fix the ones above first.`),
  ];
}

/**
 * Reads an expression and counts the serials it makes, without making any: the count is checked against the
 * limit (and the quantity) first, so a huge expression is refused in milliseconds.
 */
export function parseSerialExpression(
  expression: string,
  options: { quantity?: number | undefined } = {},
): { ok: true; plan: SerialExpressionPlan } | { ok: false; errors: FieldError[] } {
  const { quantity } = options;
  if (quantity !== undefined && (!Number.isInteger(quantity) || quantity < 1)) {
    return { ok: false, errors: [err('bad_quantity', 'The quantity must be a whole number of at least 1.')] };
  }
  const errors: FieldError[] = [];
  const tokens = tokenize(expression.normalize('NFC'), errors);
  if (tokens.length === 0 && errors.length === 0)
    return { ok: false, errors: [err('empty', 'Enter at least one serial number.')] };

  const items: ExpressionItem[] = [];
  let unreadable = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const op = tokens[i + 1];
    const right = tokens[i + 2];
    // "SN100 - SN199": a spaced "-" (or "..") between two serials, with no comma between them, is a range.
    if (
      !t.quoted &&
      !isRangeOperator(t) &&
      isRangeOperator(op) &&
      !op!.commaBefore &&
      right !== undefined &&
      !right.commaBefore &&
      !right.quoted &&
      !isRangeOperator(right)
    ) {
      const item = readRange(`${t.text} ${op!.text} ${right.text}`, t.text, right.text, false, errors);
      if (item) items.push(item);
      else unreadable++;
      i += 2;
      continue;
    }
    const item = readToken(t, errors);
    if (item) items.push(item);
    else unreadable++;
  }

  const fills = items.filter((i) => i.kind === 'fill');
  if (fills.length > 1)
    errors.push(
      err(
        'two_fills',
        `"${fills[0]!.token}" and "${fills[1]!.token}" both fill the remaining quantity; use one.`,
      ),
    );
  if (fills.length > 0 && quantity === undefined)
    errors.push(
      err(
        'fill_without_quantity',
        `"${fills[0]!.token}": "+" at the end fills the remaining quantity, but no quantity is given. Write a count instead (${fills[0]!.token}4).`,
      ),
    );
  // Counted with BigInt before anything is made: 1..99999999999999999999 is one item, not a loop.
  let others = 0n;
  for (const item of items) others += item.kind === 'sequence' ? item.size : item.kind === 'fill' ? 0n : 1n;
  let fillSize = 0;
  if (fills.length === 1 && quantity !== undefined && unreadable === 0) {
    if (BigInt(quantity) - others < 1n) {
      errors.push(
        err(
          'nothing_to_fill',
          `"${fills[0]!.token}" has nothing to fill: the other items already make ${others} of ${quantity}.`,
        ),
      );
    } else fillSize = quantity - Number(others);
  }
  const total = others + BigInt(fillSize);
  if (total > BigInt(MAX_EXPANDED)) {
    errors.push(
      err(
        'too_many_serials',
        `The expression makes ${total.toLocaleString('en')} serials; at most ${MAX_EXPANDED.toLocaleString('en')} can be entered at once. Enter them in smaller parts.`,
      ),
    );
  } else if (quantity !== undefined && unreadable === 0 && fills.length === 0 && total !== BigInt(quantity)) {
    errors.push(
      err(
        'count_mismatch',
        `The expression makes ${total} serial(s) but the quantity is ${quantity}. Add or remove serials, or change the quantity.`,
      ),
    );
  }
  if (errors.length > 0) return { ok: false, errors: capErrors(errors) };
  const usesNext = items.some(
    (i) => i.kind === 'next' || ((i.kind === 'sequence' || i.kind === 'fill') && 'next' in i.start),
  );
  const expands = items.some((i) => i.kind !== 'literal');
  return { ok: true, plan: { items, total: Number(total), fillSize, usesNext, expands } };
}

/**
 * Makes the serials of a read expression, in the order written. Each `~` takes the next value after the one
 * before it (`~, ~, ~` after 99 is 100, 101, 102), starting after `after`.
 */
export function expandSerialPlan(plan: SerialExpressionPlan, after?: string | null): ExpandResult {
  const errors: FieldError[] = [];
  let cursor: NumberedValue | null = null;
  if (plan.usesNext) {
    if (!after) {
      return {
        ok: false,
        errors: [
          err(
            'no_previous',
            '"~" continues from the item\'s latest serial, and there is none yet. Type the first serial instead.',
          ),
        ],
      };
    }
    cursor = splitLastNumber(after);
    if (!cursor)
      return {
        ok: false,
        errors: [
          err(
            'no_number',
            `"~": the latest serial "${after}" has no number to continue from. Type the serials.`,
          ),
        ],
      };
  }
  const serials: string[] = [];
  const continuedAt: number[] = [];
  const run = (start: Start, size: number, token: string) => {
    let from: NumberedValue;
    let first: bigint;
    if ('next' in start) {
      from = cursor!;
      first = BigInt(cursor!.digits) + 1n;
    } else {
      from = start.serial;
      first = BigInt(from.digits);
    }
    for (let k = 0n; k < BigInt(size); k++) serials.push(formatNumbered(from, first + k));
    const last = serials.at(-1);
    if ('next' in start) {
      for (let k = serials.length - size; k < serials.length; k++) continuedAt.push(k);
    }
    if ('next' in start)
      cursor = { ...from, digits: (first + BigInt(size) - 1n).toString().padStart(from.digits.length, '0') };
    // Counting up may carry the serial past the length limit (99 → 100): the last one is the longest.
    const checked = last === undefined ? null : checkSerialNumber(last);
    if (checked && !checked.ok) errors.push(err(checked.code, `"${token}": ${checked.message}`));
  };
  for (const item of plan.items) {
    if (item.kind === 'literal') serials.push(item.value);
    else if (item.kind === 'next') run({ next: true }, 1, item.token);
    else if (item.kind === 'sequence') run(item.start, Number(item.size), item.token);
    else run(item.start, plan.fillSize, item.token);
  }
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const s of serials) {
    if (seen.has(s)) duplicates.add(s);
    seen.add(s);
  }
  for (const d of duplicates)
    errors.push(err('duplicate', `"${d}" appears more than once. Remove the repeated serial or range.`));
  if (errors.length > 0) return { ok: false, errors: capErrors(errors) };
  const end: NumberedValue | null = cursor;
  return {
    ok: true,
    serials,
    continuedAt,
    lastNext: end === null ? null : `${end.prefix}${end.digits}${end.suffix}`,
  };
}

/**
 * Expands a serial expression into the exact list of serials (the grammar is in the README: one token is one
 * serial, dashes and all; ranges are `A..B` or `A - B` with spaces; `S+N`, `S+`, `~`). Every problem is
 * reported at once.
 */
export function expandSerialExpression(expression: string, options: ExpandOptions = {}): ExpandResult {
  const parsed = parseSerialExpression(expression, { quantity: options.quantity });
  if (!parsed.ok) return parsed;
  return expandSerialPlan(parsed.plan, options.after);
}

/**
 * The 422 for an expression that cannot be read: TOO_MANY_SERIALS when it is over the limit (a client can
 * tell that from a typo), BAD_SERIAL_EXPRESSION otherwise; every problem is listed either way.
 */
export function serialExpressionError(errors: FieldError[], field = 'expression'): AppError {
  const tooMany = errors.find((e) => e.code === 'too_many_serials');
  const placed = errors.map((e) => ({ ...e, field }));
  return tooMany
    ? invalid('TOO_MANY_SERIALS', tooMany.message, placed)
    : invalid('BAD_SERIAL_EXPRESSION', `The serial expression has ${errors.length} problem(s).`, placed);
}
