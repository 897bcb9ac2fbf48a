import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  type TestApp,
} from '../../test/support/test-app.js';
import {
  createPo,
  makeCustomer,
  makeSupplier,
  problemOf,
  type ReceiptJson,
  type SaleJson,
} from '../../test/support/documents.js';

/**
 * The one serial rule on every path that saves or finds a serial: dashed codes are one serial as typed,
 * look-alikes (an invisible character, another Unicode form) are refused or found as the same serial.
 */
describeEachDialect('one serial rule on every path', (dialect) => {
  let t: TestApp;
  let loc: number;
  let itemId: number;
  let supplierId: number;
  let token: string;

  const ZWSP = 'SN\u200b9';
  const NFC = '\u00c4-1';
  const NFD = 'A\u0308-1';
  const DASHED = ['WID-100-0200', 'TG-4SR-92', 'SN-2024-0042', '2024-01-15', '00:1A:2B:3C:4D:5E', '123-456'];

  const numbersOf = async (id: number) =>
    (await t.admin.get(`/api/items/${id}/serials?limit=100`))
      .json<{ serials: { serialNumber: string }[] }>()
      .serials.map((s) => s.serialNumber)
      .sort();

  beforeAll(async () => {
    t = await createTestApp(dialect);
    loc = await makeLocation(t.admin, 'R1-1A');
    itemId = await makeItem(t.admin, 'RULE-1', { primaryLocationId: loc });
    supplierId = await makeSupplier(t.admin, 'Rule Supplies');
    token = (await t.services.auth.createTokenForUsername('admin', 'rule tests')).token;
    await addSerials(t.admin, itemId, ['SN9', NFC]);
  });
  afterAll(() => t?.close());

  it('Add Serial (list and expression) takes dashed serials literally, one each', async () => {
    const fresh = await makeItem(t.admin, 'RULE-DASH', { primaryLocationId: loc });
    const listed = await t.admin.post(`/api/items/${fresh}/serials`, {
      serials: DASHED.slice(0, 3).map((serialNumber) => ({ serialNumber })),
    });
    expect(listed.statusCode, listed.body).toBe(201);
    const typed = await t.admin.post(`/api/items/${fresh}/serials/from-expression`, {
      expression: DASHED.slice(3).join(', '),
      quantity: 3,
    });
    expect(typed.statusCode, typed.body).toBe(201);
    expect(await numbersOf(fresh)).toEqual([...DASHED].sort());
  });

  it('Add Serial from an expression saves exactly what the preview shows; a range needs ..', async () => {
    const fresh = await makeItem(t.admin, 'RULE-RANGE', { primaryLocationId: loc });
    const preview = await t.admin.post('/api/serial-expressions/expand', { expression: 'WID-100..WID-200' });
    const shown = preview.json<{ serials: string[] }>().serials;
    expect(shown).toHaveLength(101);
    const wrongCount = await t.admin.post(`/api/items/${fresh}/serials/from-expression`, {
      expression: 'WID-100..WID-200',
      quantity: 100,
    });
    expect(wrongCount.statusCode).toBe(422);
    expect(problemOf(wrongCount).errors!.map((e) => e.code)).toEqual(['count_mismatch']);
    expect(await numbersOf(fresh)).toEqual([]);
    const saved = await t.admin.post(`/api/items/${fresh}/serials/from-expression`, {
      expression: 'WID-100..WID-200',
      quantity: 101,
    });
    expect(saved.statusCode, saved.body).toBe(201);
    expect(saved.json<{ serials: { serialNumber: string }[] }>().serials.map((s) => s.serialNumber)).toEqual(
      shown,
    );
    const huge = await t.admin.post(`/api/items/${fresh}/serials/from-expression`, {
      expression: Array.from({ length: 100 }, () => '1..99999').join(','),
    });
    expect(huge.statusCode).toBe(422);
    expect(problemOf(huge).code).toBe('TOO_MANY_SERIALS');
  });

  it('Add Serial refuses an invisible character, naming it, and stores NFD as the NFC serial', async () => {
    const res = await t.admin.post(`/api/items/${itemId}/serials`, { serials: [{ serialNumber: ZWSP }] });
    expect(res.statusCode).toBe(422);
    const problem = problemOf(res);
    expect(problem.errors!.map((e) => e.code)).toEqual(['invisible_character']);
    expect(problem.errors![0]!.message).toContain('character 3 is a zero-width space (U+200B)');
    const bom = await t.admin.post(`/api/items/${itemId}/serials/from-expression`, {
      expression: '\ufeffSN10',
    });
    expect(problemOf(bom).errors!.map((e) => e.code)).toEqual(['invisible_character']);
    const lone = await t.admin.post(`/api/items/${itemId}/serials`, {
      serials: [{ serialNumber: 'x\ud800y' }],
    });
    // Half a surrogate pair cannot be stored anywhere, so the request-wide check refuses it first (400);
    // the serial rule refuses it too where text arrives another way (a CSV file, the CLI).
    expect(lone.statusCode).toBe(400);
    expect(problemOf(lone).errors!.map((e) => e.code)).toEqual(['lone_surrogate']);
    // NFD "Ä" is the NFC serial already there.
    const nfd = await t.admin.post(`/api/items/${itemId}/serials`, { serials: [{ serialNumber: NFD }] });
    expect(nfd.statusCode).toBe(409);
    expect(await numbersOf(itemId)).toEqual(['SN9', NFC].sort());
  });

  it('receiving refuses an invisible character and takes dashed serials literally', async () => {
    const po = await createPo(t.admin, supplierId, [{ itemId, quantityOrdered: 10 }]);
    const lineId = po.lines[0]!.id;
    const receive = (allocation: Record<string, unknown>) =>
      t.admin.post(`/api/purchase-orders/${po.id}/receipts`, {
        lines: [{ lineId, allocations: [{ locationId: loc, ...allocation }] }],
      });
    const bad = await receive({ quantity: 2, serials: ['R-1', ZWSP] });
    expect(bad.statusCode).toBe(422);
    expect(problemOf(bad).errors!.map((e) => [e.field, e.code])).toEqual([
      ['lines[0].allocations[0].serials[1]', 'invisible_character'],
    ]);
    const badExpr = await receive({ quantity: 1, serialExpression: ZWSP });
    expect(problemOf(badExpr).errors!.map((e) => [e.field, e.code])).toEqual([
      ['lines[0].allocations[0].serialExpression', 'invisible_character'],
    ]);
    const ok = await receive({ quantity: 2, serialExpression: 'PN-10-12, AF5-69H' });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json<ReceiptJson>().serials.map((s) => s.serialNumber)).toEqual(['PN-10-12', 'AF5-69H']);
    const listed = await receive({ quantity: 1, serials: ['WID-100-0200'] });
    expect(listed.json<ReceiptJson>().serials.map((s) => s.serialNumber)).toEqual(['WID-100-0200']);
    const nfd = await receive({ quantity: 1, serials: [NFD] });
    expect(nfd.statusCode).toBe(422);
    expect(problemOf(nfd).errors!.map((e) => e.code)).toEqual(['already_exists']);
  });

  it('sales name the invisible character instead of "not found", and find NFD as NFC', async () => {
    const customerId = await makeCustomer(t.admin, 'Rule Garage');
    const bad = await t.admin.post('/api/sales', { customerId, lines: [{ itemId, serialNumbers: [ZWSP] }] });
    expect(bad.statusCode).toBe(422);
    expect(problemOf(bad).errors!.map((e) => e.code)).toContain('invisible_character');
    const sold = await t.admin.post('/api/sales', { customerId, lines: [{ itemId, serialNumbers: [NFD] }] });
    expect(sold.statusCode, sold.body).toBe(201);
    expect(sold.json<SaleJson>().lines[0]!.serials.map((s) => s.serialNumber)).toEqual([NFC]);
  });

  it('lookup finds NFD as NFC and explains an invisible character', async () => {
    const found = await t.admin.get(`/api/serials/lookup?q=${encodeURIComponent(NFD)}`);
    expect(found.json<{ matches: { serialNumber: string }[] }>().matches.map((m) => m.serialNumber)).toEqual([
      NFC,
    ]);
    const hidden = await t.admin.get(`/api/serials/lookup?q=${encodeURIComponent(ZWSP)}`);
    expect(hidden.statusCode).toBe(422);
    expect(problemOf(hidden).errors!.map((e) => e.code)).toEqual(['invisible_character']);
  });

  it('renumbering refuses an invisible character', async () => {
    const [s] = await addSerials(t.admin, itemId, ['REN-1']);
    const res = await t.admin.post(`/api/serials/${s!.id}/renumber`, { serialNumber: 'REN\u200d2' });
    expect(res.statusCode).toBe(422);
    expect(problemOf(res).errors!.map((e) => e.code)).toEqual(['invisible_character']);
  });

  it('the CSV import refuses an invisible character on its line and takes dashed serials literally', async () => {
    const imp = await t.admin.post('/api/imports', { fileName: 'serials.csv', itemId });
    expect(imp.statusCode, imp.body).toBe(201);
    const csv = `Serial Number\nIMP-2024-01-15\n${ZWSP}\n00:1A:2B:3C:4D:6E\n`;
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/imports/${imp.json<{ id: number }>().id}/file`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    const report = res.json<{ report: { errors: { line: number; code: string; message: string }[] } }>()
      .report;
    expect(report.errors.map((e) => [e.line, e.code])).toEqual([[3, 'invisible_character']]);
    expect(report.errors[0]!.message).toContain('U+200B');
  });
});
