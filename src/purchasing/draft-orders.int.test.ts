import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { createTestApp, makeItem, makeLocation, type TestApp } from '../../test/support/test-app.js';
import { createPo, errorList, makeSupplier, problemOf, type PoJson } from '../../test/support/documents.js';

describeEachDialect('draft purchase orders', (dialect) => {
  let t: TestApp;
  let shelf: number;
  let supplierId: number;
  let alternator: number;
  let starter: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    shelf = await makeLocation(t.admin, 'R1-1A');
    supplierId = await makeSupplier(t.admin, 'Parts Wholesale Inc.');
    alternator = await makeItem(t.admin, 'ALT-12V', { primaryLocationId: shelf });
    starter = await makeItem(t.admin, 'STARTER-9', { primaryLocationId: shelf });
  });
  afterAll(() => t?.close());

  const edit = (id: number, body: Record<string, unknown>) =>
    t.admin.patch(`/api/purchase-orders/${id}`, body);
  const linesOf = (po: PoJson) => po.lines.map((l) => [l.lineNo, l.itemId, l.quantityOrdered, l.unitCost]);

  it("a draft's lines and notes are edited, then it is opened, in one request or two", async () => {
    const draft = await createPo(t.admin, supplierId, [{ itemId: alternator, quantityOrdered: 2 }], {
      status: 'draft',
      notes: 'Ask for the price',
    });
    const res = await edit(draft.id, {
      notes: ' Price agreed: 89.50 ',
      lines: [
        { itemId: starter, quantityOrdered: 4, unitCost: 120 },
        { itemId: alternator, quantityOrdered: 5, unitCost: 89.5 },
      ],
    });
    expect(res.statusCode).toBe(200);
    const edited = res.json<PoJson>();
    expect(edited).toMatchObject({ status: 'draft', notes: 'Price agreed: 89.50', number: draft.number });
    expect(linesOf(edited)).toEqual([
      [1, starter, 4, 120],
      [2, alternator, 5, 89.5],
    ]);
    expect(linesOf((await t.admin.get(`/api/purchase-orders/${draft.id}`)).json<PoJson>())).toEqual(
      linesOf(edited),
    );

    const opened = await edit(draft.id, {
      lines: [{ itemId: alternator, quantityOrdered: 3 }],
      status: 'open',
    });
    expect(opened.statusCode).toBe(200);
    expect(opened.json<PoJson>()).toMatchObject({ status: 'open' });
    expect(linesOf(opened.json<PoJson>())).toEqual([[1, alternator, 3, 0]]);
  });

  it('lines change only while Draft; an open order keeps its lines (its notes can still be written)', async () => {
    const open = await createPo(t.admin, supplierId, [{ itemId: alternator, quantityOrdered: 2 }]);
    const res = await edit(open.id, { notes: 'Changed', lines: [{ itemId: starter, quantityOrdered: 9 }] });
    expect(res.statusCode).toBe(409);
    expect(problemOf(res).code).toBe('PO_NOT_DRAFT');
    expect(problemOf(res).detail).toContain('only while it is a draft');
    const after = (await t.admin.get(`/api/purchase-orders/${open.id}`)).json<PoJson>();
    expect(after).toMatchObject({ notes: '' });
    expect(linesOf(after)).toEqual([[1, alternator, 2, 0]]);
    expect((await edit(open.id, { notes: 'Changed' })).json<PoJson>().notes).toBe('Changed');
  });

  it('bad lines are refused with every problem and change nothing; PO_MANAGE is needed', async () => {
    const draft = await createPo(t.admin, supplierId, [{ itemId: alternator, quantityOrdered: 2 }], {
      status: 'draft',
    });
    const bad = await edit(draft.id, {
      lines: [
        { itemId: 999999, quantityOrdered: 1 },
        { itemId: starter, quantityOrdered: 1 },
      ],
    });
    expect(bad.statusCode).toBe(422);
    expect(errorList(bad)).toEqual(['lines[0].itemId unknown_item']);
    expect(errorList(await edit(draft.id, { lines: [] }))).toEqual(['lines empty']);
    expect((await edit(draft.id, { lines: [{ itemId: starter, quantityOrdered: 0 }] })).statusCode).toBe(400);
    const clerk = await t.userWith(['INV_VIEW', 'PO_RECEIVE']);
    const denied = await clerk.patch(`/api/purchase-orders/${draft.id}`, {
      lines: [{ itemId: starter, quantityOrdered: 1 }],
    });
    expect(denied.statusCode).toBe(403);
    expect((await edit(999999, { lines: [{ itemId: starter, quantityOrdered: 1 }] })).statusCode).toBe(404);
    expect(linesOf((await t.admin.get(`/api/purchase-orders/${draft.id}`)).json<PoJson>())).toEqual([
      [1, alternator, 2, 0],
    ]);
  });
});
