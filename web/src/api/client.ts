import type { Problem } from './types';

/** An API error, carrying the server's problem details so the UI can show them next to the cause. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: NonNullable<Problem['errors']>;

  constructor(status: number, code: string, detail: string, errors: Problem['errors'] = []) {
    super(detail);
    this.status = status;
    this.code = code;
    this.errors = errors ?? [];
  }
}

/** Any thrown value as an ApiError, so forms can show it the same way. */
export function toApiError(err: unknown): ApiError {
  return err instanceof ApiError
    ? err
    : new ApiError(0, 'ERROR', err instanceof Error ? err.message : String(err));
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the session has expired, so the app can send the user to sign in again. */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

export async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached. Check the connection and try again.');
  }
  if (res.ok) return (await res.json()) as T;
  let problem: Partial<Problem> = {};
  try {
    problem = (await res.json()) as Problem;
  } catch {
    // not a problem document
  }
  const error = new ApiError(
    res.status,
    problem.code ?? 'HTTP_ERROR',
    problem.detail ?? `The server answered ${res.status}.`,
    problem.errors,
  );
  if (res.status === 401 && url !== '/api/auth/login' && onUnauthenticated) onUnauthenticated();
  throw error;
}

export const get = <T>(url: string) => api<T>('GET', url);
export const post = <T>(url: string, body: unknown = {}) => api<T>('POST', url, body);
export const patch = <T>(url: string, body: unknown) => api<T>('PATCH', url, body);
export const del = <T>(url: string) => api<T>('DELETE', url);

/** Builds a query string from defined values only. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
