import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDialect } from '../../test/support/dialects.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  type TestApp,
} from '../../test/support/test-app.js';

interface SerialJson {
  id: number;
  serialNumber: string;
  status: string;
  statusLabel: string;
  locationId: number;
  locationCode: string;
  conditionNotes: string;
  warrantyStatus: string;
  source: { type: string; number: string | null };
  usedOn: { type: string; number: string | null } | null;
  version: number;
  dateReceived: string;
}
interface PageJson {
  serials: SerialJson[];
  nextCursor: string | null;
  counts: { total: number; byStatus: Record<string, number> };
}

describeEachDialect('serials', (dialect) => {
  let t: TestApp;
  let r1: number;
  let r2: number;
  let itemId: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    r1 = await makeLocation(t.admin, 'R1-1A');
    r2 = await makeLocation(t.admin, 'R1-1B');
    itemId = await makeItem(t.admin, 'ALT-100', { primaryLocationId: r1, warrantyMonths: 12 });
  });
  afterAll(() => t?.close());

  it('adds a serial In Stock at the primary location with a created history row', async () => {
    const res = await t.admin.post(`/api/items/${itemId}/serials`, {
      serials: [{ serialNumber: '  SN-0001 ', conditionNotes: 'New in box' }],
    });
    expect(res.statusCode).toBe(201);
    const [s] = res.json<{ serials: SerialJson[] }>().serials;
    expect(s).toMatchObject({
      serialNumber: 'SN-0001',
      status: 'in_stock',
      statusLabel: 'In Stock',
      locationId: r1,
      locationCode: 'R1-1A',
      conditionNotes: 'New in box',
      warrantyStatus: 'no_warranty',
      source: { type: 'manual', number: null },
      usedOn: null,
    });
    const detail = await t.admin.get(`/api/serials/${s!.id}`);
    expect(detail.statusCode).toBe(200);
    const body = detail.json<{
      history: { kind: string; toStatus: string; toLocationCode: string; username: string }[];
    }>();
    expect(body.history).toHaveLength(1);
    expect(body.history[0]).toMatchObject({
      kind: 'created',
      toStatus: 'in_stock',
      toLocationCode: 'R1-1A',
      username: 'admin',
    });
  });

  it('refuses a duplicate serial with 409 and saves nothing of the batch', async () => {
    const res = await t.admin.post(`/api/items/${itemId}/serials`, {
      serials: [{ serialNumber: 'SN-0002' }, { serialNumber: 'SN-0001' }],
    });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json<{ code: string; errors: { field: string; code: string }[] }>();
    expect(problem.code).toBe('SERIAL_EXISTS');
    expect(problem.errors).toEqual([
      expect.objectContaining({ field: 'serials[1]', code: 'already_exists' }),
    ]);
    const lookup = await t.admin.get('/api/serials/lookup?q=SN-0002');
    expect(lookup.json<{ matches: unknown[] }>().matches).toHaveLength(0);
  });

  it('lists every problem of a bad list at once with 422', async () => {
    const res = await t.admin.post(`/api/items/${itemId}/serials`, {
      serials: [
        { serialNumber: '' },
        { serialNumber: 'X1' },
        { serialNumber: 'X1' },
        { serialNumber: 'X2', locationId: 99999 },
      ],
    });
    expect(res.statusCode).toBe(422);
    const problem = res.json<{ code: string; errors: { field: string; code: string }[] }>();
    expect(problem.code).toBe('INVALID_SERIALS');
    expect(problem.errors.map((e) => e.code).sort()).toEqual([
      'duplicate_in_list',
      'empty',
      'unknown_location',
    ]);
  });

  it('treats serial numbers as case-sensitive', async () => {
    const created = await addSerials(t.admin, itemId, ['sn-0001']);
    expect(created).toHaveLength(1);
  });

  it('refuses serials for an item that does not track serials', async () => {
    const plain = await makeItem(t.admin, 'PLAIN-1', { trackSerials: false, primaryLocationId: r1 });
    const res = await t.admin.post(`/api/items/${plain}/serials`, { serials: [{ serialNumber: 'P1' }] });
    expect(res.statusCode).toBe(409);
    expect(res.json<{ code: string }>().code).toBe('SERIAL_TRACKING_OFF');
  });

  it('pages with a keyset cursor, sorts, filters and counts per status', async () => {
    const item = await makeItem(t.admin, 'PAGE-1', { primaryLocationId: r1 });
    const numbers = Array.from({ length: 23 }, (_, i) => `P-${String(i).padStart(3, '0')}`);
    await addSerials(
      t.admin,
      item,
      numbers.map((n, i) => ({ serialNumber: n, locationId: i % 2 === 0 ? r1 : r2 })),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/items/${item}/serials?limit=10${cursor ? `&cursor=${cursor}` : ''}`;
      const page: PageJson = (await t.admin.get(url)).json<PageJson>();
      seen.push(...page.serials.map((s) => s.serialNumber));
      expect(page.counts.total).toBe(23);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(numbers);

    const desc = (await t.admin.get(`/api/items/${item}/serials?direction=desc&limit=3`)).json<PageJson>();
    expect(desc.serials.map((s) => s.serialNumber)).toEqual(['P-022', 'P-021', 'P-020']);
    const next = (
      await t.admin.get(`/api/items/${item}/serials?direction=desc&limit=3&cursor=${desc.nextCursor}`)
    ).json<PageJson>();
    expect(next.serials.map((s) => s.serialNumber)).toEqual(['P-019', 'P-018', 'P-017']);

    const atR2 = (
      await t.admin.get(`/api/items/${item}/serials?locationId=${r2}&limit=100`)
    ).json<PageJson>();
    expect(atR2.serials).toHaveLength(11);
    expect(atR2.serials.every((s) => s.locationCode === 'R1-1B')).toBe(true);
    expect(atR2.counts.byStatus['in_stock']).toBe(11);

    // Search is "starts with", case-sensitive like serial numbers themselves.
    const text = (await t.admin.get(`/api/items/${item}/serials?q=P-01`)).json<PageJson>();
    expect((await t.admin.get(`/api/items/${item}/serials?q=p-01`)).json<PageJson>().serials).toEqual([]);
    expect((await t.admin.get(`/api/items/${item}/serials?q=-01`)).json<PageJson>().serials).toEqual([]);
    expect(text.serials.map((s) => s.serialNumber)).toEqual(numbers.filter((n) => n.startsWith('P-01')));

    const damaged = atR2.serials[0]!;
    expect((await t.admin.patch(`/api/serials/${damaged.id}`, { status: 'damaged' })).statusCode).toBe(200);
    const byStatus = (await t.admin.get(`/api/items/${item}/serials?status=damaged`)).json<PageJson>();
    expect(byStatus.serials.map((s) => s.id)).toEqual([damaged.id]);
    expect(byStatus.counts.byStatus).toMatchObject({ in_stock: 22, damaged: 1 });

    // status sort, paged across the status boundary
    const first = (await t.admin.get(`/api/items/${item}/serials?sort=status&limit=1`)).json<PageJson>();
    expect(first.serials[0]!.status).toBe('damaged');
    const second = (
      await t.admin.get(`/api/items/${item}/serials?sort=status&limit=1&cursor=${first.nextCursor}`)
    ).json<PageJson>();
    expect(second.serials[0]!.serialNumber).toBe('P-000');

    const byDate = (
      await t.admin.get(`/api/items/${item}/serials?sort=dateReceived&limit=5`)
    ).json<PageJson>();
    const byDate2 = (
      await t.admin.get(`/api/items/${item}/serials?sort=dateReceived&limit=50&cursor=${byDate.nextCursor}`)
    ).json<PageJson>();
    expect(byDate.serials.length + byDate2.serials.length).toBe(23);

    const bad = await t.admin.get(`/api/items/${item}/serials?cursor=garbage`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ code: string }>().code).toBe('BAD_CURSOR');
    const badStatus = await t.admin.get(`/api/items/${item}/serials?status=lost`);
    expect(badStatus.statusCode).toBe(422);
  });

  it('enforces the status machine and records every change in history', async () => {
    const [s] = await addSerials(t.admin, itemId, ['SM-1']);
    const damaged = await t.admin.patch(`/api/serials/${s!.id}`, { status: 'damaged', note: 'dropped' });
    expect(damaged.statusCode).toBe(200);
    const again = await t.admin.patch(`/api/serials/${s!.id}`, { status: 'damaged' });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ code: string; detail: string }>()).toMatchObject({ code: 'ILLEGAL_STATUS_CHANGE' });
    expect(again.json<{ detail: string }>().detail).toContain('already Damaged');
    // Sold, Reserved and Returned belong to documents (sale, return), which record the customer.
    const sold = await t.admin.patch(`/api/serials/${s!.id}`, { status: 'sold' });
    expect(sold.statusCode).toBe(409);
    expect(sold.json<{ detail: string }>().detail).toContain('Sold is set by a sale');
    const unknown = await t.admin.patch(`/api/serials/${s!.id}`, { status: 'lost' });
    expect(unknown.statusCode).toBe(422);
    const lonelyNote = await t.admin.patch(`/api/serials/${s!.id}`, { note: 'why?' });
    expect(lonelyNote.statusCode).toBe(422);
    expect(lonelyNote.json<{ code: string }>().code).toBe('NOTE_WITHOUT_STATUS');

    const notes = await t.admin.patch(`/api/serials/${s!.id}`, { conditionNotes: 'Scratch on the housing' });
    expect(notes.statusCode).toBe(200);
    const detail = notes.json<{
      serial: SerialJson;
      history: {
        kind: string;
        fromStatus: string | null;
        toStatus: string | null;
        data: Record<string, unknown> | null;
      }[];
    }>();
    expect(detail.serial.conditionNotes).toBe('Scratch on the housing');
    expect(detail.history.map((h) => h.kind)).toEqual(['created', 'status_changed', 'notes_changed']);
    expect(detail.history[1]).toMatchObject({
      fromStatus: 'in_stock',
      toStatus: 'damaged',
      data: { note: 'dropped' },
    });
    expect(detail.history[2]!.data).toEqual({
      field: 'conditionNotes',
      old: '',
      new: 'Scratch on the housing',
    });

    const stale = await t.admin.patch(`/api/serials/${s!.id}`, { conditionNotes: 'x', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json<{ code: string }>().code).toBe('STALE_SERIAL');

    const scrapped = await t.admin.patch(`/api/serials/${s!.id}`, { status: 'scrapped' });
    expect(scrapped.statusCode).toBe(200);
    const back = await t.admin.patch(`/api/serials/${s!.id}`, { status: 'in_stock' });
    expect(back.statusCode).toBe(409);
    expect(back.json<{ detail: string }>().detail).toContain('Scrapped is final');
  });

  it('lets a manager correct the warranty end date, recorded in history', async () => {
    const [s] = await addSerials(t.admin, itemId, ['WR-1']);
    const bad = await t.admin.patch(`/api/serials/${s!.id}`, { warrantyEndDate: '2027-02-30' });
    expect(bad.statusCode).toBe(422);
    // A blank date is refused too (null means "no warranty"), and writes no history row.
    const blank = await t.admin.patch(`/api/serials/${s!.id}`, { warrantyEndDate: '' });
    expect(blank.statusCode).toBe(422);
    expect(blank.json<{ code: string }>().code).toBe('BAD_DATE');
    const res = await t.admin.patch(`/api/serials/${s!.id}`, { warrantyEndDate: '2099-12-31' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      serial: SerialJson & { warrantyEndDate: string };
      history: { kind: string; data: unknown }[];
    }>();
    expect(body.serial).toMatchObject({ warrantyEndDate: '2099-12-31', warrantyStatus: 'under_warranty' });
    expect(body.history.at(-1)).toEqual(
      expect.objectContaining({
        kind: 'warranty_changed',
        data: { field: 'warrantyEndDate', old: null, new: '2099-12-31' },
      }),
    );
    expect(body.history.filter((e) => e.kind === 'warranty_changed')).toHaveLength(1);
    const cleared = await t.admin.patch(`/api/serials/${s!.id}`, { warrantyEndDate: null });
    expect(cleared.json<{ serial: SerialJson }>().serial).toMatchObject({
      warrantyEndDate: null,
      warrantyStatus: 'no_warranty',
    });
  });

  it('filters serials whose warranty expires within N days', async () => {
    const item = await makeItem(t.admin, 'WEXP-1', { primaryLocationId: r1 });
    const [soon, later, past, none] = await addSerials(t.admin, item, ['W-1', 'W-2', 'W-3', 'W-4']);
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    for (const [s, date] of [
      [soon!, day(10)],
      [later!, day(100)],
      [past!, day(-5)],
    ] as const) {
      expect((await t.admin.patch(`/api/serials/${s.id}`, { warrantyEndDate: date })).statusCode).toBe(200);
    }
    const within = (n: number) =>
      t.admin
        .get(`/api/items/${item}/serials?warrantyExpiringWithinDays=${n}`)
        .then((r) => r.json<PageJson>());
    expect((await within(30)).serials.map((s) => s.serialNumber)).toEqual(['W-1']);
    expect((await within(365)).serials.map((s) => s.serialNumber)).toEqual(['W-1', 'W-2']);
    expect((await within(30)).serials[0]!.warrantyStatus).toBe('under_warranty');
    const all = (await t.admin.get(`/api/items/${item}/serials`)).json<PageJson>();
    expect(all.serials.find((s) => s.id === past!.id)!.warrantyStatus).toBe('expired');
    expect(all.serials.find((s) => s.id === none!.id)!.warrantyStatus).toBe('no_warranty');
  });

  it('adds the next N serials from the item serial pattern, after any already numbered', async () => {
    const item = await makeItem(t.admin, 'PAT-1', { primaryLocationId: r1, serialPattern: 'SN-{#####}' });
    await addSerials(t.admin, item, ['SN-00007']);
    const first = await t.admin.post(`/api/items/${item}/serials/next`, { count: 3 });
    expect(first.statusCode).toBe(201);
    expect(first.json<{ serials: SerialJson[] }>().serials.map((s) => s.serialNumber)).toEqual([
      'SN-00008',
      'SN-00009',
      'SN-00010',
    ]);
    const second = await t.admin.post(`/api/items/${item}/serials/next`, { count: 2, locationId: r2 });
    expect(
      second.json<{ serials: SerialJson[] }>().serials.map((s) => [s.serialNumber, s.locationCode]),
    ).toEqual([
      ['SN-00011', 'R1-1B'],
      ['SN-00012', 'R1-1B'],
    ]);
    const noPattern = await t.admin.post(`/api/items/${itemId}/serials/next`, { count: 1 });
    expect(noPattern.statusCode).toBe(422);
    expect(noPattern.json<{ code: string }>().code).toBe('NO_SERIAL_PATTERN');
  });

  it('looks serials up across items by exact value and by prefix', async () => {
    const other = await makeItem(t.admin, 'OTHER-1', { primaryLocationId: r2 });
    await addSerials(t.admin, other, ['LK-100', 'LK-101', 'LK-2']);
    await addSerials(t.admin, itemId, ['LK-100']);
    const exact = (await t.admin.get('/api/serials/lookup?q=LK-100')).json<{
      matches: { itemSku: string }[];
    }>();
    expect(exact.matches.map((m) => m.itemSku).sort()).toEqual(['ALT-100', 'OTHER-1']);
    const prefix = (await t.admin.get('/api/serials/lookup?q=LK-10&mode=prefix')).json<{
      matches: { serialNumber: string }[];
    }>();
    expect(prefix.matches.map((m) => m.serialNumber)).toEqual(['LK-100', 'LK-100', 'LK-101']);
    const none = (await t.admin.get('/api/serials/lookup?q=lk-100')).json<{ matches: unknown[] }>();
    expect(none.matches).toHaveLength(0);
    expect((await t.admin.get('/api/serials/lookup?q=%20')).statusCode).toBe(422);
  });

  it('keeps the history append-only at the database level', async () => {
    const db = t.runtime.database.db;
    await expect(sql`update serial_events set kind = 'x'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from serial_events`.execute(db)).rejects.toThrow(/append-only/);
    if (dialect === 'postgres') {
      await expect(sql`truncate serial_events`.execute(db)).rejects.toThrow(/append-only/);
    }
    const events = await sql<{ n: number }>`select count(*) as n from serial_events`.execute(db);
    expect(Number(events.rows[0]!.n)).toBeGreaterThan(0);
  });

  it('answers 404 for a serial or item that does not exist', async () => {
    const res = await t.admin.get('/api/serials/999999');
    expect(res.statusCode).toBe(404);
    expect(res.json<{ code: string }>().code).toBe('NOT_FOUND');
    expect((await t.admin.get('/api/items/999999/serials')).statusCode).toBe(404);
  });
});
