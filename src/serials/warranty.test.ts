import { describe, expect, it } from 'vitest';
import { addMonths, warrantyStatus } from './warranty.js';

describe('warranty', () => {
  it('is under warranty through the end date and expired after it', () => {
    expect(warrantyStatus('2026-05-01', '2026-05-01')).toBe('under_warranty');
    expect(warrantyStatus('2026-05-01', '2026-05-02')).toBe('expired');
    expect(warrantyStatus(null, '2026-05-02')).toBe('no_warranty');
  });

  it('adds months with end-of-month clamping and year rollover', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-11-15', 14)).toBe('2028-01-15');
    expect(addMonths('2026-03-10', 0)).toBe('2026-03-10');
  });
});
