import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  type TestApp,
} from '../../test/support/test-app.js';
import { adjustStock } from '../../test/support/documents.js';

interface Row {
  sku: string;
  quantityOnHand: number;
  serialsPresent: number | null;
  mismatch: number;
}
interface Page {
  items: Row[];
  nextCursor: string | null;
}

describeEachDialect('the Items list with stock', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const shelf = await makeLocation(t.admin, 'R1-1A');
    // MATCH-1: 2 on hand, 2 serials. MORE-QTY: 3 on hand, 1 serial. MORE-SN: 0 on hand, 2 serials.
    // PLAIN: not tracked, 5 on hand (no mismatch: it has no serials to match).
    const match = await makeItem(t.admin, 'MATCH-1', { primaryLocationId: shelf });
    await addSerials(t.admin, match, ['M1', 'M2']);
    await adjustStock(t.admin, match, shelf, 2);
    const moreQty = await makeItem(t.admin, 'MORE-QTY', { primaryLocationId: shelf });
    await addSerials(t.admin, moreQty, ['Q1']);
    await adjustStock(t.admin, moreQty, shelf, 3);
    const moreSn = await makeItem(t.admin, 'MORE-SN', { primaryLocationId: shelf });
    await addSerials(t.admin, moreSn, ['S1', 'S2']);
    const plain = await makeItem(t.admin, 'PLAIN', { trackSerials: false });
    await adjustStock(t.admin, plain, shelf, 5);
  });
  afterAll(() => t?.close());

  const list = async (query: string) => {
    const res = await t.admin.get(`/api/items/stock-list${query}`);
    expect(res.statusCode).toBe(200);
    return res.json<Page>();
  };

  it('shows quantity on hand, serials present and the mismatch per item', async () => {
    const page = await list('');
    expect(
      page.items.map(({ sku, quantityOnHand, serialsPresent, mismatch }) => ({
        sku,
        quantityOnHand,
        serialsPresent,
        mismatch,
      })),
    ).toEqual([
      { sku: 'MATCH-1', quantityOnHand: 2, serialsPresent: 2, mismatch: 0 },
      { sku: 'MORE-QTY', quantityOnHand: 3, serialsPresent: 1, mismatch: 2 },
      { sku: 'MORE-SN', quantityOnHand: 0, serialsPresent: 2, mismatch: -2 },
      { sku: 'PLAIN', quantityOnHand: 5, serialsPresent: null, mismatch: 0 },
    ]);
  });

  it('filters to the items whose serials do not match, and sorts by any figure', async () => {
    expect((await list('?mismatch=true')).items.map((r) => r.sku)).toEqual(['MORE-QTY', 'MORE-SN']);
    expect((await list('?sort=mismatch&dir=desc')).items.map((r) => r.sku)).toEqual([
      'MORE-QTY',
      'PLAIN',
      'MATCH-1',
      'MORE-SN',
    ]);
    expect((await list('?sort=quantityOnHand')).items.map((r) => r.sku)).toEqual([
      'MORE-SN',
      'MATCH-1',
      'MORE-QTY',
      'PLAIN',
    ]);
    expect((await list('?q=more&sort=serialsPresent&dir=desc')).items.map((r) => r.sku)).toEqual([
      'MORE-SN',
      'MORE-QTY',
    ]);
  });

  it('pages by keyset under every sort, and refuses a forged cursor', async () => {
    for (const sort of ['sku', 'name', 'quantityOnHand', 'serialsPresent', 'mismatch']) {
      for (const dir of ['asc', 'desc']) {
        const all = (await list(`?sort=${sort}&dir=${dir}`)).items.map((r) => r.sku);
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: Page = await list(
            `?sort=${sort}&dir=${dir}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          );
          seen.push(...page.items.map((r) => r.sku));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen, `${sort} ${dir}`).toEqual(all);
      }
    }
    const forged = Buffer.from(JSON.stringify(['x', 'MATCH-1'])).toString('base64url');
    const res = await t.admin.get(`/api/items/stock-list?sort=mismatch&cursor=${forged}`);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ code: string }>().code).toBe('BAD_CURSOR');
  });
});
