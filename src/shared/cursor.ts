import { AppError } from './errors.js';
import { MAX_SQL_INT } from './sql.js';

/** Opaque keyset cursor: base64url JSON of the last row's sort key. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

const badCursor = () =>
  new AppError(
    'bad_request',
    'BAD_CURSOR',
    'The page cursor is not valid for this list. Start again from the first page.',
  );

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === arity &&
      parsed.every((v) => typeof v === 'string' || typeof v === 'number')
    ) {
      return parsed;
    }
  } catch {
    // fall through to the error below
  }
  throw badCursor();
}

/** The row id a cursor of a list paged by id holds; anything but a storable id is BAD_CURSOR. */
export function decodeIdCursor(cursor: string): number {
  const [id] = decodeCursor(cursor, 1);
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > MAX_SQL_INT) throw badCursor();
  return id;
}
