import { describe, expect, it } from 'vitest';
import {
  addDays,
  businessDateOf,
  isTimeZone,
  isValidIsoDate,
  setBusinessTimeZone,
  todayIso,
} from './time.js';

describe('dates', () => {
  it('adds days across months and years', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', 0)).toBe('2026-03-01');
  });
  it('accepts real YYYY-MM-DD dates only', () => {
    expect(isValidIsoDate('2026-02-28')).toBe(true);
    expect(isValidIsoDate('2026-02-30')).toBe(false);
    expect(isValidIsoDate('26-02-01')).toBe(false);
  });

  it('reckons business dates in the configured time zone', () => {
    try {
      // 03:30 UTC on 1 March is still 28 February in Chicago and already 1 March in Berlin.
      setBusinessTimeZone('America/Chicago');
      expect(businessDateOf('2026-03-01T03:30:00.000Z')).toBe('2026-02-28');
      setBusinessTimeZone('Europe/Berlin');
      expect(businessDateOf('2026-03-01T03:30:00.000Z')).toBe('2026-03-01');
      expect(businessDateOf(new Date('2026-12-31T23:30:00.000Z'))).toBe('2027-01-01');
      // UTC+14 and UTC-11 are 25 hours apart: never the same day.
      setBusinessTimeZone('Pacific/Kiritimati');
      const ahead = todayIso();
      setBusinessTimeZone('Pacific/Pago_Pago');
      expect(todayIso() < ahead).toBe(true);
    } finally {
      setBusinessTimeZone('UTC');
    }
    expect(todayIso()).toBe(new Date().toISOString().slice(0, 10));
  });
  it('knows IANA zone names', () => {
    expect(isTimeZone('America/Chicago')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
