import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  type TestApp,
} from '../../test/support/test-app.js';
import { problemOf } from '../../test/support/documents.js';

describeEachDialect('serial expression preview', (dialect) => {
  let t: TestApp;
  let itemId: number;
  let emptyItem: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const loc = await makeLocation(t.admin, 'R1-1A');
    itemId = await makeItem(t.admin, 'EXP-1', { primaryLocationId: loc });
    // Created in this order: the latest is LT-0010 although LT-0099 sorts higher.
    await addSerials(t.admin, itemId, ['LT-0099']);
    await addSerials(t.admin, itemId, ['LT-0009']);
    await addSerials(t.admin, itemId, ['LT-0010']);
    emptyItem = await makeItem(t.admin, 'EXP-EMPTY', { primaryLocationId: loc });
  });
  afterAll(() => t?.close());

  const expand = (body: Record<string, unknown>) => t.admin.post('/api/serial-expressions/expand', body);
  const serialsOf = async (body: Record<string, unknown>) => {
    const res = await expand(body);
    expect(res.statusCode).toBe(200);
    return res.json<{ serials: string[] }>().serials;
  };

  it('expands ranges, counts and lists; one token with dashes is one serial', async () => {
    expect(await serialsOf({ expression: 'AB01..AB03' })).toEqual(['AB01', 'AB02', 'AB03']);
    expect(await serialsOf({ expression: 'SN098..SN101, X1\nQ7+2' })).toEqual([
      'SN098',
      'SN099',
      'SN100',
      'SN101',
      'X1',
      'Q7',
      'Q8',
      'Q9',
    ]);
    expect(await serialsOf({ expression: 'SN100..103' })).toEqual(['SN100', 'SN101', 'SN102', 'SN103']);
    expect(await serialsOf({ expression: 'SN100 - SN102' })).toEqual(['SN100', 'SN101', 'SN102']);
    expect(await serialsOf({ expression: 'Q001+', quantity: 3 })).toEqual(['Q001', 'Q002', 'Q003']);
    for (const literal of ['WID-100-0200', 'PN-10-12', 'TG-4SR-92', '2024-01-15', 'AF5-69H', '1-5'])
      expect(await serialsOf({ expression: literal })).toEqual([literal]);
    expect(await serialsOf({ expression: '00:1A:2B:3C:4D:5E 00:1A:2B:3C:4D:5F', quantity: 2 })).toEqual([
      '00:1A:2B:3C:4D:5E',
      '00:1A:2B:3C:4D:5F',
    ]);
  });

  it('refuses what Save refuses: over 100 characters, control and invisible characters', async () => {
    for (const [expression, code] of [
      ['z'.repeat(101), 'too_long'],
      ['SN\u200b9', 'invisible_character'],
      ['SN\u00079', 'control_character'],
      ['-', 'lone_operator'],
      ['SN1+-1', 'bad_plus'],
    ]) {
      const res = await expand({ expression });
      expect(res.statusCode, expression).toBe(422);
      expect(problemOf(res).errors!.map((e) => e.code)).toEqual([code]);
    }
    // Half a surrogate pair cannot be stored at all: the request-wide check refuses it, as it does on Save.
    const lone = await expand({ expression: 'x\ud800y' });
    expect(lone.statusCode).toBe(400);
    expect(problemOf(lone).errors!.map((e) => e.code)).toEqual(['lone_surrogate']);
  });

  it('refuses an expression over the limit with TOO_MANY_SERIALS, counting before making any', async () => {
    const hundred = await expand({ expression: Array.from({ length: 100 }, () => '1..99999').join(',') });
    expect(hundred.statusCode).toBe(422);
    expect(problemOf(hundred).code).toBe('TOO_MANY_SERIALS');
    expect(problemOf(hundred).errors!.map((e) => e.code)).toEqual(['too_many_serials']);
    const ranges = Array.from({ length: 2000 }, (_, i) => `R${i}-1..R${i}-99999`).join(',');
    const many = await expand({ expression: ranges });
    expect(many.statusCode).toBe(422);
    expect(problemOf(many).code).toBe('TOO_MANY_SERIALS');
    // 2,000 of InvenTree's dashed ranges are 2,000 times one serial here: refused as duplicates, at once.
    const dashed = await expand({ expression: Array.from({ length: 2000 }, () => '1-99999').join(',') });
    expect(dashed.statusCode).toBe(422);
    expect(problemOf(dashed).errors!.map((e) => e.code)).toEqual(['duplicate']);
    // The server still answers.
    expect((await expand({ expression: 'A1' })).statusCode).toBe(200);
  });

  it("continues with ~ after the item's latest serial; `after` overrides it", async () => {
    expect(await serialsOf({ expression: '~', itemId })).toEqual(['LT-0011']);
    expect(await serialsOf({ expression: '~+2', itemId })).toEqual(['LT-0011', 'LT-0012', 'LT-0013']);
    expect(await serialsOf({ expression: '~+', itemId, quantity: 4 })).toEqual([
      'LT-0011',
      'LT-0012',
      'LT-0013',
      'LT-0014',
    ]);
    // One item for a quantity of one is taken literally, but ~ is never a serial: it still continues.
    expect(await serialsOf({ expression: '~', itemId, quantity: 1 })).toEqual(['LT-0011']);
    expect(await serialsOf({ expression: '~', itemId, after: 'Z-99' })).toEqual(['Z-100']);
    expect(await serialsOf({ expression: '~+1', after: 'BOX009A' })).toEqual(['BOX010A', 'BOX011A']);
    // After a new serial is added, ~ follows it.
    await addSerials(t.admin, itemId, ['LT-0500']);
    expect(await serialsOf({ expression: '~', itemId })).toEqual(['LT-0501']);

    const none = await expand({ expression: '~', itemId: emptyItem });
    expect(none.statusCode).toBe(422);
    expect(problemOf(none).errors!.map((e) => e.code)).toEqual(['no_previous']);
    const noNumber = await expand({ expression: '~', after: 'ABC' });
    expect(noNumber.statusCode).toBe(422);
    expect(problemOf(noNumber).errors!.map((e) => e.code)).toEqual(['no_number']);
    const missing = await expand({ expression: '~', itemId: 999999 });
    expect(missing.statusCode).toBe(404);
  });

  it('a bad expression is 422 BAD_SERIAL_EXPRESSION listing every problem', async () => {
    const res = await expand({ expression: 'B05..B01, X+, A1+-1, - , Z9+9' });
    expect(res.statusCode).toBe(422);
    const problem = problemOf(res);
    expect(problem.code).toBe('BAD_SERIAL_EXPRESSION');
    expect(problem.errors!.map((e) => e.code).sort()).toEqual([
      'bad_plus',
      'bad_range',
      'lone_operator',
      'no_number', // X has no number to count from
    ]);
    expect(problem.errors!.every((e) => e.field === 'expression' && e.message.length > 0)).toBe(true);
    expect(problem.detail).toContain('4 problem(s)');

    const dupes = await expand({ expression: 'A1 A1, ~', after: 'A0' });
    expect(problemOf(dupes).errors!.map((e) => e.code)).toEqual(['duplicate']);
    const counts = await expand({ expression: 'A1..A3', quantity: 2 });
    expect(counts.statusCode).toBe(422);
    expect(problemOf(counts).errors!.map((e) => e.code)).toEqual(['count_mismatch']);
    const fills = await expand({ expression: 'A1+ B1+ C1', quantity: 5 });
    expect(problemOf(fills).errors!.map((e) => e.code)).toEqual(['two_fills']);
    const empty = await expand({ expression: ' , \n ' });
    expect(empty.statusCode).toBe(422);
    expect(problemOf(empty).errors!.map((e) => e.code)).toEqual(['empty']);
    const badBody = await expand({ expression: 'A1', quantity: 0 });
    expect(badBody.statusCode).toBe(400);
  });

  it('needs INV_VIEW only', async () => {
    const viewer = await t.userWith(['INV_VIEW']);
    const res = await viewer.post('/api/serial-expressions/expand', { expression: 'A1..A2' });
    expect(res.statusCode).toBe(200);
    const nobody = await t.userWith([]);
    expect((await nobody.post('/api/serial-expressions/expand', { expression: 'A1..A2' })).statusCode).toBe(
      403,
    );
  });
});
