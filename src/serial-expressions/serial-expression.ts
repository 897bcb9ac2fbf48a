import type { FieldError } from '../shared/errors.js';

/** The most serials one expression may produce: a guard against a typo like 1-99999999. */
export const MAX_EXPANDED = 100_000;

export interface ExpandOptions {
  /** The number of serials expected (units received, sold…); enables `S+` and the literal rule. */
  quantity?: number | undefined;
  /** The serial `~` continues from (the item's latest serial). */
  after?: string | null | undefined;
}

export type ExpandResult = { ok: true; serials: string[] } | { ok: false; errors: FieldError[] };

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

/** The value `steps` after `value`: the last run of digits grows and keeps its width ("009" → "010", "99" → "100"). */
export function incrementSerial(value: string, steps = 1): string | null {
  const parts = splitLastNumber(value);
  if (!parts) return null;
  const next = (BigInt(parts.digits) + BigInt(steps)).toString();
  return `${parts.prefix}${next.padStart(parts.digits.length, '0')}${parts.suffix}`;
}

function sequence(start: string, count: number): string[] {
  const parts = splitLastNumber(start)!;
  const base = BigInt(parts.digits);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(
      `${parts.prefix}${(base + BigInt(i)).toString().padStart(parts.digits.length, '0')}${parts.suffix}`,
    );
  }
  return out;
}

/** Finds a range "L-R" whose two ends differ only in the last run of digits ("AB01-AB03", "SN-001-SN-010"). */
function parseRange(token: string): { from: string; count: bigint } | null {
  for (let i = token.indexOf('-'); i > 0 && i < token.length - 1; i = token.indexOf('-', i + 1)) {
    const left = splitLastNumber(token.slice(0, i));
    const rightText = token.slice(i + 1);
    // "SN100-199": a bare number on the right keeps the left's prefix and suffix.
    const right =
      /^\d+$/.test(rightText) && left ? { ...left, digits: rightText } : splitLastNumber(rightText);
    if (left && right && left.prefix === right.prefix && left.suffix === right.suffix) {
      return { from: token.slice(0, i), count: BigInt(right.digits) - BigInt(left.digits) + 1n };
    }
  }
  return null;
}

const err = (code: string, message: string): FieldError => ({ field: 'expression', code, message });

/**
 * Expands a serial expression into the exact list of serials. Items are separated by commas, spaces or new
 * lines. `A-B` is a range keeping prefix and zero padding; `S+N` is S and the N values after it; `S+` fills
 * the remaining quantity; `~` is the value after `after`. When the number of items equals the expected
 * quantity every item is taken literally, so serials such as "AF5-69H" or MAC addresses are never mangled;
 * `~` and `S+` still expand. Every problem is reported at once: duplicates, bad ranges, a count that does
 * not match the quantity.
 */
export function expandSerialExpression(expression: string, options: ExpandOptions = {}): ExpandResult {
  const tokens = expression.split(/[\s,]+/).filter((t) => t !== '');
  const { quantity } = options;
  const errors: FieldError[] = [];
  if (tokens.length === 0) return { ok: false, errors: [err('empty', 'Enter at least one serial number.')] };
  if (quantity !== undefined && (!Number.isInteger(quantity) || quantity < 1)) {
    return { ok: false, errors: [err('bad_quantity', 'The quantity must be a whole number of at least 1.')] };
  }

  // As many items as the quantity: each is a serial as typed ("AF5-69H", a MAC address), except `~` and
  // `S+`, which are never real serials and always expand.
  const literal = quantity !== undefined && tokens.length === quantity;
  const serials: string[] = [];
  // Items refused for a bad start or a reversed range still count what they meant to make, so the count
  // against the quantity can be reported with the other problems without being thrown off by them.
  let refusedCount = 0;
  // A fill that could not be read has no size of its own: the count says nothing then.
  let unreadableFill = false;
  let fillToken: string | null = null;
  const fillIndex: number[] = [];
  const resolveStart = (start: string, token: string): string | null => {
    if (start !== '~') {
      if (!splitLastNumber(start)) {
        errors.push(err('no_number', `"${token}": "${start}" has no number to count from.`));
        return null;
      }
      return start;
    }
    if (!options.after) {
      errors.push(
        err('no_previous', `"${token}": "~" continues from the item's latest serial, and there is none yet.`),
      );
      return null;
    }
    const next = incrementSerial(options.after);
    if (!next)
      errors.push(
        err('no_number', `"${token}": the latest serial "${options.after}" has no number to continue.`),
      );
    return next;
  };

  for (const token of tokens) {
    const plus = /^(.+)\+(\d*)$/.exec(token);
    const alwaysExpands = token === '~' || (plus !== null && (plus[2] === '' || plus[1] === '~'));
    if (literal && !alwaysExpands) {
      serials.push(token);
      continue;
    }
    if (plus) {
      const start = resolveStart(plus[1]!, token);
      if (plus[2] === '') {
        if (quantity === undefined) {
          errors.push(
            err(
              'fill_without_quantity',
              `"${token}": "+" alone fills the remaining quantity, but no quantity is given.`,
            ),
          );
        } else if (fillToken !== null) {
          errors.push(
            err('two_fills', `"${fillToken}" and "${token}" both fill the remaining quantity; use one.`),
          );
        } else if (start) {
          fillToken = start;
          fillIndex.push(serials.length);
        } else unreadableFill = true;
        continue;
      }
      const extra = Number(plus[2]);
      if (extra + 1 > MAX_EXPANDED) {
        errors.push(err('too_many', `"${token}" would make more than ${MAX_EXPANDED} serials.`));
        refusedCount += extra + 1;
      } else if (start) serials.push(...sequence(start, extra + 1));
      else refusedCount += extra + 1;
      continue;
    }
    if (token === '~') {
      const start = resolveStart('~', token);
      if (start) serials.push(start);
      else refusedCount += 1;
      continue;
    }
    const range = parseRange(token);
    if (range) {
      if (range.count < 1n) {
        errors.push(
          err('bad_range', `"${token}": the range ends before it starts. Write the lower value first.`),
        );
        refusedCount += Number(2n - range.count); // "SN5-SN1" means the 5 serials SN1-SN5
      } else if (range.count > BigInt(MAX_EXPANDED)) {
        errors.push(err('too_many', `"${token}" would make more than ${MAX_EXPANDED} serials.`));
        refusedCount += Number(range.count);
      } else serials.push(...sequence(range.from, Number(range.count)));
      continue;
    }
    serials.push(token);
  }

  if (fillToken !== null && quantity !== undefined) {
    const others = serials.length + refusedCount;
    const remaining = quantity - others;
    if (remaining < 1) {
      errors.push(
        err(
          'nothing_to_fill',
          `"${fillToken}+" has nothing to fill: the other items already make ${others} of ${quantity}.`,
        ),
      );
    } else {
      serials.splice(fillIndex[0]!, 0, ...sequence(fillToken, remaining));
    }
  }
  if (serials.length > MAX_EXPANDED) {
    errors.push(
      err('too_many', `The expression makes ${serials.length} serials; the most at once is ${MAX_EXPANDED}.`),
    );
  }
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const s of serials) {
    if (seen.has(s)) duplicates.add(s);
    seen.add(s);
  }
  for (const d of [...duplicates].slice(0, 50)) {
    errors.push(err('duplicate', `"${d}" appears more than once.`));
  }
  if (duplicates.size > 50) errors.push(err('duplicate', `…and ${duplicates.size - 50} more duplicates.`));
  const made = serials.length + refusedCount;
  if (quantity !== undefined && !unreadableFill && made !== quantity) {
    errors.push(
      err('count_mismatch', `The expression makes ${made} serial(s) but the quantity is ${quantity}.`),
    );
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, serials };
}
