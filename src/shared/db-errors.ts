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

/** PostgreSQL SQLSTATEs that mean the connection, not the statement, failed. */
const CONNECTION_SQLSTATES = new Set([
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
  '08P01', // protocol_violation (a connection cut mid-message)
  '57P01', // admin_shutdown: pg_terminate_backend, a fast shutdown, a failover
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, or in recovery
  '53300', // too_many_connections
]);

/** Node socket errors of a database connection. */
const SOCKET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Errors node-postgres (and better-sqlite3) raise without a code when the connection is gone. */
const CONNECTION_MESSAGES =
  /^(Connection terminated|Connection terminated unexpectedly|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|timeout exceeded when trying to connect|Connection terminated due to connection timeout|Cannot use a pool after calling end on the pool|The database connection is not open)$/;

/**
 * True when the database could not be reached or the connection broke under a statement (a restart, a
 * failover, a terminated backend): the request cannot be served now, but may succeed in a moment (503).
 */
export function isConnectionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_SQLSTATES.has(code) || SOCKET_CODES.has(code))) return true;
  const message = (err as { message?: unknown }).message;
  return typeof message === 'string' && CONNECTION_MESSAGES.test(message);
}

/** Why the database is unavailable, in plain words for an operator (no driver text). */
export function connectionErrorReason(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const message =
    typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  if (code === '57P01' || code === '57P02')
    return 'the database ended the connection (a restart or failover)';
  if (code === '57P03') return 'the database is starting up or in recovery';
  if (code === '53300') return 'the database has no free connections';
  if (code === 'ECONNREFUSED') return 'the database refused the connection';
  if (code === 'ETIMEDOUT' || (typeof message === 'string' && /timeout/i.test(message)))
    return 'the database did not answer in time';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return 'the database host cannot be reached';
  if (isConnectionError(err)) return 'the connection to the database was lost';
  return 'the database did not answer';
}
