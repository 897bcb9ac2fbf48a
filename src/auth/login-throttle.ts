/**
 * Slows password guessing. Each sign-in attempt is counted against two keys before its password is checked:
 * the username at the client's address (guessing one password) and the address alone (a few guesses at
 * each of many usernames). Counts live in the database, so every app server sees the same ones, and an
 * atomic upsert raises them, so parallel attempts cannot all pass one check.
 */
export interface ThrottleLimit {
  maxAttempts: number;
  windowMs: number;
}

export const USER_LIMIT: ThrottleLimit = { maxAttempts: 10, windowMs: 15 * 60_000 };
export const ADDRESS_LIMIT: ThrottleLimit = { maxAttempts: 50, windowMs: 15 * 60_000 };

/**
 * Seconds to wait before another attempt, or 0 when the attempt just counted (the `attempts`-th in a window
 * that started at `windowStartedAt`) may go ahead.
 */
export function throttleWaitSeconds(
  attempts: number,
  windowStartedAt: string,
  limit: ThrottleLimit,
  now: number,
): number {
  if (attempts <= limit.maxAttempts) return 0;
  // A parallel attempt that read the clock after this one may have started the window (on another app
  // server, or a millisecond later here): a window never starts after the attempt that counted in it, so
  // the wait is never longer than the window.
  const started = Math.min(Date.parse(windowStartedAt), now);
  return Math.max(1, Math.ceil((started + limit.windowMs - now) / 1000));
}
