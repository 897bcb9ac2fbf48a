import { describe, expect, it } from 'vitest';
import { mismatchText } from './stock-text';

describe('mismatchText', () => {
  it('says nothing when quantity and serials agree', () => {
    expect(mismatchText(3, 3)).toBeNull();
  });
  it('names units without serials and surplus serials', () => {
    expect(mismatchText(10, 7)).toBe('3 units on hand without a serial number');
    expect(mismatchText(1, 0)).toBe('1 unit on hand without a serial number');
    expect(mismatchText(2, 3)).toBe('1 more serial than quantity on hand');
    expect(mismatchText(0, 4)).toBe('4 more serials than quantity on hand');
  });
});
