import { describe, expect, it } from 'vitest';
import { throttleWaitSeconds } from './login-throttle.js';

describe('throttleWaitSeconds', () => {
  const limit = { maxAttempts: 3, windowMs: 60_000 };
  const start = '2026-01-01T00:00:00.000Z';
  const t0 = Date.parse(start);

  it('lets the first maxAttempts attempts of a window through', () => {
    for (let n = 1; n <= 3; n++) expect(throttleWaitSeconds(n, start, limit, t0 + 1000)).toBe(0);
  });

  it('makes the next attempt wait until the window has passed, at least a second', () => {
    expect(throttleWaitSeconds(4, start, limit, t0 + 3000)).toBe(57);
    expect(throttleWaitSeconds(40, start, limit, t0 + 59_900)).toBe(1);
    expect(throttleWaitSeconds(4, start, limit, t0 + 60_000)).toBe(1);
  });

  it('never waits longer than the window when a parallel attempt that read the clock later started it', () => {
    // This attempt read t0 - 5 ms; a racing one (another server) started the window at t0.
    expect(throttleWaitSeconds(4, start, limit, t0 - 5)).toBe(60);
  });
});
