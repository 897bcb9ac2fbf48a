import { describe, expect, it } from 'vitest';
import {
  expandSerialExpression,
  expandSerialPlan,
  incrementSerial,
  MAX_EXPANDED,
  parseSerialExpression,
} from './serial-expression.js';

const ok = (expr: string, opts = {}) => {
  const r = expandSerialExpression(expr, opts);
  if (!r.ok) throw new Error(`expected ok for ${expr}, got ${JSON.stringify(r.errors)}`);
  return r.serials;
};
const codes = (expr: string, opts = {}) => {
  const r = expandSerialExpression(expr, opts);
  if (r.ok) throw new Error(`expected errors for ${expr}, got ${JSON.stringify(r.serials)}`);
  return r.errors.map((e) => e.code);
};
const messages = (expr: string, opts = {}) => {
  const r = expandSerialExpression(expr, opts);
  return r.ok ? [] : r.errors.map((e) => e.message);
};
const range = (prefix: string, from: number, to: number, width = 0, suffix = '') =>
  Array.from(
    { length: to - from + 1 },
    (_, i) => `${prefix}${String(from + i).padStart(width, '0')}${suffix}`,
  );

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

describe('issue 9 §1: one token is one serial, dashes, colons, dots and slashes included', () => {
  const literal = [
    'WID-100-0200',
    'PN-10-12',
    'WID-100-0001',
    'SN-2024-0042',
    '2024-0042',
    'TG-4SR-92',
    '2024-01-15',
    '00-00-01-00-00-05',
    '00:1A:2B:3C:4D:5E',
    '00-1A-2B-3C-4D-5E',
    'AF5-69H',
    '123-456',
    '1-5',
    '1-3',
    'SN5-SN1',
    '10-2',
    '1-5-10',
    'A-2',
    'E-5',
    '7-70j',
    'ABC-DEF',
    '1.2.3',
    'A/B/7',
    '3/4',
    'SN100-199',
  ];
  it.each(literal)('%s is one serial, with or without a quantity', (s) => {
    expect(ok(s)).toEqual([s]);
    expect(ok(s, { quantity: 1 })).toEqual([s]);
  });

  it('keeps dashed serials literal in a list with a fill', () => {
    expect(ok('1, 2, TG-4SR-92, 4+', { quantity: 5 })).toEqual(['1', '2', 'TG-4SR-92', '4', '5']);
    expect(ok('WID-100-0200 PN-10-12')).toEqual(['WID-100-0200', 'PN-10-12']);
  });

  it('never lets a bare right-hand number take the left side suffix', () => {
    expect(ok('TG-4SR-92')).toEqual(['TG-4SR-92']);
    expect(codes('TG4SR..92')).toEqual(['range_short_end']);
    expect(messages('TG4SR..92')[0]).toContain('TG92SR');
    expect(ok('TG4SR..TG6SR')).toEqual(['TG4SR', 'TG5SR', 'TG6SR']);
  });

  it('continues with each ~ after the one before: ~, ~, ~ after 99 is 100, 101, 102', () => {
    expect(ok('~, ~, ~', { after: '99' })).toEqual(['100', '101', '102']);
    expect(ok('~ ~', { after: 'SN-0099' })).toEqual(['SN-0100', 'SN-0101']);
    expect(ok('~+1, ~', { after: 'B7' })).toEqual(['B8', 'B9', 'B10']);
  });

  it('reads SN100 - SN199 (spaced) as a range, never a serial named "-"', () => {
    expect(ok('SN100 - SN199')).toEqual(range('SN', 100, 199));
    expect(ok('SN100 .. SN102')).toEqual(['SN100', 'SN101', 'SN102']);
    expect(ok('2024-01-15 - 2024-01-17')).toEqual(['2024-01-15', '2024-01-16', '2024-01-17']);
    expect(ok('1 - 3, 7')).toEqual(['1', '2', '3', '7']);
  });

  it('refuses a bare "-" or "+" as a serial, with how to write what was meant', () => {
    expect(codes('-')).toEqual(['lone_operator']);
    expect(codes('+')).toEqual(['lone_operator']);
    expect(codes('SN100 -')).toEqual(['lone_operator']);
    expect(codes('SN100, - SN199')).toEqual(['lone_operator']);
    expect(codes('SN100 - , SN199')).toEqual(['lone_operator']);
    expect(codes('A1 + 4')).toEqual(['lone_operator']);
    expect(messages('-')[0]).toContain('SN100 - SN199');
    expect(codes('SN100- SN199')).toEqual(['dangling_dash']);
    expect(codes('SN100 -SN199')).toEqual(['dangling_dash']);
  });

  it('refuses SN1+-1 (a "+" that is neither S+N nor S+), and takes it quoted', () => {
    expect(codes('SN1+-1')).toEqual(['bad_plus']);
    expect(messages('SN1+-1')[0]).toContain('"SN1+-1"');
    expect(codes('+5')).toEqual(['bad_plus']);
    expect(ok('"SN1+-1"')).toEqual(['SN1+-1']);
  });

  it('checks every serial as Save does: length, control and invisible characters', () => {
    expect(codes('z'.repeat(101))).toEqual(['too_long']);
    expect(ok('z'.repeat(100))).toHaveLength(1);
    expect(codes('SN\u200b9')).toEqual(['invisible_character']);
    expect(messages('SN\u200b9')[0]).toContain('character 3 is a zero-width space (U+200B)');
    expect(codes('SN\u00079')).toEqual(['control_character']);
    expect(codes('\ufeffSN9')).toEqual(['invisible_character']);
    expect(codes('SN\u202e9')).toEqual(['invisible_character']);
    expect(codes('x\ud800y')).toEqual(['broken_character']);
    expect(codes('A\u200b1..A\u200b5')).toEqual(['invisible_character']);
    // Counting up past the limit: 99…9 (100 digits) + 1 has 101.
    expect(codes(`${'9'.repeat(100)}+1`)).toEqual(['too_long']);
  });

  it('makes NFD and NFC "Ä" one serial', () => {
    expect(ok('A\u0308-1')).toEqual(['\u00c4-1']);
    expect(codes('\u00c41, A\u03081')).toEqual(['duplicate']);
  });
});

describe('ranges with ..', () => {
  it('counts the last number up keeping prefix, suffix and zero padding', () => {
    expect(ok('1..5')).toEqual(['1', '2', '3', '4', '5']);
    expect(ok('WID-100..WID-200')).toEqual(range('WID-', 100, 200));
    expect(ok('WID-100-0001..WID-100-0003')).toEqual(['WID-100-0001', 'WID-100-0002', 'WID-100-0003']);
    expect(ok('AB01..AB03')).toEqual(['AB01', 'AB02', 'AB03']);
    expect(ok('X1Y..X3Y')).toEqual(['X1Y', 'X2Y', 'X3Y']);
    expect(ok('SN098..SN101')).toEqual(['SN098', 'SN099', 'SN100', 'SN101']);
    expect(ok('SN8..SN11')).toEqual(['SN8', 'SN9', 'SN10', 'SN11']);
    expect(ok('00:1A:2B:3C:4D:50..00:1A:2B:3C:4D:52')).toEqual([
      '00:1A:2B:3C:4D:50',
      '00:1A:2B:3C:4D:51',
      '00:1A:2B:3C:4D:52',
    ]);
  });

  it('takes a bare number on the right when the left ends in its number (WID-100..200)', () => {
    expect(ok('WID-100..200')).toEqual(range('WID-', 100, 200));
    expect(ok('SN0098..101')).toEqual(['SN0098', 'SN0099', 'SN0100', 'SN0101']);
  });

  it('refuses ranges that are not the same serial apart from the last number', () => {
    expect(codes('A1..B5')).toEqual(['range_shape']);
    expect(codes('SN199..SN100')).toEqual(['bad_range']);
    expect(messages('SN199..SN100')[0]).toContain('SN100..SN199');
    expect(codes('SN01..SN5')).toEqual(['range_width']);
    expect(codes('ABC..XYZ')).toEqual(['no_number']);
    expect(codes('SN1..')).toEqual(['range_end_missing']);
    expect(codes('..SN1')).toEqual(['range_end_missing']);
    expect(codes('1..2..3')).toEqual(['range_shape']);
    expect(codes('SN100 - 199')).toEqual(['range_shape']);
  });
});

describe('S+N, S+ and ~', () => {
  it('expands S+N to S and the N following values', () => {
    expect(ok('10+3')).toEqual(['10', '11', '12', '13']);
    expect(ok('009+1')).toEqual(['009', '010']);
    expect(ok('SN-99+1')).toEqual(['SN-99', 'SN-100']);
    expect(ok('A5+0')).toEqual(['A5']);
    // + always counts, also when the items equal the quantity (quote a serial that contains +).
    expect(ok('10+3', { quantity: 4 })).toHaveLength(4);
    expect(ok('"10+3"', { quantity: 1 })).toEqual(['10+3']);
  });

  it('fills the remaining quantity with S+, at its place in the list', () => {
    expect(ok('SN1+', { quantity: 3 })).toEqual(['SN1', 'SN2', 'SN3']);
    expect(ok('X9 SN1+ Z1', { quantity: 5 })).toEqual(['X9', 'SN1', 'SN2', 'SN3', 'Z1']);
    expect(codes('SN1+')).toEqual(['fill_without_quantity']);
    expect(codes('A1 A2 SN1+', { quantity: 2 })).toEqual(['nothing_to_fill']);
    expect(codes('A1+ B1+', { quantity: 4 })).toEqual(['two_fills']);
    expect(codes('ABC+2')).toEqual(['no_number']);
  });

  it('continues after the latest serial with ~', () => {
    expect(ok('~', { after: 'SN-0099' })).toEqual(['SN-0100']);
    expect(ok('~+2', { after: 'SN-0099' })).toEqual(['SN-0100', 'SN-0101', 'SN-0102']);
    expect(ok('~+', { after: 'B7', quantity: 2 })).toEqual(['B8', 'B9']);
    expect(ok('~', { quantity: 1, after: 'SN-0099' })).toEqual(['SN-0100']);
    expect(ok('~+ X1', { quantity: 3, after: 'B7' })).toEqual(['B8', 'B9', 'X1']);
    expect(codes('~')).toEqual(['no_previous']);
    expect(codes('~', { after: 'NODIGITS' })).toEqual(['no_number']);
    expect(codes('~+1', { quantity: 1, after: 'B7' })).toEqual(['count_mismatch']);
    expect(codes('~, 100', { after: '99' })).toEqual(['duplicate']);
    // A serial that merely contains ~ is literal.
    expect(ok('SN~5')).toEqual(['SN~5']);
  });

  it('takes quoted text literally: ~, +, .., - and spaces', () => {
    expect(ok('"~" "A..B" "-" "two words" "say ""hi"""')).toEqual([
      '~',
      'A..B',
      '-',
      'two words',
      'say "hi"',
    ]);
    expect(codes('"open')).toEqual(['unclosed_quote']);
    expect(codes('"AB"C')).toEqual(['text_after_quote']);
  });
});

describe('lists, counts and limits', () => {
  it('separates items by commas, spaces and new lines', () => {
    expect(ok('A1, A2\nA3   A4,,A5\r\n')).toEqual(['A1', 'A2', 'A3', 'A4', 'A5']);
  });

  it('reports every problem at once', () => {
    expect(codes('A1 A1 SN5..SN3 ABC+2 B2 B2')).toEqual(['bad_range', 'no_number']);
    expect(codes('A1 A1 B2 B2')).toEqual(['duplicate', 'duplicate']);
    expect(codes('A1 A1 A2', { quantity: 4 })).toEqual(['count_mismatch']);
    expect(codes('1..2', { quantity: 3 })).toEqual(['count_mismatch']);
    expect(messages('1..2', { quantity: 3 })[0]).toContain('makes 2 serial(s) but the quantity is 3');
  });

  it('refuses empty input, a bad quantity and runaway sizes before making any serial', () => {
    expect(codes('  ,\n')).toEqual(['empty']);
    expect(codes('A1', { quantity: 0 })).toEqual(['bad_quantity']);
    expect(codes(`1..${MAX_EXPANDED + 1}`)).toEqual(['too_many_serials']);
    expect(codes(`1+${MAX_EXPANDED}`)).toEqual(['too_many_serials']);
    expect(codes('1..99999999999999999999999999')).toEqual(['too_many_serials']);
    expect(ok(`1..${MAX_EXPANDED}`)).toHaveLength(MAX_EXPANDED);
  });

  it('counts 100 ranges of 1..99999 or 2,000 of them without making them', () => {
    const hundred = Array.from({ length: 100 }, () => '1..99999').join(',');
    const plan = parseSerialExpression(hundred);
    expect(!plan.ok && plan.errors.map((e) => e.code)).toEqual(['too_many_serials']);
    expect(!plan.ok && plan.errors[0]!.message).toContain('9,999,900');
    const many = Array.from({ length: 2000 }, (_, i) => `R${i}x1..R${i}x99999`).join(',');
    expect(codes(many)).toEqual(['too_many_serials']);
    // InvenTree's dashed ranges are literal here: 2,000 of "1-99999" are one serial written 2,000 times.
    expect(codes(Array.from({ length: 2000 }, () => '1-99999').join(','))).toEqual(['duplicate']);
  });

  it('lists at most 100 problems', () => {
    const r = expandSerialExpression(Array.from({ length: 300 }, () => '-').join(','));
    expect(!r.ok && r.errors).toHaveLength(101);
    expect(!r.ok && r.errors.at(-1)!.code).toBe('more_problems');
  });
});

// InvenTree's own cases (InvenTree/tests.py, TestSerialNumberExtraction), as inputs and expectations; the
// third argument there is the latest serial, `after` here. Where Serialtrack differs the README says why.
describe("InvenTree's extract_serial_numbers cases", () => {
  it('test_simple: the same result', () => {
    expect(ok('1, 2, 3, 4, 5', { quantity: 5 })).toEqual(['1', '2', '3', '4', '5']);
    expect(ok('1, 2, 4+', { quantity: 5 })).toEqual(['1', '2', '4', '5', '6']);
    expect(ok('1, 2, 3, AF5-69H, 5', { quantity: 5 })).toEqual(['1', '2', '3', 'AF5-69H', '5']);
    expect(ok('1, 2, TG-4SR-92, 4+', { quantity: 5 })).toEqual(['1', '2', 'TG-4SR-92', '4', '5']);
    expect(ok('1 2 ~ ~ ~', { quantity: 5, after: '2' })).toEqual(['1', '2', '3', '4', '5']);
    expect(ok('1+', { quantity: 10 })).toEqual(range('', 1, 10));
    expect(ok('4, 1+2', { quantity: 4 })).toEqual(['4', '1', '2', '3']);
    expect(ok('~', { quantity: 1, after: '1' })).toEqual(['2']);
    expect(ok('~', { quantity: 1, after: '3' })).toEqual(['4']);
    expect(ok('~+', { quantity: 2, after: '4' })).toEqual(['5', '6']);
    expect(ok('~+3', { quantity: 4, after: '4' })).toEqual(['5', '6', '7', '8']);
  });

  it('test_simple: dashed ranges are one serial here; the same ranges written with ..', () => {
    expect(codes('1-5', { quantity: 5 })).toEqual(['count_mismatch']);
    expect(ok('1..5', { quantity: 5 })).toEqual(['1', '2', '3', '4', '5']);
    expect(ok('1 - 5', { quantity: 5 })).toEqual(['1', '2', '3', '4', '5']);
    expect(codes('11-30', { quantity: 20 })).toEqual(['count_mismatch']);
    expect(ok('11..30', { quantity: 20 })).toHaveLength(20);
    expect(codes('1-5, 10-15', { quantity: 11 })).toEqual(['count_mismatch']);
    const sn = ok('1..5, 10..15', { quantity: 11 });
    expect(sn).toContain('3');
    expect(sn).toContain('13');
  });

  it('test_failures: each is refused here too', () => {
    expect(codes('1,2,3,3,3', { quantity: 5 })).toEqual(['duplicate']);
    expect(codes('1,2,3', { quantity: 5 })).toEqual(['count_mismatch']);
    expect(codes(', , ,')).toEqual(['empty']);
    // Literal here ("10-2" is one serial), so refused for the count; 10..2 is refused as reversed.
    expect(codes('10-2', { quantity: 8 })).toEqual(['count_mismatch']);
    expect(codes('10..2', { quantity: 8 })).toEqual(['bad_range']);
    expect(codes('1-5-10', { quantity: 10 })).toEqual(['count_mismatch']);
    expect(codes('10, a, 7-70j', { quantity: 4 })).toEqual(['count_mismatch']);
    expect(codes('1, 2, 3, E-5', { quantity: 5 })).toEqual(['count_mismatch']);
    expect(codes('11-50', { quantity: 10 })).toEqual(['count_mismatch']);
    expect(codes('11..50', { quantity: 10 })).toEqual(['count_mismatch']);
  });

  it('test_failures: "1, A-2, 3+" is accepted here (A-2 is one serial)', () => {
    expect(ok('1, A-2, 3+', { quantity: 5 })).toEqual(['1', 'A-2', '3', '4', '5']);
  });

  it('test_combinations: the same with .. for the ranges', () => {
    expect(ok('1 3..5 9+2', { quantity: 7 })).toEqual(['1', '3', '4', '5', '9', '10', '11']);
    expect(ok('1,3..5,9+2', { quantity: 7 })).toEqual(['1', '3', '4', '5', '9', '10', '11']);
    expect(codes('1 3-5 9+2', { quantity: 7 })).toEqual(['count_mismatch']);
    expect(ok('~+2', { quantity: 3, after: '13' })).toEqual(['14', '15', '16']);
    expect(ok('~+', { quantity: 2, after: '13' })).toEqual(['14', '15']);
    const multi = ok('~+4, 20+4, 30+4', { quantity: 15, after: '10' });
    expect(multi).toHaveLength(15);
    for (const v of ['14', '24', '34']) expect(multi).toContain(v);
    const ranges = ok('11..20, 41..50, 91..100', { quantity: 30 });
    expect(ranges).toEqual([...range('', 11, 20), ...range('', 41, 50), ...range('', 91, 100)]);
  });
});

describe('what a client needs to confirm and to save', () => {
  const planOf = (expr: string, quantity?: number) => {
    const r = parseSerialExpression(expr, { quantity });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.plan;
  };

  it('says whether the text expands: literals and quoted text do not, ranges, counts, fills and ~ do', () => {
    expect(planOf('WID-100-0200').expands).toBe(false);
    expect(planOf('A1, A2 "A..B"').expands).toBe(false);
    for (const e of ['A1..A2', 'A1 - A2', 'A1+1', '~']) expect(planOf(e).expands).toBe(true);
    expect(planOf('A1+', 2).expands).toBe(true);
    expect(planOf('A1..A2').total).toBe(2);
  });

  it('marks the serials ~ made and where the next ~ continues', () => {
    const r = expandSerialPlan(planOf('X1, ~, "Y", ~+1'), 'B7');
    expect(r.ok && r).toMatchObject({
      serials: ['X1', 'B8', 'Y', 'B9', 'B10'],
      continuedAt: [1, 3, 4],
      lastNext: 'B10',
    });
    const none = expandSerialPlan(planOf('X1'), 'B7');
    expect(none.ok && none).toMatchObject({ continuedAt: [], lastNext: null });
    // A later entry continues after the last ~ of an earlier one: the receipt's splits.
    const next = expandSerialPlan(planOf('~'), 'B10');
    expect(next.ok && next.serials).toEqual(['B11']);
  });
});
