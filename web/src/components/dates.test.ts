import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLocalDate, formatLocalDateTime } from './dates';

// CI runs in UTC, where local and UTC agree; pin zones on either side of UTC so a slip to UTC shows.
describe('local dates of instants', () => {
  const before = process.env.TZ;
  afterAll(() => {
    process.env.TZ = before;
  });

  describe('west of UTC (New York, UTC-5 in January)', () => {
    beforeAll(() => {
      process.env.TZ = 'America/New_York';
    });

    it('shows an instant just after UTC midnight on the previous local day', () => {
      expect(formatLocalDate('2026-01-01T02:30:00.000Z')).toBe('2025-12-31');
      expect(formatLocalDateTime('2026-01-01T02:30:00.000Z')).toBe('2025-12-31 21:30');
    });
  });

  describe('east of UTC (Tokyo, UTC+9)', () => {
    beforeAll(() => {
      process.env.TZ = 'Asia/Tokyo';
    });

    it('shows an instant late in the UTC day on the next local day', () => {
      expect(formatLocalDate('2026-03-09T20:05:00Z')).toBe('2026-03-10');
      expect(formatLocalDateTime('2026-03-09T20:05:00Z')).toBe('2026-03-10 05:05');
    });

    it('pads months, days, hours and minutes to two digits', () => {
      expect(formatLocalDateTime('2026-02-03T00:07:00Z')).toBe('2026-02-03 09:07');
    });
  });

  describe('UTC', () => {
    beforeAll(() => {
      process.env.TZ = 'UTC';
    });

    it('keeps the look of the timestamp', () => {
      expect(formatLocalDate('2026-07-04T23:59:59.999Z')).toBe('2026-07-04');
      expect(formatLocalDateTime('2026-07-04T23:59:59.999Z')).toBe('2026-07-04 23:59');
    });
  });
});
