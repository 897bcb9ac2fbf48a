import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { createTestApp, makeLocation, type TestApp } from '../../test/support/test-app.js';

interface ItemJson {
  id: number;
  sku: string;
  name: string;
}
interface PartnerJson {
  id: number;
  name: string;
}
interface ProblemJson {
  code: string;
  detail: string;
  errors?: { field: string; code: string }[];
}

const pad = (n: number) => String(n).padStart(4, '0');

describeEachDialect('picker search (items, customers, suppliers, locations)', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    // 520 items in one set-based insert: SKU ITEM-0001 … ITEM-0520, names "Widget 0001" …
    const at = new Date().toISOString();
    const rows = Array.from({ length: 520 }, (_, i) => ({
      sku: `ITEM-${pad(i + 1)}`,
      name: `Widget ${pad(i + 1)}`,
      description: '',
      warranty_months: 0,
      track_serials: 0,
      created_at: at,
      updated_at: at,
    }));
    await t.runtime.database.db.insertInto('items').values(rows).execute();
    for (const [sku, name] of [
      ['alt-12v', 'Alternator 12V 90A'],
      ['ALT-24V', 'alternator 24V'],
      ['BRK-1', 'Alt bracket'],
      ['100%_OFF', 'Literal wildcards'],
    ]) {
      expect((await t.admin.post('/api/items', { sku, name })).statusCode).toBe(201);
    }
  });
  afterAll(() => t?.close());

  const search = async (q: string, limit?: number) => {
    const res = await t.admin.get(
      `/api/items/search?q=${encodeURIComponent(q)}${limit ? `&limit=${limit}` : ''}`,
    );
    expect(res.statusCode).toBe(200);
    return res.json<{ items: ItemJson[] }>().items;
  };

  it('finds item 519 of 520 by its SKU prefix and by its name prefix', async () => {
    expect((await search('ITEM-0519')).map((i) => i.sku)).toEqual(['ITEM-0519']);
    expect((await search('item-051')).map((i) => i.sku)).toEqual([
      'ITEM-0510',
      'ITEM-0511',
      'ITEM-0512',
      'ITEM-0513',
      'ITEM-0514',
      'ITEM-0515',
      'ITEM-0516',
      'ITEM-0517',
      'ITEM-0518',
      'ITEM-0519',
    ]);
    expect((await search('widget 0519')).map((i) => i.sku)).toEqual(['ITEM-0519']);
  });

  it('matches a prefix only, ignoring case, SKU matches first and then name matches', async () => {
    // SKU "alt-12v" and "ALT-24V" start with alt; "Alt bracket" is a name match and comes after them.
    expect((await search('ALT')).map((i) => i.sku)).toEqual(['alt-12v', 'ALT-24V', 'BRK-1']);
    expect((await search('ernator')).map((i) => i.sku)).toEqual([]);
    expect((await search('12v')).map((i) => i.sku)).toEqual([]);
  });

  it('takes % and _ literally and stops at the limit', async () => {
    expect((await search('100%_')).map((i) => i.sku)).toEqual(['100%_OFF']);
    expect((await search('1%')).map((i) => i.sku)).toEqual([]);
    expect(await search('ITEM-', 5)).toHaveLength(5);
    expect((await search('ITEM-', 5)).map((i) => i.sku)).toEqual([
      'ITEM-0001',
      'ITEM-0002',
      'ITEM-0003',
      'ITEM-0004',
      'ITEM-0005',
    ]);
    expect(await search('')).toHaveLength(20);
    expect((await t.admin.get('/api/items/search?limit=51')).statusCode).toBe(400);
  });

  it('answers the search from an index range scan', async () => {
    const db = t.runtime.database.db;
    const plan =
      dialect === 'postgres'
        ? (
            await sql<{ 'QUERY PLAN': string }>`explain select * from items
              where lower(sku) collate "C" >= ${'item-0519'} and lower(sku) collate "C" < ${'item-051:'}
              order by lower(sku) collate "C" limit 20`.execute(db)
          ).rows
            .map((r) => r['QUERY PLAN'])
            .join('\n')
        : (
            await sql<{ detail: string }>`explain query plan select * from items
              where lower(sku) >= ${'item-0519'} and lower(sku) < ${'item-051:'} order by lower(sku) limit 20`.execute(
              db,
            )
          ).rows
            .map((r) => r.detail)
            .join('\n');
    expect(plan).toContain('items_sku_prefix_idx');
  });

  it('searches locations by code or name prefix, active ones only', async () => {
    await makeLocation(t.admin, 'R1-1A');
    const b = await makeLocation(t.admin, 'r1-1b');
    await makeLocation(t.admin, 'BACK');
    expect((await t.admin.patch(`/api/locations/${b}`, { active: false })).statusCode).toBe(200);
    const res = await t.admin.get('/api/locations/search?q=r1');
    expect(res.json<{ locations: { code: string }[] }>().locations.map((l) => l.code)).toEqual(['R1-1A']);
    const byName = await t.admin.get('/api/locations/search?q=location%20b');
    expect(byName.json<{ locations: { code: string }[] }>().locations.map((l) => l.code)).toEqual(['BACK']);
  });

  for (const table of ['customers', 'suppliers'] as const) {
    it(`searches ${table} by name prefix ignoring case and spaces, and refuses a likely duplicate`, async () => {
      const created = async (body: Record<string, unknown>) => {
        const res = await t.admin.post(`/api/${table}`, body);
        expect(res.statusCode).toBe(201);
        return res.json<PartnerJson>();
      };
      const bob = await created({ name: 'Bob Smith' });
      await created({ name: 'Bobby Tables' });
      await created({ name: 'Alice Bob' });

      const found = await t.admin.get(`/api/${table}/search?q=${encodeURIComponent('bob  sm')}`);
      expect(found.json<Record<string, PartnerJson[]>>()[table]!.map((p) => p.name)).toEqual(['Bob Smith']);
      // Ordered by the name without its spaces: "bobbytables" before "bobsmith".
      const both = await t.admin.get(`/api/${table}/search?q=BOB`);
      expect(both.json<Record<string, PartnerJson[]>>()[table]!.map((p) => p.name)).toEqual([
        'Bobby Tables',
        'Bob Smith',
      ]);
      const limited = await t.admin.get(`/api/${table}/search?q=b&limit=1`);
      expect(limited.json<Record<string, PartnerJson[]>>()[table]).toHaveLength(1);

      // The same name with other case and spacing is a likely duplicate: 409 with a code, nothing stored.
      const dup = await t.admin.post(`/api/${table}`, { name: 'bob   SMITH' });
      expect(dup.statusCode).toBe(409);
      const problem = dup.json<ProblemJson>();
      expect(problem.code).toBe('DUPLICATE_NAME');
      expect(problem.detail).toContain('"Bob Smith" already exists');
      expect(problem.errors?.[0]).toMatchObject({ field: 'name', code: 'duplicate' });
      const after = await t.admin.get(`/api/${table}/search?q=bobsmith`);
      expect(after.json<Record<string, PartnerJson[]>>()[table]!.map((p) => p.id)).toEqual([bob.id]);

      // Said to be intended, it is created.
      const second = await created({ name: 'Bob Smith', allowDuplicateName: true });
      expect(second.id).not.toBe(bob.id);
      const now = await t.admin.get(`/api/${table}/search?q=bob%20smith`);
      expect(now.json<Record<string, PartnerJson[]>>()[table]!.map((p) => p.id)).toEqual([bob.id, second.id]);
    });
  }
});
