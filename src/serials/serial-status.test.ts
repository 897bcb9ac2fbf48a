import { describe, expect, it } from 'vitest';
import {
  checkManualTransition,
  checkTransition,
  MOVABLE_STATUSES,
  PRESENT_STATUSES,
  SERIAL_STATUSES,
  STATUS_INFO,
} from './serial-status.js';

describe('serial status machine', () => {
  it('allows the documented moves', () => {
    expect(checkTransition('in_stock', 'sold')).toEqual({ ok: true });
    expect(checkTransition('in_stock', 'reserved')).toEqual({ ok: true });
    expect(checkTransition('reserved', 'in_stock')).toEqual({ ok: true });
    expect(checkTransition('sold', 'returned')).toEqual({ ok: true });
    expect(checkTransition('returned', 'in_stock')).toEqual({ ok: true });
    expect(checkTransition('damaged', 'scrapped')).toEqual({ ok: true });
  });

  it('refuses selling a sold unit, naming the current status', () => {
    const r = checkTransition('sold', 'sold');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('already Sold');
    const r2 = checkTransition('sold', 'in_stock');
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.message).toMatch(/Sold cannot become In Stock.*Returned/);
  });

  it('treats Scrapped as final', () => {
    for (const s of SERIAL_STATUSES) {
      const r = checkTransition('scrapped', s);
      expect(r.ok).toBe(false);
    }
    const r = checkTransition('scrapped', 'in_stock');
    if (!r.ok) expect(r.message).toContain('Scrapped is final');
  });

  it('never allows a move to the same status and only lists real statuses as next', () => {
    for (const s of SERIAL_STATUSES) {
      expect(checkTransition(s, s).ok).toBe(false);
      for (const n of STATUS_INFO[s].next) expect(SERIAL_STATUSES).toContain(n);
    }
  });

  it('every status has a label and a colour', () => {
    for (const s of SERIAL_STATUSES) {
      expect(STATUS_INFO[s].label).toBeTruthy();
      expect(STATUS_INFO[s].color).toMatch(/^#[0-9a-f]{6}$/);
    }
  });

  it('counts physically present and movable statuses', () => {
    expect(PRESENT_STATUSES).toEqual(['in_stock', 'reserved', 'returned', 'damaged']);
    expect(MOVABLE_STATUSES).toEqual(['in_stock', 'returned', 'damaged']);
  });

  it("a Returned unit leaves Returned only through its return's disposition, never by hand", () => {
    for (const to of ['in_stock', 'damaged', 'scrapped'] as const) {
      expect(checkTransition('returned', to).ok).toBe(true);
      const manual = checkManualTransition('returned', to);
      expect(manual.ok).toBe(false);
      if (!manual.ok) expect(manual.message).toContain('customer return');
    }
  });
});

describe('the Voided status', () => {
  it('is final, neither present nor movable, and no manual move reaches it', () => {
    expect(STATUS_INFO.voided).toMatchObject({ label: 'Voided', present: false, movable: false, next: [] });
    expect(PRESENT_STATUSES).not.toContain('voided');
    expect(MOVABLE_STATUSES).not.toContain('voided');
    for (const from of SERIAL_STATUSES) expect(STATUS_INFO[from].next).not.toContain('voided');
    const r = checkManualTransition('in_stock', 'voided');
    expect(r).toEqual({ ok: false, message: expect.stringContaining('use Void serial') as string });
    expect(checkManualTransition('voided', 'in_stock').ok).toBe(false);
  });
});

describe('the Missing status', () => {
  it('is set by a count, neither present nor movable, and comes back only through Mark found or is scrapped', () => {
    expect(STATUS_INFO.missing).toMatchObject({ label: 'Missing', present: false, movable: false });
    expect(STATUS_INFO.missing.color).toMatch(/^#[0-9a-f]{6}$/);
    expect(checkTransition('in_stock', 'missing').ok).toBe(true);
    expect(checkTransition('damaged', 'missing').ok).toBe(true);
    expect(checkTransition('sold', 'missing').ok).toBe(false);
    expect(checkTransition('missing', 'in_stock').ok).toBe(true);
    expect(checkManualTransition('in_stock', 'missing').ok).toBe(false);
    expect(checkManualTransition('missing', 'in_stock').ok).toBe(false);
    expect(checkManualTransition('missing', 'scrapped').ok).toBe(true);
  });
});
