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

  it('expands ranges, counts and lists', async () => {
    expect(await serialsOf({ expression: 'AB01-AB03' })).toEqual(['AB01', 'AB02', 'AB03']);
    expect(await serialsOf({ expression: 'SN098-SN101, X1\nQ7+2' })).toEqual([
      'SN098',
      'SN099',
      'SN100',
      'SN101',
      'X1',
      'Q7',
      'Q8',
      'Q9',
    ]);
    expect(await serialsOf({ expression: 'SN100-103' })).toEqual(['SN100', 'SN101', 'SN102', 'SN103']);
    // S+ fills the quantity; with as many items as the quantity every item is literal.
    expect(await serialsOf({ expression: 'Q001+', quantity: 3 })).toEqual(['Q001', 'Q002', 'Q003']);
    expect(await serialsOf({ expression: 'AF5-69H', quantity: 1 })).toEqual(['AF5-69H']);
    expect(await serialsOf({ expression: '00:1A:2B:3C:4D:5E 00:1A:2B:3C:4D:5F', quantity: 2 })).toEqual([
      '00:1A:2B:3C:4D:5E',
      '00:1A:2B:3C:4D:5F',
    ]);
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
    const res = await expand({ expression: 'B05-B01, X+, ~, A1 A1, Z9+999999' });
    expect(res.statusCode).toBe(422);
    const problem = problemOf(res);
    expect(problem.code).toBe('BAD_SERIAL_EXPRESSION');
    expect(problem.errors!.map((e) => e.code).sort()).toEqual([
      'bad_range',
      'duplicate',
      'fill_without_quantity', // X+ without a quantity…
      'no_number', // …and X has no number to count from
      'no_previous',
      'too_many',
    ]);
    expect(problem.errors!.every((e) => e.field === 'expression' && e.message.length > 0)).toBe(true);
    expect(problem.detail).toContain('6 problem(s)');

    const counts = await expand({ expression: 'A1-A3', quantity: 2 });
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
    const res = await viewer.post('/api/serial-expressions/expand', { expression: 'A1-A2' });
    expect(res.statusCode).toBe(200);
    const nobody = await t.userWith([]);
    expect((await nobody.post('/api/serial-expressions/expand', { expression: 'A1-A2' })).statusCode).toBe(
      403,
    );
  });
});
