/**
 * Slows password guessing: after `maxFailures` failed sign-ins for one key (a username at an address, or an
 * address) within `windowMs`, further attempts are refused until the window has passed. In memory, per app
 * server.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const times = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }

  /** Seconds until another attempt is allowed, or 0 when it is allowed now. */
  retryAfterSeconds(key: string): number {
    const times = this.recent(key);
    if (times.length < this.maxFailures) return 0;
    return Math.max(
      1,
      Math.ceil((times[times.length - this.maxFailures]! + this.windowMs - this.now()) / 1000),
    );
  }

  recordFailure(key: string): void {
    this.failures.set(key, [...this.recent(key), this.now()]);
    // Bound memory under a flood of distinct usernames: forget the oldest keys.
    if (this.failures.size > 10_000) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }

  reset(key: string): void {
    this.failures.delete(key);
  }
}
