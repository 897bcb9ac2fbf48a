import type { FastifyInstance } from 'fastify';
import { AppError } from '../shared/errors.js';

interface Frame {
  value: unknown;
  key: string;
  parent: Frame | undefined;
}

const escapeKey = (key: string): string =>
  key.replaceAll('\u0000', '\\u0000').replace(/\p{Cs}/gu, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

const pathOf = (frame: Frame): string => {
  const keys: string[] = [];
  // A key may hold the character itself; show it escaped rather than echo it back.
  for (let f: Frame | undefined = frame; f; f = f.parent) keys.push(escapeKey(f.key));
  return keys.reverse().join('.');
};

export interface UnstorableCharacter {
  /** Dotted path like `body.serials.3.serialNumber`. */
  field: string;
  problem: 'nul' | 'lone_surrogate';
}

// With the u flag a whole surrogate pair is one code point, so only a lone half matches \p{Cs}.
const LONE_SURROGATE = /\p{Cs}/u;

const problemIn = (text: string): UnstorableCharacter['problem'] | undefined =>
  text.includes('\u0000') ? 'nul' : LONE_SURROGATE.test(text) ? 'lone_surrogate' : undefined;

/**
 * Where in a parsed request part (`root` names it: body, query) the first character that cannot be stored
 * sits, in a key or a string value: a NUL, or half of a UTF-16 surrogate pair (JSON's `"\ud800"` parses to
 * one, and no database text can hold it). Undefined when there is none. Walks with an explicit stack, so a
 * deeply nested body cannot overflow the call stack.
 */
export function findUnstorableCharacter(value: unknown, root: string): UnstorableCharacter | undefined {
  const stack: Frame[] = [{ value, key: root, parent: undefined }];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    const v = frame.value;
    if (typeof v === 'string') {
      const problem = problemIn(v);
      if (problem) return { field: pathOf(frame), problem };
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, child] of Object.entries(v as Record<string, unknown>)) {
        const childFrame = { value: child, key, parent: frame };
        const problem = problemIn(key);
        if (problem) return { field: pathOf(childFrame), problem };
        stack.push(childFrame);
      }
    }
  }
  return undefined;
}

const DESCRIPTIONS: Record<UnstorableCharacter['problem'], string> = {
  nul: 'a NUL character (U+0000)',
  lone_surrogate: 'a broken character (half of a UTF-16 surrogate pair, such as \\ud800)',
};

/**
 * Refuses text that cannot be stored anywhere in the query string or JSON body: a NUL (PostgreSQL cannot
 * store it in text, and SQLite would keep an invisible character that breaks look-ups and exports), or a
 * lone surrogate (PostgreSQL refuses it, SQLite would silently turn it into U+FFFD).
 * Registered after the access check, so callers without access learn nothing about validation.
 */
export function registerUnstorableCharacterCheck(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const found =
      findUnstorableCharacter(request.query, 'query') ?? findUnstorableCharacter(request.body, 'body');
    if (found === undefined) return done();
    const what = DESCRIPTIONS[found.problem];
    done(
      new AppError(
        'bad_request',
        'INVALID_CHARACTER',
        `${found.field} contains ${what}, which cannot be stored. Remove it and send the request again.`,
        [
          {
            field: found.field,
            code: found.problem === 'nul' ? 'invalid_character' : 'lone_surrogate',
            message: `Contains ${what}`,
          },
        ],
      ),
    );
  });
}
