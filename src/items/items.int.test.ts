import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  type TestApp,
} from '../../test/support/test-app.js';

interface StockJson {
  quantityOnHand: number;
  serialsPresent: number;
  mismatch: number;
  locations: { locationCode: string; quantityOnHand: number; serialsPresent: number; mismatch: number }[];
}

describeEachDialect('items, Track Serials and stock', (dialect) => {
  let t: TestApp;
  let r1: number;
  let r2: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    r1 = await makeLocation(t.admin, 'R1-1A');
    r2 = await makeLocation(t.admin, 'R1-1B');
  });
  afterAll(() => t?.close());

  it('creates, reads, searches and edits items; SKUs are unique', async () => {
    const pt = await t.admin.post('/api/part-types', { name: 'Alternators' });
    expect(pt.statusCode).toBe(201);
    const res = await t.admin.post('/api/items', {
      sku: 'ALT-1',
      name: 'Alternator 12V',
      partTypeId: pt.json<{ id: number }>().id,
      primaryLocationId: r1,
      warrantyMonths: 24,
      serialPattern: 'SN-{#####}',
    });
    expect(res.statusCode).toBe(201);
    const item = res.json<{ id: number; trackSerials: boolean; warrantyMonths: number }>();
    expect(item).toMatchObject({ trackSerials: false, warrantyMonths: 24 });
    expect((await t.admin.post('/api/items', { sku: 'ALT-1', name: 'Again' })).statusCode).toBe(409);
    const bad = await t.admin.post('/api/items', { sku: 'ALT-2', name: 'x', serialPattern: 'SN-' });
    expect(bad.statusCode).toBe(400);
    const unknownLoc = await t.admin.post('/api/items', { sku: 'ALT-3', name: 'x', primaryLocationId: 9999 });
    expect(unknownLoc.statusCode).toBe(422);
    const found = (await t.admin.get('/api/items?q=alternator')).json<{ items: { sku: string }[] }>();
    expect(found.items.map((i) => i.sku)).toEqual(['ALT-1']);
    const edited = await t.admin.patch(`/api/items/${item.id}`, { name: 'Alternator 12V 90A' });
    expect(edited.json<{ name: string }>().name).toBe('Alternator 12V 90A');
  });

  it('searches for _, % and \\ literally, not as wildcards', async () => {
    for (const sku of ['WC_1', 'WCX1', 'WC%OFF', 'WCZOFF', 'WC\\BS']) {
      await makeItem(t.admin, sku, { trackSerials: false });
    }
    const search = async (q: string) =>
      (await t.admin.get(`/api/items?q=${encodeURIComponent(q)}`))
        .json<{ items: { sku: string }[] }>()
        .items.map((i) => i.sku);
    expect(await search('wc_')).toEqual(['WC_1']);
    expect(await search('C%o')).toEqual(['WC%OFF']);
    expect(await search('c\\b')).toEqual(['WC\\BS']);
    expect(await search('WC')).toHaveLength(5);
  });

  it('pages the item list by SKU', async () => {
    for (const sku of ['PG-A', 'PG-B', 'PG-C']) await makeItem(t.admin, sku, { trackSerials: false });
    const first = (await t.admin.get('/api/items?q=PG-&limit=2')).json<{
      items: { sku: string }[];
      nextCursor: string;
    }>();
    expect(first.items.map((i) => i.sku)).toEqual(['PG-A', 'PG-B']);
    const second = (await t.admin.get(`/api/items?q=PG-&limit=2&cursor=${first.nextCursor}`)).json<{
      items: { sku: string }[];
      nextCursor: string | null;
    }>();
    expect(second.items.map((i) => i.sku)).toEqual(['PG-C']);
    expect(second.nextCursor).toBeNull();
  });

  it('turning Track Serials on never changes quantities', async () => {
    const id = await makeItem(t.admin, 'QTY-1', { trackSerials: false, primaryLocationId: r1 });
    const adj = await t.admin.post('/api/stock-adjustments', {
      itemId: id,
      locationId: r1,
      delta: 3,
      reason: 'Opening stock',
    });
    expect(adj.statusCode).toBe(201);
    expect(adj.json<{ number: string; quantityOnHand: number }>()).toMatchObject({ quantityOnHand: 3 });
    const on = await t.admin.patch(`/api/items/${id}`, { trackSerials: true });
    expect(on.json<{ trackSerials: boolean }>().trackSerials).toBe(true);
    const stock = (await t.admin.get(`/api/items/${id}/stock`)).json<StockJson>();
    expect(stock).toMatchObject({ quantityOnHand: 3, serialsPresent: 0, mismatch: 3 });
  });

  it('shows quantity on hand against serials present per location, mismatch either way', async () => {
    const id = await makeItem(t.admin, 'QTY-2', { primaryLocationId: r1 });
    await t.admin.post('/api/stock-adjustments', { itemId: id, locationId: r1, delta: 3, reason: 'Count' });
    await addSerials(t.admin, id, ['Q2-1', 'Q2-2', 'Q2-3', { serialNumber: 'Q2-4', locationId: r2 }]);
    const stock = (await t.admin.get(`/api/items/${id}/stock`)).json<StockJson>();
    expect(stock).toMatchObject({ quantityOnHand: 3, serialsPresent: 4, mismatch: -1 });
    expect(stock.locations).toEqual([
      expect.objectContaining({ locationCode: 'R1-1A', quantityOnHand: 3, serialsPresent: 3, mismatch: 0 }),
      expect.objectContaining({ locationCode: 'R1-1B', quantityOnHand: 0, serialsPresent: 1, mismatch: -1 }),
    ]);
  });

  it('stock adjustments need a reason, a non-zero whole number, and never go below zero', async () => {
    const id = await makeItem(t.admin, 'QTY-3', { trackSerials: false });
    const noReason = await t.admin.post('/api/stock-adjustments', {
      itemId: id,
      locationId: r1,
      delta: 2,
      reason: ' ',
    });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json<{ code: string }>().code).toBe('REASON_REQUIRED');
    const zero = await t.admin.post('/api/stock-adjustments', {
      itemId: id,
      locationId: r1,
      delta: 0,
      reason: 'x',
    });
    expect(zero.statusCode).toBe(422);
    await t.admin.post('/api/stock-adjustments', { itemId: id, locationId: r1, delta: 2, reason: 'Found' });
    const negative = await t.admin.post('/api/stock-adjustments', {
      itemId: id,
      locationId: r1,
      delta: -5,
      reason: 'Lost',
    });
    expect(negative.statusCode).toBe(422);
    expect(negative.json<{ code: string }>().code).toBe('NEGATIVE_STOCK');
    const stock = (await t.admin.get(`/api/items/${id}/stock`)).json<StockJson>();
    expect(stock.quantityOnHand).toBe(2);
    const list = (await t.admin.get(`/api/stock-adjustments?itemId=${id}`)).json<{
      adjustments: { delta: number; reason: string; username: string }[];
    }>();
    expect(list.adjustments).toEqual([
      expect.objectContaining({ delta: 2, reason: 'Found', username: 'admin' }),
    ]);
  });

  it('turns tracking off freely while the item has no serials', async () => {
    const id = await makeItem(t.admin, 'OFF-1');
    const off = await t.admin.patch(`/api/items/${id}`, { trackSerials: false });
    expect(off.statusCode).toBe(200);
    expect(off.json<{ trackSerials: boolean }>().trackSerials).toBe(false);
  });

  it('refuses turning tracking off under "lock" once serials exist', async () => {
    const id = await makeItem(t.admin, 'OFF-2', { primaryLocationId: r1 });
    await addSerials(t.admin, id, ['L-1']);
    const off = await t.admin.patch(`/api/items/${id}`, { trackSerials: false, confirmHideSerials: true });
    expect(off.statusCode).toBe(409);
    expect(off.json<{ code: string; detail: string }>()).toMatchObject({ code: 'SERIAL_TRACKING_LOCKED' });
    expect((await t.admin.get(`/api/items/${id}`)).json<{ trackSerials: boolean }>().trackSerials).toBe(true);
  });

  it('under "hide" asks for confirmation, keeps the records hidden, and shows them again', async () => {
    const id = await makeItem(t.admin, 'OFF-3', { primaryLocationId: r1 });
    await addSerials(t.admin, id, ['H-1', 'H-2']);
    expect((await t.admin.patch('/api/settings', { serialTrackingOff: 'hide' })).statusCode).toBe(200);
    const unconfirmed = await t.admin.patch(`/api/items/${id}`, { trackSerials: false });
    expect(unconfirmed.statusCode).toBe(409);
    expect(unconfirmed.json<{ code: string }>().code).toBe('CONFIRMATION_REQUIRED');
    const off = await t.admin.patch(`/api/items/${id}`, { trackSerials: false, confirmHideSerials: true });
    expect(off.statusCode).toBe(200);
    const hidden = await t.admin.get(`/api/items/${id}/serials`);
    expect(hidden.statusCode).toBe(409);
    expect(hidden.json<{ detail: string }>().detail).toContain('2 serial record(s) are kept');
    expect(
      (await t.admin.post(`/api/items/${id}/serials`, { serials: [{ serialNumber: 'H-3' }] })).statusCode,
    ).toBe(409);
    await t.admin.patch(`/api/items/${id}`, { trackSerials: true });
    const back = (await t.admin.get(`/api/items/${id}/serials`)).json<{
      serials: { serialNumber: string }[];
    }>();
    expect(back.serials.map((s) => s.serialNumber)).toEqual(['H-1', 'H-2']);
    await t.admin.patch('/api/settings', { serialTrackingOff: 'lock' });
  });

  it('Track Serials needs INV_MANAGE_SERIALS even for someone who may edit items', async () => {
    const editor = await t.userWith(['INV_VIEW', 'INV_EDIT_ITEMS']);
    const id = await makeItem(t.admin, 'PERM-1', { trackSerials: false });
    const res = await editor.patch(`/api/items/${id}`, { trackSerials: true });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ detail: string }>().detail).toContain('INV_MANAGE_SERIALS');
    expect(
      (await editor.post('/api/items', { sku: 'PERM-2', name: 'x', trackSerials: true })).statusCode,
    ).toBe(403);
    const rename = await editor.patch(`/api/items/${id}`, { name: 'Renamed' });
    expect(rename.statusCode).toBe(200);
    expect((await t.admin.get(`/api/items/${id}`)).json<{ trackSerials: boolean }>().trackSerials).toBe(
      false,
    );
  });

  it('INV_MANAGE_SERIALS alone turns Track Serials on and off through its own route, and nothing else', async () => {
    const manager = await t.userWith(['INV_VIEW', 'INV_MANAGE_SERIALS']);
    const id = await makeItem(t.admin, 'PERM-3', { trackSerials: false, primaryLocationId: r1 });
    // Other item fields stay under INV_EDIT_ITEMS.
    const rename = await manager.patch(`/api/items/${id}`, { name: 'Renamed' });
    expect(rename.statusCode).toBe(403);
    expect(rename.json<{ detail: string }>().detail).toContain('INV_EDIT_ITEMS');
    const on = await manager.request('PUT', `/api/items/${id}/track-serials`, { trackSerials: true });
    expect(on.statusCode).toBe(200);
    expect(on.json<{ trackSerials: boolean; name: string }>()).toMatchObject({
      trackSerials: true,
      name: 'Item PERM-3',
    });
    // The same rules as the item form: no serials, it simply turns off.
    const off = await manager.request('PUT', `/api/items/${id}/track-serials`, { trackSerials: false });
    expect(off.json<{ trackSerials: boolean }>().trackSerials).toBe(false);
    await manager.request('PUT', `/api/items/${id}/track-serials`, { trackSerials: true });
    await addSerials(t.admin, id, ['P3-1']);
    const locked = await manager.request('PUT', `/api/items/${id}/track-serials`, { trackSerials: false });
    expect(locked.statusCode).toBe(409);
    expect(locked.json<{ code: string; detail: string }>()).toMatchObject({
      code: 'SERIAL_TRACKING_LOCKED',
      detail: expect.stringContaining('Settings page') as unknown,
    });
    await t.admin.patch('/api/settings', { serialTrackingOff: 'hide' });
    const unconfirmed = await manager.request('PUT', `/api/items/${id}/track-serials`, {
      trackSerials: false,
    });
    expect(unconfirmed.json<{ code: string }>().code).toBe('CONFIRMATION_REQUIRED');
    const hidden = await manager.request('PUT', `/api/items/${id}/track-serials`, {
      trackSerials: false,
      confirmHideSerials: true,
    });
    expect(hidden.json<{ trackSerials: boolean }>().trackSerials).toBe(false);
    await t.admin.patch('/api/settings', { serialTrackingOff: 'lock' });
    // Without INV_MANAGE_SERIALS the route answers 403, even to someone who may edit items.
    const editor = await t.userWith(['INV_VIEW', 'INV_EDIT_ITEMS']);
    const refused = await editor.request('PUT', `/api/items/${id}/track-serials`, { trackSerials: true });
    expect(refused.statusCode).toBe(403);
    expect((await t.admin.get(`/api/items/${id}`)).json<{ trackSerials: boolean }>().trackSerials).toBe(
      false,
    );
  });

  it('locations: unique codes, deactivate, and an inactive location takes no new serials', async () => {
    expect((await t.admin.post('/api/locations', { code: 'R1-1A' })).statusCode).toBe(409);
    expect((await t.admin.post('/api/locations', { code: 'has space' })).statusCode).toBe(400);
    const loc = await makeLocation(t.admin, 'OLD-1');
    const off = await t.admin.patch(`/api/locations/${loc}`, { active: false });
    expect(off.json<{ active: boolean }>().active).toBe(false);
    const active = (await t.admin.get('/api/locations')).json<{ locations: { code: string }[] }>();
    expect(active.locations.map((l) => l.code)).not.toContain('OLD-1');
    const all = (await t.admin.get('/api/locations?includeInactive=true')).json<{
      locations: { code: string }[];
    }>();
    expect(all.locations.map((l) => l.code)).toContain('OLD-1');
    const id = await makeItem(t.admin, 'LOC-1', { primaryLocationId: r1 });
    const res = await t.admin.post(`/api/items/${id}/serials`, {
      serials: [{ serialNumber: 'X', locationId: loc }],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json<{ errors: { code: string }[] }>().errors[0]!.code).toBe('inactive_location');
  });

  it('editing a location: a new code shows on its serials; a taken, empty or spaced code is refused', async () => {
    const loc = await makeLocation(t.admin, 'TYPO-1');
    const id = await makeItem(t.admin, 'LOC-2', { primaryLocationId: loc });
    await addSerials(t.admin, id, ['RN-1']);
    const renamed = await t.admin.patch(`/api/locations/${loc}`, { code: 'SHELF-1', name: 'Shelf one' });
    expect(renamed.json()).toMatchObject({ code: 'SHELF-1', name: 'Shelf one' });
    const serials = (await t.admin.get(`/api/items/${id}/serials`)).json<{
      serials: { locationCode: string }[];
    }>();
    expect(serials.serials.map((s) => s.locationCode)).toEqual(['SHELF-1']);

    const taken = await t.admin.patch(`/api/locations/${loc}`, { code: 'R1-1A' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({
      code: 'LOCATION_CODE_TAKEN',
      detail: 'A location with code "R1-1A" already exists.',
    });
    for (const [code, message] of [
      ['  ', 'Enter a location code, e.g. R1-1A'],
      ['R1 1A', 'A location code has no spaces, e.g. R1-1A'],
    ] as const) {
      const res = await t.admin.patch(`/api/locations/${loc}`, { code });
      expect(res.statusCode).toBe(400);
      expect(res.json<{ detail: string }>().detail).toContain(message);
    }
    expect((await t.admin.get(`/api/locations/${loc}`)).json()).toMatchObject({ code: 'SHELF-1' });
  });

  it('editing a part type: name and description; a taken or empty name is refused', async () => {
    const a = (await t.admin.post('/api/part-types', { name: 'Startres' })).json<{ id: number }>().id;
    await t.admin.post('/api/part-types', { name: 'Fuses' });
    const edited = await t.admin.patch(`/api/part-types/${a}`, { name: 'Starters', description: '12V' });
    expect(edited.json()).toMatchObject({ name: 'Starters', description: '12V' });
    const taken = await t.admin.patch(`/api/part-types/${a}`, { name: 'Fuses' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json<{ detail: string }>().detail).toBe('A part type named "Fuses" already exists.');
    const empty = await t.admin.patch(`/api/part-types/${a}`, { name: ' ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json<{ detail: string }>().detail).toContain('Enter the part type name');
  });

  it('without a primary location, each serial needs a location', async () => {
    const id = await makeItem(t.admin, 'NOLOC-1');
    const res = await t.admin.post(`/api/items/${id}/serials`, { serials: [{ serialNumber: 'N1' }] });
    expect(res.statusCode).toBe(422);
    expect(res.json<{ errors: { code: string }[] }>().errors[0]!.code).toBe('location_required');
    expect(
      (await t.admin.post(`/api/items/${id}/serials`, { serials: [{ serialNumber: 'N1', locationId: r2 }] }))
        .statusCode,
    ).toBe(201);
  });
});
