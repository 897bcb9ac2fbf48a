import type { FastifyInstance } from 'fastify';
import { AppError } from '../shared/errors.js';

interface Frame {
  value: unknown;
  key: string;
  parent: Frame | undefined;
}

const pathOf = (frame: Frame): string => {
  const keys: string[] = [];
  // A key may hold the NUL itself; show it escaped rather than echo it back.
  for (let f: Frame | undefined = frame; f; f = f.parent) keys.push(f.key.replaceAll('\u0000', '\\u0000'));
  return keys.reverse().join('.');
};

/**
 * Where in a parsed request part (`root` names it: body, query) the first NUL character sits, in a key or a
 * string value, as a dotted path like `body.serials.3.serialNumber`; undefined when there is none.
 * Walks with an explicit stack, so a deeply nested body cannot overflow the call stack.
 */
export function findNulCharacter(value: unknown, root: string): string | undefined {
  const stack: Frame[] = [{ value, key: root, parent: undefined }];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    const v = frame.value;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return pathOf(frame);
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, child] of Object.entries(v as Record<string, unknown>)) {
        const childFrame = { value: child, key, parent: frame };
        if (key.includes('\u0000')) return pathOf(childFrame);
        stack.push(childFrame);
      }
    }
  }
  return undefined;
}

/**
 * Refuses text with a NUL character (U+0000) anywhere in the query string or JSON body: PostgreSQL cannot
 * store it in text, and SQLite would keep an invisible character that breaks look-ups and exports.
 * Registered after the access check, so callers without access learn nothing about validation.
 */
export function registerNulCharacterCheck(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const field = findNulCharacter(request.query, 'query') ?? findNulCharacter(request.body, 'body');
    if (field === undefined) return done();
    done(
      new AppError(
        'bad_request',
        'INVALID_CHARACTER',
        `${field} contains a NUL character (U+0000), which cannot be stored. Remove it and send the request again.`,
        [{ field, code: 'invalid_character', message: 'Contains a NUL character (U+0000)' }],
      ),
    );
  });
}
