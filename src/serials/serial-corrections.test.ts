import { describe, expect, it } from 'vitest';
import { checkVoidable, UNTOUCHED_EVENT_KINDS, type VoidCandidate } from './serial-corrections.js';

const untouched: VoidCandidate = {
  serialNumber: 'SN-1',
  status: 'in_stock',
  sourceType: 'manual',
  touchedBy: [],
};

describe('may this serial be voided?', () => {
  it('allows a serial only its entry touched, typed or imported', () => {
    expect(checkVoidable(untouched)).toEqual({ ok: true });
    expect(checkVoidable({ ...untouched, sourceType: 'import' })).toEqual({ ok: true });
    // Edits of what was typed with it, and a renumber (a correction of the entry), leave it untouched.
    expect(checkVoidable({ ...untouched, touchedBy: [...UNTOUCHED_EVENT_KINDS] })).toEqual({ ok: true });
  });

  it.each([
    ['reserved', 'reserved on a sale'],
    ['sold', 'sold'],
    ['transferred', 'transferred'],
    ['status_changed', 'given a new status'],
    ['warranty_changed', 'given a corrected warranty'],
    ['returned', 'returned by a customer'],
  ])('refuses a serial that was %s, saying so', (kind, words) => {
    const r = checkVoidable({ ...untouched, touchedBy: ['notes_changed', kind] });
    expect(r).toEqual({
      ok: false,
      code: 'used',
      message: expect.stringContaining(`SN-1 has been ${words} since it was entered`) as string,
    });
  });

  it('names every kind of use once, and an unknown one in words', () => {
    const r = checkVoidable({ ...untouched, touchedBy: ['transferred', 'transferred', 'stock_counted'] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('has been transferred, stock counted since');
  });

  it('refuses a serial a purchase receipt created: quantity on hand came with it', () => {
    const r = checkVoidable({ ...untouched, sourceType: 'purchase_order' });
    expect(r).toMatchObject({ ok: false, code: 'created_by_document' });
    if (!r.ok) expect(r.message).toMatch(/purchase order receipt.*Renumber/);
  });

  it('refuses a serial already voided, or not In Stock', () => {
    expect(checkVoidable({ ...untouched, status: 'voided' })).toEqual({
      ok: false,
      code: 'already_voided',
      message: 'SN-1 is already voided.',
    });
    expect(checkVoidable({ ...untouched, status: 'damaged' })).toMatchObject({
      ok: false,
      code: 'not_in_stock',
      message: expect.stringContaining('SN-1 is Damaged') as string,
    });
  });
});
