/** A problem with one field of a request or one row of a batch (one serial of a list, say). */
export interface FieldError {
  /** Where: a field name ("location"), or a row/serial reference ("serials[3]", "SN-0001"). */
  field: string;
  code: string;
  message: string;
}

export type ErrorKind =
  | 'invalid' // 422: well-formed request the domain rejects
  | 'bad_request' // 400: malformed request
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409: state conflict (exists already, changed meanwhile, illegal move)
  | 'rate_limited' // 429
  | 'unavailable'; // 503: a dependency (the database) cannot be reached

const statusByKind: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid: 422,
  rate_limited: 429,
  unavailable: 503,
};

/** The one error type the domain throws; mapped to an RFC 9457 problem in exactly one place. */
export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly errors: FieldError[] | undefined;
  /** For a 429 or 503: seconds after which trying again makes sense (sent as Retry-After). */
  retryAfterSeconds: number | undefined;

  constructor(kind: ErrorKind, code: string, message: string, errors?: FieldError[]) {
    super(message);
    this.name = 'AppError';
    this.kind = kind;
    this.code = code;
    this.errors = errors;
  }

  get status(): number {
    return statusByKind[this.kind];
  }
}

export const notFound = (what: string, ref: string | number) =>
  new AppError('not_found', 'NOT_FOUND', `${what} ${ref} was not found. Check the reference and try again.`);

export const invalid = (code: string, message: string, errors?: FieldError[]) =>
  new AppError('invalid', code, message, errors);

export const conflict = (code: string, message: string, errors?: FieldError[]) =>
  new AppError('conflict', code, message, errors);

export const forbidden = (code: string, message: string) => new AppError('forbidden', code, message);

export const rateLimited = (code: string, message: string, retryAfterSeconds: number) => {
  const error = new AppError('rate_limited', code, message);
  error.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return error;
};
