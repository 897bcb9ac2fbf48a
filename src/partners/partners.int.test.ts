import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  type Client,
  type TestApp,
} from '../../test/support/test-app.js';
import {
  adjustStock,
  createPo,
  makeCustomer,
  makeSupplier,
  problemOf,
  todayPlusMonths,
  type SaleJson,
} from '../../test/support/documents.js';

interface CustomerSerialJson {
  id: number;
  serialNumber: string;
  itemId: number;
  itemSku: string;
  itemName: string;
  status: string;
  statusLabel: string;
  warrantyEndDate: string | null;
  warrantyStatus: string;
  usedOn: { type: string; number: string | null } | null;
  locationCode: string;
  updatedAt: string;
}
interface CustomerSerialPageJson {
  serials: CustomerSerialJson[];
  nextCursor: string | null;
}

interface PartnerJson {
  id: number;
  name: string;
  contact: string;
  notes: string;
}

describeEachDialect('suppliers and customers', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t?.close());

  async function create(
    table: 'suppliers' | 'customers',
    name: string,
    client: Client = t.admin,
    allowDuplicateName = false,
  ) {
    const res = await client.post(
      `/api/${table}`,
      allowDuplicateName ? { name, allowDuplicateName } : { name },
    );
    expect(res.statusCode).toBe(201);
    return res.json<PartnerJson>();
  }

  /** Every page of a search, following the cursor; bounded so a broken cursor cannot loop forever. */
  async function allPages(table: string, query: string, limit: number): Promise<PartnerJson[][]> {
    const pages: PartnerJson[][] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 50; guard++) {
      const url: string = `/api/${table}?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.admin.get(url);
      expect(res.statusCode).toBe(200);
      const body = res.json<Record<string, unknown> & { nextCursor: string | null }>();
      pages.push(body[table] as PartnerJson[]);
      cursor = body.nextCursor;
      if (!cursor) return pages;
    }
    throw new Error('paging did not end');
  }

  for (const table of ['suppliers', 'customers'] as const) {
    it(`creates and edits ${table}`, async () => {
      const res = await t.admin.post(`/api/${table}`, {
        name: '  Northwind Traders ',
        contact: ' orders@northwind.test ',
        notes: 'Net 30',
      });
      expect(res.statusCode).toBe(201);
      const p = res.json<PartnerJson>();
      expect(p).toEqual({
        id: expect.any(Number) as number,
        name: 'Northwind Traders',
        contact: 'orders@northwind.test',
        notes: 'Net 30',
      });
      const bare = await create(table, 'Bare Minimum');
      expect(bare).toMatchObject({ contact: '', notes: '' });

      const edited = await t.admin.patch(`/api/${table}/${p.id}`, { contact: 'Jane, 555-0100' });
      expect(edited.statusCode).toBe(200);
      expect(edited.json<PartnerJson>()).toEqual({ ...p, contact: 'Jane, 555-0100' });
      const renamed = await t.admin.patch(`/api/${table}/${p.id}`, { name: 'Northwind Ltd' });
      expect(renamed.json<PartnerJson>()).toMatchObject({ name: 'Northwind Ltd', contact: 'Jane, 555-0100' });
      expect((await t.admin.get(`/api/${table}/${p.id}`)).json<PartnerJson>()).toEqual({
        ...p,
        name: 'Northwind Ltd',
        contact: 'Jane, 555-0100',
      });
      // An empty edit changes nothing.
      expect((await t.admin.patch(`/api/${table}/${p.id}`, {})).json<PartnerJson>().name).toBe(
        'Northwind Ltd',
      );

      // The forms show the server's words, so they must be plain.
      const blank = await t.admin.post(`/api/${table}`, { name: '   ' });
      expect(blank.statusCode).toBe(400);
      expect(problemOf(blank).code).toBe('VALIDATION_FAILED');
      expect(problemOf(blank).detail).toContain('body.name: Enter a name.');
      const blankEdit = await t.admin.patch(`/api/${table}/${p.id}`, { name: '' });
      expect(blankEdit.statusCode).toBe(400);
      expect(problemOf(blankEdit).detail).toContain('body.name: Enter a name.');
      const long = await t.admin.post(`/api/${table}`, { name: 'x'.repeat(201) });
      expect(problemOf(long).detail).toContain('Use at most 200 characters for the name.');
      const missing = await t.admin.patch(`/api/${table}/999999`, { name: 'Ghost' });
      expect(missing.statusCode).toBe(404);
      expect(problemOf(missing).code).toBe('NOT_FOUND');
      expect((await t.admin.get(`/api/${table}/999999`)).statusCode).toBe(404);
    });
  }

  it('needs PARTNERS_MANAGE to create or edit; INV_VIEW reads', async () => {
    const viewer = await t.userWith(['INV_VIEW']);
    const c = await create('customers', 'Visible Customer');
    expect((await viewer.post('/api/customers', { name: 'Nope' })).statusCode).toBe(403);
    expect((await viewer.patch(`/api/customers/${c.id}`, { name: 'Nope' })).statusCode).toBe(403);
    expect((await viewer.post('/api/suppliers', { name: 'Nope' })).statusCode).toBe(403);
    expect((await viewer.get(`/api/customers/${c.id}`)).statusCode).toBe(200);
    expect((await viewer.get('/api/customers?q=visible')).statusCode).toBe(200);
    const clerk = await t.userWith(['INV_VIEW', 'PARTNERS_MANAGE']);
    await create('customers', 'Made By Clerk', clerk);
    expect((await t.admin.get('/api/customers?q=Nope')).json<{ customers: unknown[] }>().customers).toEqual(
      [],
    );
  });

  it('searches customers by name, case-insensitive contains, with _ and % taken literally', async () => {
    for (const name of [
      'Acme Corporation',
      'ACME Tools',
      'The acme shop',
      'Bolt_Works',
      'BoltXWorks',
      '100% Parts',
      '100 Parts',
      'Back\\Slash Motors',
    ]) {
      await create('customers', name);
    }
    const search = async (q: string) => {
      const res = await t.admin.get(`/api/customers?q=${encodeURIComponent(q)}&limit=100`);
      expect(res.statusCode).toBe(200);
      return res
        .json<{ customers: PartnerJson[] }>()
        .customers.map((c) => c.name)
        .sort();
    };
    expect(await search('acme')).toEqual(['ACME Tools', 'Acme Corporation', 'The acme shop']);
    expect(await search('ACME T')).toEqual(['ACME Tools']);
    expect(await search('corp')).toEqual(['Acme Corporation']);
    expect(await search('t_w')).toEqual(['Bolt_Works']);
    expect(await search('_')).toEqual(['Bolt_Works']);
    expect(await search('0%')).toEqual(['100% Parts']);
    expect(await search('%')).toEqual(['100% Parts']);
    expect(await search('\\s')).toEqual(['Back\\Slash Motors']);
    expect(await search('nothing like this')).toEqual([]);
    // Suppliers are searched separately.
    expect(await search('northwind')).toEqual(['Northwind Ltd']);
    const suppliers = await t.admin.get('/api/suppliers?q=acme');
    expect(suppliers.json<{ suppliers: unknown[] }>().suppliers).toEqual([]);
  });

  it('finds customers and suppliers by contact too, ignoring case', async () => {
    const phone = await create('customers', 'Warranty Caller');
    await t.admin.patch(`/api/customers/${phone.id}`, { contact: 'Dana Ruiz, 555-0199, DANA@garage.test' });
    const names = async (table: string, q: string) => {
      const res = await t.admin.get(`/api/${table}?q=${encodeURIComponent(q)}&limit=100`);
      return (res.json<Record<string, PartnerJson[]>>()[table] ?? []).map((c) => c.name);
    };
    expect(await names('customers', '555-0199')).toEqual(['Warranty Caller']);
    expect(await names('customers', 'dana@GARAGE')).toEqual(['Warranty Caller']);
    expect(await names('customers', 'ruiz')).toEqual(['Warranty Caller']);
    await t.admin.post('/api/suppliers', { name: 'Contact Search Supplier', contact: 'sales@gears.test' });
    expect(await names('suppliers', 'GEARS.test')).toEqual(['Contact Search Supplier']);
    expect(await names('customers', 'gears.test')).toEqual([]);
  });

  it("lists one supplier's purchase orders, newest first, paged", async () => {
    const location = await makeLocation(t.admin, 'PARTNER-LOC');
    const itemId = await makeItem(t.admin, 'PARTNER-ITEM', { primaryLocationId: location });
    const mine = await makeSupplier(t.admin, 'Supplier With Orders');
    const other = await makeSupplier(t.admin, 'Other Supplier');
    const lines = [{ itemId, quantityOrdered: 1 }];
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await createPo(t.admin, mine, lines)).id);
      await createPo(t.admin, other, lines);
    }
    type PoPage = { purchaseOrders: { id: number; supplierName: string }[]; nextCursor: string | null };
    const first = (await t.admin.get(`/api/purchase-orders?supplierId=${mine}&limit=2`)).json<PoPage>();
    const second = (
      await t.admin.get(`/api/purchase-orders?supplierId=${mine}&limit=2&cursor=${first.nextCursor}`)
    ).json<PoPage>();
    expect([...first.purchaseOrders, ...second.purchaseOrders].map((p) => p.id)).toEqual(ids.reverse());
    expect(second.nextCursor).toBeNull();
    expect(new Set(first.purchaseOrders.map((p) => p.supplierName))).toEqual(
      new Set(['Supplier With Orders']),
    );
    const none = await t.admin.get(`/api/purchase-orders?supplierId=999999`);
    expect(none.json<PoPage>().purchaseOrders).toEqual([]);
    const bad = await t.admin.get('/api/purchase-orders?supplierId=abc');
    expect(bad.statusCode).toBe(400);
    expect(problemOf(bad).code).toBe('VALIDATION_FAILED');
  });

  it('pages by name with a keyset cursor, ties broken by id, also within a search', async () => {
    // 23 customers, several sharing a name so that page ends fall inside a run of equal names.
    const names = Array.from(
      { length: 23 },
      (_, i) => `Paged ${String.fromCharCode(65 + Math.floor(i / 3))}`,
    );
    // Same names on purpose: the request says so (a likely duplicate is otherwise refused).
    for (const name of [...names].reverse()) await create('customers', name, t.admin, true);
    const pages = await allPages('customers', '&q=paged', 4);
    expect(pages.map((p) => p.length)).toEqual([4, 4, 4, 4, 4, 3]);
    expect(pages.flat().map((p) => p.name)).toEqual([...names].sort());

    // Ids within one name come in ascending order, each exactly once.
    const ids: number[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 50; guard++) {
      const url: string = `/api/customers?q=Paged%20A&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await t.admin.get(url)).json<{ customers: PartnerJson[]; nextCursor: string | null }>();
      ids.push(...body.customers.map((c) => c.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(ids).toHaveLength(3);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    // Unfiltered paging covers every customer once.
    const everyone = (await allPages('customers', '', 7)).flat();
    expect(everyone.filter((p) => p.name.startsWith('Paged '))).toHaveLength(23);
    expect(new Set(everyone.map((p) => p.id)).size).toBe(everyone.length);

    const bad = await t.admin.get('/api/customers?cursor=garbage');
    expect(bad.statusCode).toBe(400);
    expect(problemOf(bad).code).toBe('BAD_CURSOR');
  });

  it('lists the serials sold to a customer with their warranty, newest sale first, paged', async () => {
    const location = await makeLocation(t.admin, 'SOLD-LOC');
    const alternator = await makeItem(t.admin, 'SOLD-ALT', {
      primaryLocationId: location,
      warrantyMonths: 12,
    });
    const belt = await makeItem(t.admin, 'SOLD-BELT', { primaryLocationId: location, warrantyMonths: 0 });
    await addSerials(t.admin, alternator, ['A-1', 'A-2', 'A-3', 'A-4', 'A-5', 'A-6']);
    await addSerials(t.admin, belt, ['B-1', 'B-2']);
    await adjustStock(t.admin, alternator, location, 6);
    await adjustStock(t.admin, belt, location, 2);
    const buyer = await makeCustomer(t.admin, 'Serials Buyer');
    const other = await makeCustomer(t.admin, 'Someone Else');
    const nobody = await makeCustomer(t.admin, 'Bought Nothing');
    const sell = async (customerId: number, lines: { itemId: number; serialNumbers: string[] }[]) => {
      const res = await t.admin.post('/api/sales', {
        customerId,
        complete: true,
        lines: lines.map((l) => ({ ...l, quantity: l.serialNumbers.length })),
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<SaleJson>();
    };
    const first = await sell(buyer, [{ itemId: alternator, serialNumbers: ['A-1', 'A-2', 'A-3'] }]);
    await sell(other, [{ itemId: alternator, serialNumbers: ['A-4'] }]);
    const second = await sell(buyer, [
      { itemId: alternator, serialNumbers: ['A-5'] },
      { itemId: belt, serialNumbers: ['B-1'] },
    ]);
    // An open sale only reserves: the unit is not the customer's yet.
    const open = await t.admin.post('/api/sales', {
      customerId: buyer,
      lines: [{ itemId: alternator, serialNumbers: ['A-6'], quantity: 1 }],
    });
    expect(open.statusCode).toBe(201);

    const url = (customerId: number, query = '') => `/api/customers/${customerId}/serials${query}`;
    const all = await t.admin.get(url(buyer));
    expect(all.statusCode).toBe(200);
    const body = all.json<CustomerSerialPageJson>();
    expect(body.nextCursor).toBeNull();
    // The later sale's units first; units of one sale share a time and come newest id first.
    expect(
      body.serials
        .slice(0, 2)
        .map((s) => s.serialNumber)
        .sort(),
    ).toEqual(['A-5', 'B-1']);
    expect(body.serials.slice(2).map((s) => s.serialNumber)).toEqual(['A-3', 'A-2', 'A-1']);
    const byNumber = Object.fromEntries(body.serials.map((s) => [s.serialNumber, s]));
    expect(byNumber['A-1']).toMatchObject({
      itemId: alternator,
      itemSku: 'SOLD-ALT',
      itemName: 'Item SOLD-ALT',
      status: 'sold',
      statusLabel: 'Sold',
      warrantyEndDate: todayPlusMonths(12),
      warrantyStatus: 'under_warranty',
      usedOn: { type: 'sale', number: first.number },
      locationCode: 'SOLD-LOC',
    });
    expect(byNumber['B-1']).toMatchObject({
      itemSku: 'SOLD-BELT',
      warrantyEndDate: null,
      warrantyStatus: 'no_warranty',
      usedOn: { type: 'sale', number: second.number },
    });

    // Page by page, each serial exactly once and in the same order, the last page saying so.
    const paged: CustomerSerialJson[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const res = await t.admin.get(url(buyer, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      expect(res.statusCode).toBe(200);
      const page = res.json<CustomerSerialPageJson>();
      paged.push(...page.serials);
      sizes.push(page.serials.length);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(sizes).toEqual([2, 2, 1]);
    expect(paged.map((s) => s.id)).toEqual(body.serials.map((s) => s.id));

    // Another customer's purchase stays theirs.
    const theirs = (await t.admin.get(url(other))).json<CustomerSerialPageJson>();
    expect(theirs.serials.map((s) => s.serialNumber)).toEqual(['A-4']);
    expect((await t.admin.get(url(nobody))).json<CustomerSerialPageJson>()).toEqual({
      serials: [],
      nextCursor: null,
    });

    // Readable with INV_VIEW alone.
    const viewer = await t.userWith(['INV_VIEW']);
    expect((await viewer.get(url(buyer, '?limit=1'))).json<CustomerSerialPageJson>().serials).toHaveLength(1);
  });

  it('refuses the serials of an unknown customer, a bad cursor and an oversized page', async () => {
    const missing = await t.admin.get('/api/customers/999999/serials');
    expect(missing.statusCode).toBe(404);
    expect(problemOf(missing).code).toBe('NOT_FOUND');
    const customer = await makeCustomer(t.admin, 'Cursor Tester');
    for (const cursor of ['garbage', Buffer.from('["2024-01-01", "x"]').toString('base64url')]) {
      const bad = await t.admin.get(`/api/customers/${customer}/serials?cursor=${cursor}`);
      expect(bad.statusCode).toBe(400);
      expect(problemOf(bad).code).toBe('BAD_CURSOR');
    }
    const big = await t.admin.get(`/api/customers/${customer}/serials?limit=201`);
    expect(big.statusCode).toBe(400);
    expect(problemOf(big).code).toBe('VALIDATION_FAILED');
    expect((await t.admin.get(`/api/customers/${customer}/serials?limit=200`)).statusCode).toBe(200);
  });
});
