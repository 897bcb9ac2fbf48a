/** True when a driver error is a unique-constraint violation, on SQLite or PostgreSQL. */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/**
 * True when PostgreSQL refused a value the request supplied: a number out of range for its column (22003),
 * a character it cannot store (22021), text that is not a valid number or date (22P02). Input validation
 * should catch these first; this is the backstop.
 */
export function isBadValueError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return code === '22003' || code === '22021' || code === '22P02';
}

/** True when PostgreSQL aborted a transaction for serialization or deadlock; safe to retry. */
export function isRetryableTxError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return code === '40001' || code === '40P01' || code === 'SQLITE_BUSY';
}
