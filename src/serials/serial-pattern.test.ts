import { describe, expect, it } from 'vitest';
import { counterOf, formatSerial, parseSerialPattern } from './serial-pattern.js';

describe('serial pattern', () => {
  it('parses prefix, width and suffix', () => {
    expect(parseSerialPattern('SN-{#####}')).toEqual({ prefix: 'SN-', width: 5, suffix: '' });
    expect(parseSerialPattern('A{###}Z')).toEqual({ prefix: 'A', width: 3, suffix: 'Z' });
    expect(parseSerialPattern('no counter')).toBeNull();
    expect(parseSerialPattern(null)).toBeNull();
  });

  it('formats and reads counters', () => {
    const p = parseSerialPattern('SN-{#####}')!;
    expect(formatSerial(p, 42)).toBe('SN-00042');
    expect(formatSerial(p, 123456)).toBe('SN-123456');
    expect(counterOf(p, 'SN-00042')).toBe(42);
    expect(counterOf(p, 'SN-0004X')).toBeNull();
    expect(counterOf(p, 'XX-00042')).toBeNull();
  });
});
