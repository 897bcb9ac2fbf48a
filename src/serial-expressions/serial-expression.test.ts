import { describe, expect, it } from 'vitest';
import { expandSerialExpression, incrementSerial, MAX_EXPANDED } from './serial-expression.js';

const ok = (expr: string, opts = {}) => {
  const r = expandSerialExpression(expr, opts);
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.errors)}`);
  return r.serials;
};
const codes = (expr: string, opts = {}) => {
  const r = expandSerialExpression(expr, opts);
  if (r.ok) throw new Error(`expected errors, got ${JSON.stringify(r.serials)}`);
  return r.errors.map((e) => e.code);
};

describe('incrementSerial', () => {
  it('changes the last run of digits and keeps its width', () => {
    expect(incrementSerial('009')).toBe('010');
    expect(incrementSerial('99')).toBe('100');
    expect(incrementSerial('SN-0099B')).toBe('SN-0100B');
    expect(incrementSerial('A1B2C')).toBe('A1B3C');
    expect(incrementSerial('ABC')).toBeNull();
    expect(incrementSerial('99999999999999999999')).toBe('100000000000000000000');
  });
});

describe('expandSerialExpression', () => {
  it('separates items by commas, spaces and new lines', () => {
    expect(ok('A1, A2\nA3   A4,,A5\r\n')).toEqual(['A1', 'A2', 'A3', 'A4', 'A5']);
  });

  it('expands ranges keeping prefix and zero padding', () => {
    expect(ok('AB01-AB03')).toEqual(['AB01', 'AB02', 'AB03']);
    expect(ok('SN-098-SN-101')).toEqual(['SN-098', 'SN-099', 'SN-100', 'SN-101']);
    expect(ok('SN100-199')).toHaveLength(100);
    expect(ok('8-11')).toEqual(['8', '9', '10', '11']);
    expect(ok('X1Y-X3Y')).toEqual(['X1Y', 'X2Y', 'X3Y']);
  });

  it('expands S+N to S and the N following values', () => {
    expect(ok('10+3')).toEqual(['10', '11', '12', '13']);
    expect(ok('009+1')).toEqual(['009', '010']);
    expect(ok('SN-99+1')).toEqual(['SN-99', 'SN-100']);
    expect(ok('A5+0')).toEqual(['A5']);
  });

  it('fills the remaining quantity with S+, at its place in the list', () => {
    expect(ok('SN1+', { quantity: 3 })).toEqual(['SN1', 'SN2', 'SN3']);
    expect(ok('X9 SN1+ Z1', { quantity: 5 })).toEqual(['X9', 'SN1', 'SN2', 'SN3', 'Z1']);
    expect(codes('SN1+')).toEqual(['fill_without_quantity']);
    expect(codes('A1 A2 SN1+', { quantity: 2 })).toEqual(['nothing_to_fill']);
    expect(codes('A1+ B1+', { quantity: 4 })).toEqual(['two_fills']);
  });

  it('continues after the latest serial with ~', () => {
    expect(ok('~', { after: 'SN-0099' })).toEqual(['SN-0100']);
    expect(ok('~+2', { after: 'SN-0099' })).toEqual(['SN-0100', 'SN-0101', 'SN-0102']);
    expect(ok('~+', { after: 'B7', quantity: 2 })).toEqual(['B8', 'B9']);
    expect(codes('~')).toEqual(['no_previous']);
    expect(codes('~', { after: 'NODIGITS' })).toEqual(['no_number']);
  });

  it('takes every item literally when their number equals the quantity', () => {
    expect(ok('AF5-69H', { quantity: 1 })).toEqual(['AF5-69H']);
    expect(ok('1-3 5', { quantity: 2 })).toEqual(['1-3', '5']);
    expect(ok('00-1A-2B-3C-4D-5E 00:1A:2B:3C:4D:5F', { quantity: 2 })).toEqual([
      '00-1A-2B-3C-4D-5E',
      '00:1A:2B:3C:4D:5F',
    ]);
    expect(ok('10+3', { quantity: 1 })).toEqual(['10+3']);
  });

  it('still expands ~ and S+ when the number of items equals the quantity', () => {
    expect(ok('~', { quantity: 1, after: 'SN-0099' })).toEqual(['SN-0100']);
    expect(ok('SN1+', { quantity: 1 })).toEqual(['SN1']);
    expect(ok('AF5-69H SN1+', { quantity: 2 })).toEqual(['AF5-69H', 'SN1']);
    expect(ok('1-3 ~', { quantity: 2, after: 'B7' })).toEqual(['1-3', 'B8']);
    expect(ok('~+ X1', { quantity: 2, after: 'B7' })).toEqual(['B8', 'X1']);
    expect(codes('~', { quantity: 1 })).toEqual(['no_previous']);
    expect(codes('~+1', { quantity: 1, after: 'B7' })).toEqual(['count_mismatch']);
  });

  it('never mangles serials that only look like ranges', () => {
    expect(ok('AF5-69H')).toEqual(['AF5-69H']);
    expect(ok('00-1A-2B-3C-4D-5E')).toEqual(['00-1A-2B-3C-4D-5E']);
    expect(ok('ABC-DEF')).toEqual(['ABC-DEF']);
  });

  it('reports every problem at once', () => {
    expect(codes('A1 A1 5-3 ABC+2 B2 B2')).toEqual(['bad_range', 'no_number', 'duplicate', 'duplicate']);
    expect(codes('A1 A1 A2', { quantity: 4 })).toEqual(['duplicate', 'count_mismatch']);
    expect(codes('1-2', { quantity: 3 })).toEqual(['count_mismatch']);
    const r = expandSerialExpression('1-2', { quantity: 3 });
    expect(!r.ok && r.errors[0]!.message).toBe('The expression makes 2 serial(s) but the quantity is 3.');
  });

  it('reports a count that does not match the quantity together with the other problems', () => {
    expect(codes('A1 A1 SN5-SN1', { quantity: 4 })).toEqual(['bad_range', 'duplicate', 'count_mismatch']);
    // The reversed range still counts the 5 serials it meant, so the count is right and not reported…
    expect(codes('SN5-SN1', { quantity: 5 })).toEqual(['bad_range']);
    // …and so do a start without a number and ~ with no latest serial.
    expect(codes('ABC+2 ~', { quantity: 4 })).toEqual(['no_number', 'no_previous']);
    expect(codes('ABC+2 ~', { quantity: 3 })).toEqual(['no_number', 'no_previous', 'count_mismatch']);
    const r = expandSerialExpression('A1-A3 B5-B1', { quantity: 3 });
    expect(!r.ok && r.errors.at(-1)!.message).toBe('The expression makes 8 serial(s) but the quantity is 3.');
    // A fill takes what the refused items leave; one that cannot be read has no count to compare.
    expect(codes('~ SN1+', { quantity: 3 })).toEqual(['no_previous']);
    expect(codes('X+ A1', { quantity: 3 })).toEqual(['no_number']);
  });

  it('refuses empty input, a bad quantity and runaway sizes', () => {
    expect(codes('  ,\n')).toEqual(['empty']);
    expect(codes('A1', { quantity: 0 })).toEqual(['bad_quantity']);
    expect(codes(`1-${MAX_EXPANDED + 1}`)).toEqual(['too_many']);
    expect(codes(`1+${MAX_EXPANDED}`)).toEqual(['too_many']);
  });
});
