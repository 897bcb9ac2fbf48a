import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  it('blocks after the maximum failures within the window and frees the key afterwards', () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterSeconds('alice|1.2.3.4')).toBe(0);
      throttle.recordFailure('alice|1.2.3.4');
      now += 1000;
    }
    expect(throttle.retryAfterSeconds('alice|1.2.3.4')).toBe(57);
    expect(throttle.retryAfterSeconds('bob|1.2.3.4')).toBe(0);
    now += 57_000;
    expect(throttle.retryAfterSeconds('alice|1.2.3.4')).toBe(0);
  });

  it('forgets failures after a successful sign-in', () => {
    const throttle = new LoginThrottle(2, 60_000, () => 0);
    throttle.recordFailure('k');
    throttle.recordFailure('k');
    expect(throttle.retryAfterSeconds('k')).toBeGreaterThan(0);
    throttle.reset('k');
    expect(throttle.retryAfterSeconds('k')).toBe(0);
  });
});
