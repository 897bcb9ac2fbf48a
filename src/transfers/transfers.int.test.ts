import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { serialsRepository } from '../serials/serials.repository.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  type TestApp,
} from '../../test/support/test-app.js';

interface TransferJson {
  id: number;
  number: string;
  at: string;
  userId: number;
  username: string;
  fromLocationId: number;
  fromLocationCode: string;
  toLocationId: number;
  toLocationCode: string;
  note: string;
  serials?: { id: number; serialNumber: string; itemId: number; itemSku: string }[];
}
interface HistoryJson {
  kind: string;
  document: { type: string; number: string | null } | null;
  fromLocationCode: string | null;
  toLocationCode: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  username: string | null;
  data: Record<string, unknown> | null;
}
interface SerialDetailJson {
  serial: {
    id: number;
    status: string;
    locationId: number;
    locationCode: string;
    usedOn: { type: string; number: string | null } | null;
    version: number;
  };
  history: HistoryJson[];
}
interface StockJson {
  quantityOnHand: number;
  serialsPresent: number;
  mismatch: number;
  locations: { locationCode: string; quantityOnHand: number; serialsPresent: number; mismatch: number }[];
}
interface ProblemJson {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; code: string; message: string }[];
}

describeEachDialect('transfers', (dialect) => {
  let t: TestApp;
  let a: number;
  let b: number;
  let itemId: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    a = await makeLocation(t.admin, 'R1-1A');
    b = await makeLocation(t.admin, 'R1-1B');
    itemId = await makeItem(t.admin, 'ALT-100', { primaryLocationId: a });
  });
  afterAll(() => t?.close());

  const detail = async (id: number) => {
    const res = await t.admin.get(`/api/serials/${id}`);
    expect(res.statusCode).toBe(200);
    return res.json<SerialDetailJson>();
  };
  const stockOf = async (item: number) => {
    const res = await t.admin.get(`/api/items/${item}/stock`);
    expect(res.statusCode).toBe(200);
    return res.json<StockJson>();
  };

  it('moves one serial as a numbered document, with a history row and usedOn', async () => {
    const [s] = await addSerials(t.admin, itemId, ['TR-ONE']);
    const res = await t.admin.post('/api/transfers', {
      fromLocationId: a,
      toLocationId: b,
      serialIds: [s!.id],
      note: '  restock shelf B  ',
    });
    expect(res.statusCode).toBe(201);
    const transfer = res.json<TransferJson>();
    expect(transfer).toMatchObject({
      number: 'TR-000001',
      username: 'admin',
      userId: t.admin.userId,
      fromLocationId: a,
      fromLocationCode: 'R1-1A',
      toLocationId: b,
      toLocationCode: 'R1-1B',
      note: 'restock shelf B',
      serials: [{ id: s!.id, serialNumber: 'TR-ONE', itemId, itemSku: 'ALT-100' }],
    });

    const d = await detail(s!.id);
    expect(d.serial).toMatchObject({
      status: 'in_stock',
      locationId: b,
      locationCode: 'R1-1B',
      usedOn: { type: 'transfer', number: 'TR-000001' },
    });
    expect(d.history.map((h) => h.kind)).toEqual(['created', 'transferred']);
    expect(d.history[1]).toMatchObject({
      kind: 'transferred',
      document: { type: 'transfer', number: 'TR-000001' },
      fromLocationCode: 'R1-1A',
      toLocationCode: 'R1-1B',
      fromStatus: 'in_stock',
      toStatus: 'in_stock',
      username: 'admin',
      data: { note: 'restock shelf B' },
    });
  });

  it('moves many serials (of several items) in one document and lists it', async () => {
    const other = await makeItem(t.admin, 'ALT-200', { primaryLocationId: a });
    const many = await addSerials(t.admin, itemId, ['M-1', 'M-2', 'M-3']);
    const [o] = await addSerials(t.admin, other, ['O-1']);
    const ids = [...many.map((s) => s.id), o!.id];
    // The same serial twice in the request counts once.
    const res = await t.admin.post('/api/transfers', {
      fromLocationId: a,
      toLocationId: b,
      serialIds: [...ids, many[0]!.id],
    });
    expect(res.statusCode).toBe(201);
    const transfer = res.json<TransferJson>();
    expect(transfer.number).toBe('TR-000002');
    expect(transfer.note).toBe('');
    expect(transfer.serials!.map((s) => s.serialNumber).sort()).toEqual(['M-1', 'M-2', 'M-3', 'O-1']);
    expect(transfer.serials!.find((s) => s.serialNumber === 'O-1')).toMatchObject({
      itemId: other,
      itemSku: 'ALT-200',
    });

    for (const id of ids) {
      const d = await detail(id);
      expect(d.serial.locationCode).toBe('R1-1B');
      expect(d.serial.usedOn).toEqual({ type: 'transfer', number: 'TR-000002' });
      const moves = d.history.filter((h) => h.kind === 'transferred');
      expect(moves).toHaveLength(1);
      expect(moves[0]!.document).toEqual({ type: 'transfer', number: 'TR-000002' });
    }

    const list = await t.admin.get('/api/transfers');
    expect(list.statusCode).toBe(200);
    const body = list.json<{ transfers: TransferJson[]; nextCursor: string | null }>();
    expect(body.transfers.map((x) => x.number)).toEqual(['TR-000002', 'TR-000001']);
    expect(body.nextCursor).toBeNull();

    const page1 = (await t.admin.get('/api/transfers?limit=1')).json<{
      transfers: TransferJson[];
      nextCursor: string | null;
    }>();
    expect(page1.transfers.map((x) => x.number)).toEqual(['TR-000002']);
    const page2 = (await t.admin.get(`/api/transfers?limit=1&cursor=${page1.nextCursor}`)).json<{
      transfers: TransferJson[];
      nextCursor: string | null;
    }>();
    expect(page2.transfers.map((x) => x.number)).toEqual(['TR-000001']);
    expect(page2.nextCursor).toBeNull();

    const one = await t.admin.get(`/api/transfers/${transfer.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json<TransferJson>()).toEqual(transfer);
    expect((await t.admin.get('/api/transfers/999999')).statusCode).toBe(404);

    // Serial counts per location follow the move.
    const atA = (await t.admin.get(`/api/items/${other}/serials?locationId=${a}`)).json<{
      counts: { total: number };
    }>();
    const atB = (await t.admin.get(`/api/items/${other}/serials?locationId=${b}`)).json<{
      counts: { total: number };
    }>();
    expect(atA.counts.total).toBe(0);
    expect(atB.counts.total).toBe(1);
  });

  it('moves the quantity on hand with the units, so no mismatch appears', async () => {
    const item = await makeItem(t.admin, 'QTY-1', { primaryLocationId: a });
    const serials = await addSerials(t.admin, item, ['Q-1', 'Q-2', 'Q-3']);
    const adj = await t.admin.post('/api/stock-adjustments', {
      itemId: item,
      locationId: a,
      delta: 3,
      reason: 'Opening stock',
    });
    expect(adj.statusCode).toBe(201);

    const before = await stockOf(item);
    expect(before).toMatchObject({ quantityOnHand: 3, serialsPresent: 3, mismatch: 0 });
    expect(before.locations).toEqual([
      expect.objectContaining({ locationCode: 'R1-1A', quantityOnHand: 3, serialsPresent: 3, mismatch: 0 }),
    ]);

    const res = await t.admin.post('/api/transfers', {
      fromLocationId: a,
      toLocationId: b,
      serialIds: [serials[0]!.id, serials[1]!.id],
    });
    expect(res.statusCode).toBe(201);

    const after = await stockOf(item);
    expect(after).toMatchObject({ quantityOnHand: 3, serialsPresent: 3, mismatch: 0 });
    expect(after.locations).toEqual([
      expect.objectContaining({ locationCode: 'R1-1A', quantityOnHand: 1, serialsPresent: 1, mismatch: 0 }),
      expect.objectContaining({ locationCode: 'R1-1B', quantityOnHand: 2, serialsPresent: 2, mismatch: 0 }),
    ]);
  });

  it('never drives the source quantity below zero when serials outnumber stock', async () => {
    const item = await makeItem(t.admin, 'QTY-2', { primaryLocationId: a });
    const serials = await addSerials(t.admin, item, ['S-1', 'S-2', 'S-3']);
    await t.admin.post('/api/stock-adjustments', { itemId: item, locationId: a, delta: 1, reason: 'Count' });
    const res = await t.admin.post('/api/transfers', {
      fromLocationId: a,
      toLocationId: b,
      serialIds: [serials[0]!.id, serials[1]!.id],
    });
    expect(res.statusCode).toBe(201);
    const after = await stockOf(item);
    expect(after).toMatchObject({ quantityOnHand: 1, serialsPresent: 3, mismatch: -2 });
    expect(after.locations).toEqual([
      expect.objectContaining({ locationCode: 'R1-1A', quantityOnHand: 0, serialsPresent: 1, mismatch: -1 }),
      expect.objectContaining({ locationCode: 'R1-1B', quantityOnHand: 1, serialsPresent: 2, mismatch: -1 }),
    ]);
  });

  it('rejects the whole transfer with a reason per serial and moves nothing', async () => {
    const item = await makeItem(t.admin, 'REJ-1', { primaryLocationId: a });
    const [ok, elsewhere, sold, scrapped, reserved] = await addSerials(t.admin, item, [
      'OK-1',
      { serialNumber: 'ELSEWHERE-1', locationId: b },
      'SOLD-1',
      'SCRAP-1',
      'RES-1',
    ]);
    expect((await t.admin.patch(`/api/serials/${scrapped!.id}`, { status: 'scrapped' })).statusCode).toBe(
      200,
    );
    const customer = (await t.admin.post('/api/customers', { name: 'Rejecting Garage' })).json<{
      id: number;
    }>();
    const sale = (serial: { id: number }, complete: boolean) =>
      t.admin.post('/api/sales', {
        customerId: customer.id,
        complete,
        lines: [{ itemId: item, serialIds: [serial.id] }],
      });
    expect((await sale(sold!, true)).statusCode).toBe(201);
    expect((await sale(reserved!, false)).statusCode).toBe(201);
    await t.admin.post('/api/stock-adjustments', { itemId: item, locationId: a, delta: 4, reason: 'Count' });
    const all = [ok!, elsewhere!, sold!, scrapped!, reserved!];
    const before = await Promise.all(all.map((s) => detail(s.id)));
    const stockBefore = await stockOf(item);
    const transfersBefore = (await t.admin.get('/api/transfers?limit=100')).json<{
      transfers: TransferJson[];
    }>().transfers;

    const res = await t.admin.post('/api/transfers', {
      fromLocationId: a,
      toLocationId: b,
      serialIds: [ok!.id, elsewhere!.id, sold!.id, scrapped!.id, reserved!.id, 999999],
    });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json<ProblemJson>();
    expect(problem.code).toBe('TRANSFER_REJECTED');
    expect(problem.detail).toContain('Nothing was transferred');
    const byField = Object.fromEntries((problem.errors ?? []).map((e) => [e.field, e]));
    expect(Object.keys(byField).sort()).toEqual(['999999', 'ELSEWHERE-1', 'RES-1', 'SCRAP-1', 'SOLD-1']);
    expect(byField['ELSEWHERE-1']).toMatchObject({ code: 'wrong_location' });
    expect(byField['ELSEWHERE-1']!.message).toContain('R1-1B');
    expect(byField['SOLD-1']).toMatchObject({ code: 'not_movable' });
    expect(byField['SOLD-1']!.message).toContain('Sold');
    expect(byField['SCRAP-1']).toMatchObject({ code: 'not_movable' });
    expect(byField['SCRAP-1']!.message).toContain('Scrapped');
    expect(byField['RES-1']).toMatchObject({ code: 'not_movable' });
    expect(byField['RES-1']!.message).toContain('Reserved');
    expect(byField['999999']).toMatchObject({ code: 'not_found' });

    // Nothing moved: not even the one serial that could have.
    const after = await Promise.all(all.map((s) => detail(s.id)));
    expect(after).toEqual(before);
    expect(after[0]!.serial.locationCode).toBe('R1-1A');
    expect(await stockOf(item)).toEqual(stockBefore);
    const transfersAfter = (await t.admin.get('/api/transfers?limit=100')).json<{
      transfers: TransferJson[];
    }>().transfers;
    expect(transfersAfter).toEqual(transfersBefore);
  });

  it('rejects a single serial that is not at the stated source', async () => {
    const [s] = await addSerials(t.admin, itemId, [{ serialNumber: 'AT-B', locationId: b }]);
    const res = await t.admin.post('/api/transfers', {
      fromLocationId: a,
      toLocationId: b,
      serialIds: [s!.id],
    });
    expect(res.statusCode).toBe(409);
    expect(res.json<ProblemJson>()).toMatchObject({
      code: 'TRANSFER_REJECTED',
      errors: [{ field: 'AT-B', code: 'wrong_location' }],
    });
    const d = await detail(s!.id);
    expect(d.serial.locationCode).toBe('R1-1B');
    expect(d.history.map((h) => h.kind)).toEqual(['created']);
  });

  it('moves Damaged and Returned units, keeping their status', async () => {
    const [s] = await addSerials(t.admin, itemId, ['DMG-1']);
    await t.admin.patch(`/api/serials/${s!.id}`, { status: 'damaged' });
    const res = await t.admin.post('/api/transfers', {
      fromLocationId: a,
      toLocationId: b,
      serialIds: [s!.id],
    });
    expect(res.statusCode).toBe(201);
    const d = await detail(s!.id);
    expect(d.serial).toMatchObject({ status: 'damaged', locationCode: 'R1-1B' });
    expect(d.history.at(-1)).toMatchObject({
      kind: 'transferred',
      fromStatus: 'damaged',
      toStatus: 'damaged',
    });
  });

  it('refuses same source and destination, an inactive destination and an empty list with 422', async () => {
    const [s] = await addSerials(t.admin, itemId, ['VAL-1']);

    const same = await t.admin.post('/api/transfers', {
      fromLocationId: a,
      toLocationId: a,
      serialIds: [s!.id],
    });
    expect(same.statusCode).toBe(422);
    expect(same.json<ProblemJson>()).toMatchObject({
      code: 'SAME_LOCATION',
      errors: [{ field: 'toLocationId', code: 'same_location' }],
    });

    const closed = await makeLocation(t.admin, 'CLOSED-1');
    expect((await t.admin.patch(`/api/locations/${closed}`, { active: false })).statusCode).toBe(200);
    const inactive = await t.admin.post('/api/transfers', {
      fromLocationId: a,
      toLocationId: closed,
      serialIds: [s!.id],
    });
    expect(inactive.statusCode).toBe(422);
    expect(inactive.json<ProblemJson>()).toMatchObject({
      code: 'INACTIVE_LOCATION',
      errors: [{ field: 'toLocationId', code: 'inactive_location' }],
    });

    const unknown = await t.admin.post('/api/transfers', {
      fromLocationId: a,
      toLocationId: 999999,
      serialIds: [s!.id],
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json<ProblemJson>().code).toBe('UNKNOWN_LOCATION');

    const empty = await t.admin.post('/api/transfers', { fromLocationId: a, toLocationId: b, serialIds: [] });
    expect(empty.statusCode).toBe(422);
    expect(empty.json<ProblemJson>()).toMatchObject({
      code: 'NO_SERIALS',
      errors: [{ field: 'serialIds', code: 'empty' }],
    });

    const d = await detail(s!.id);
    expect(d.serial.locationCode).toBe('R1-1A');
    expect(d.history.map((h) => h.kind)).toEqual(['created']);
  });

  it('lets units move out of an inactive location to empty it', async () => {
    const old = await makeLocation(t.admin, 'OLD-1');
    const [s] = await addSerials(t.admin, itemId, [{ serialNumber: 'OLD-SN', locationId: old }]);
    expect((await t.admin.patch(`/api/locations/${old}`, { active: false })).statusCode).toBe(200);
    const res = await t.admin.post('/api/transfers', {
      fromLocationId: old,
      toLocationId: a,
      serialIds: [s!.id],
    });
    expect(res.statusCode).toBe(201);
    expect((await detail(s!.id)).serial.locationCode).toBe('R1-1A');
  });

  it('needs the transfer permission', async () => {
    const [s] = await addSerials(t.admin, itemId, ['PERM-1']);
    const viewer = await t.userWith(['INV_VIEW']);
    const denied = await viewer.post('/api/transfers', {
      fromLocationId: a,
      toLocationId: b,
      serialIds: [s!.id],
    });
    expect(denied.statusCode).toBe(403);
    expect((await viewer.get('/api/transfers')).statusCode).toBe(200);
    expect((await detail(s!.id)).serial.locationCode).toBe('R1-1A');

    const clerk = await t.userWith(['INV_VIEW', 'INV_TRANSFER']);
    const allowed = await clerk.post('/api/transfers', {
      fromLocationId: a,
      toLocationId: b,
      serialIds: [s!.id],
    });
    expect(allowed.statusCode).toBe(201);
    expect(allowed.json<TransferJson>().username).toBe(clerk.username);
  });

  describe('from several locations (no fromLocationId)', () => {
    interface BatchJson {
      transfers: TransferJson[];
    }
    const serialsAt = async (item: number, location: number) =>
      (await t.admin.get(`/api/items/${item}/serials?locationId=${location}`)).json<{
        counts: { total: number };
      }>().counts.total;
    const allTransfers = async () =>
      (await t.admin.get('/api/transfers?limit=100')).json<{ transfers: TransferJson[] }>().transfers;

    it('moves a mixed selection to one destination: one document per source, one history row per serial', async () => {
      const c = await makeLocation(t.admin, 'R1-1C');
      const dest = await makeLocation(t.admin, 'DOCK-1');
      const itemA = await makeItem(t.admin, 'MIX-1', { primaryLocationId: a });
      const itemB = await makeItem(t.admin, 'MIX-2', { primaryLocationId: c });
      const [a1, a2, b1] = await addSerials(t.admin, itemA, [
        'MIX-A1',
        'MIX-A2',
        { serialNumber: 'MIX-B1', locationId: b },
      ]);
      const [c1, cStays] = await addSerials(t.admin, itemB, ['MIX-C1', 'MIX-C2']);
      for (const [item, loc, delta] of [
        [itemA, a, 2],
        [itemA, b, 1],
        [itemB, c, 2],
      ] as const) {
        const adj = await t.admin.post('/api/stock-adjustments', {
          itemId: item,
          locationId: loc,
          delta,
          reason: 'Opening stock',
        });
        expect(adj.statusCode).toBe(201);
      }
      const before = await allTransfers();

      const res = await t.admin.post('/api/transfers', {
        toLocationId: dest,
        // Shuffled, with a duplicate: the documents still come out one per source, in location code order.
        serialIds: [c1!.id, b1!.id, a2!.id, a1!.id, c1!.id],
        note: ' consolidate at the dock ',
      });
      expect(res.statusCode).toBe(201);
      const batch = res.json<BatchJson>();
      expect(batch.transfers.map((x) => [x.fromLocationCode, x.toLocationCode])).toEqual([
        ['R1-1A', 'DOCK-1'],
        ['R1-1B', 'DOCK-1'],
        ['R1-1C', 'DOCK-1'],
      ]);
      const numbers = batch.transfers.map((x) => x.number);
      expect(new Set(numbers).size).toBe(3);
      expect(batch.transfers.map((x) => x.serials!.map((sr) => sr.serialNumber).sort())).toEqual([
        ['MIX-A1', 'MIX-A2'],
        ['MIX-B1'],
        ['MIX-C1'],
      ]);
      for (const x of batch.transfers) {
        expect(x).toMatchObject({ username: 'admin', toLocationId: dest, note: 'consolidate at the dock' });
        // Each document is a normal transfer: readable by id, listed.
        expect((await t.admin.get(`/api/transfers/${x.id}`)).json<TransferJson>()).toEqual(x);
      }
      const after = await allTransfers();
      expect(after.length - before.length).toBe(3);
      expect(
        after
          .slice(0, 3)
          .map((x) => x.number)
          .sort(),
      ).toEqual([...numbers].sort());

      const expected: [{ id: number }, string, string][] = [
        [a1!, 'R1-1A', numbers[0]!],
        [a2!, 'R1-1A', numbers[0]!],
        [b1!, 'R1-1B', numbers[1]!],
        [c1!, 'R1-1C', numbers[2]!],
      ];
      for (const [serial, from, number] of expected) {
        const d = await detail(serial.id);
        expect(d.serial).toMatchObject({
          status: 'in_stock',
          locationCode: 'DOCK-1',
          usedOn: { type: 'transfer', number },
          version: 2,
        });
        expect(d.history.map((h) => h.kind)).toEqual(['created', 'transferred']);
        expect(d.history[1]).toMatchObject({
          document: { type: 'transfer', number },
          fromLocationCode: from,
          toLocationCode: 'DOCK-1',
          fromStatus: 'in_stock',
          toStatus: 'in_stock',
          data: { note: 'consolidate at the dock' },
        });
      }
      expect((await detail(cStays!.id)).serial.locationCode).toBe('R1-1C');

      // Serial counts per location, and the quantity on hand, followed each unit from its own source.
      expect([await serialsAt(itemA, a), await serialsAt(itemA, b), await serialsAt(itemA, dest)]).toEqual([
        0, 0, 3,
      ]);
      expect([await serialsAt(itemB, c), await serialsAt(itemB, dest)]).toEqual([1, 1]);
      expect((await stockOf(itemA)).locations).toEqual([
        expect.objectContaining({
          locationCode: 'DOCK-1',
          quantityOnHand: 3,
          serialsPresent: 3,
          mismatch: 0,
        }),
      ]);
      expect((await stockOf(itemB)).locations).toEqual([
        expect.objectContaining({
          locationCode: 'DOCK-1',
          quantityOnHand: 1,
          serialsPresent: 1,
          mismatch: 0,
        }),
        expect.objectContaining({ locationCode: 'R1-1C', quantityOnHand: 1, serialsPresent: 1, mismatch: 0 }),
      ]);
    });

    it('answers a selection from one location as a batch of one', async () => {
      const [s] = await addSerials(t.admin, itemId, ['ONE-SRC']);
      const res = await t.admin.post('/api/transfers', { toLocationId: b, serialIds: [s!.id] });
      expect(res.statusCode).toBe(201);
      const batch = res.json<BatchJson>();
      expect(batch.transfers).toHaveLength(1);
      expect(batch.transfers[0]).toMatchObject({ fromLocationCode: 'R1-1A', toLocationCode: 'R1-1B' });
      expect((await detail(s!.id)).serial.locationCode).toBe('R1-1B');
    });

    it('one bad serial fails the whole request with its reason and changes nothing', async () => {
      const dest = await makeLocation(t.admin, 'R2-1A');
      const item = await makeItem(t.admin, 'MIX-REJ', { primaryLocationId: a });
      const [atA, atB, already, sold] = await addSerials(t.admin, item, [
        'REJ-A',
        { serialNumber: 'REJ-B', locationId: b },
        { serialNumber: 'REJ-HERE', locationId: dest },
        { serialNumber: 'REJ-SOLD', locationId: b },
      ]);
      for (const loc of [a, b, dest]) {
        await t.admin.post('/api/stock-adjustments', {
          itemId: item,
          locationId: loc,
          delta: 1,
          reason: 'Count',
        });
      }
      const customer = (await t.admin.post('/api/customers', { name: 'Mixed Garage' })).json<{
        id: number;
      }>();
      const sale = await t.admin.post('/api/sales', {
        customerId: customer.id,
        complete: true,
        lines: [{ itemId: item, serialIds: [sold!.id] }],
      });
      expect(sale.statusCode).toBe(201);
      const all = [atA!, atB!, already!, sold!];
      const detailsBefore = await Promise.all(all.map((x) => detail(x.id)));
      const stockBefore = await stockOf(item);
      const transfersBefore = await allTransfers();
      const expectNothingChanged = async () => {
        expect(await Promise.all(all.map((x) => detail(x.id)))).toEqual(detailsBefore);
        expect(await stockOf(item)).toEqual(stockBefore);
        expect(await allTransfers()).toEqual(transfersBefore);
      };

      // REJ-A and REJ-B could move; REJ-HERE is already at the destination.
      const one = await t.admin.post('/api/transfers', {
        toLocationId: dest,
        serialIds: [atA!.id, atB!.id, already!.id],
      });
      expect(one.statusCode).toBe(409);
      expect(one.headers['content-type']).toContain('application/problem+json');
      const problem = one.json<ProblemJson>();
      expect(problem).toMatchObject({
        code: 'TRANSFER_REJECTED',
        errors: [{ field: 'REJ-HERE', code: 'already_at_destination' }],
      });
      expect(problem.detail).toContain('Nothing was transferred');
      expect(problem.errors![0]!.message).toContain('already at R2-1A');
      await expectNothingChanged();

      const several = await t.admin.post('/api/transfers', {
        toLocationId: dest,
        serialIds: [atA!.id, atB!.id, already!.id, sold!.id, 999999],
      });
      expect(several.statusCode).toBe(409);
      const byField = Object.fromEntries(
        (several.json<ProblemJson>().errors ?? []).map((e) => [e.field, e.code]),
      );
      expect(byField).toEqual({
        'REJ-HERE': 'already_at_destination',
        'REJ-SOLD': 'not_movable',
        '999999': 'not_found',
      });
      await expectNothingChanged();
    });

    it('refuses an inactive or unknown destination and an empty selection with 422', async () => {
      const [s] = await addSerials(t.admin, itemId, ['MIX-VAL']);
      const closed = await makeLocation(t.admin, 'CLOSED-2');
      expect((await t.admin.patch(`/api/locations/${closed}`, { active: false })).statusCode).toBe(200);
      const inactive = await t.admin.post('/api/transfers', { toLocationId: closed, serialIds: [s!.id] });
      expect(inactive.statusCode).toBe(422);
      expect(inactive.json<ProblemJson>()).toMatchObject({
        code: 'INACTIVE_LOCATION',
        errors: [{ field: 'toLocationId', code: 'inactive_location' }],
      });
      const unknown = await t.admin.post('/api/transfers', { toLocationId: 999999, serialIds: [s!.id] });
      expect(unknown.json<ProblemJson>()).toMatchObject({ status: 422, code: 'UNKNOWN_LOCATION' });
      const empty = await t.admin.post('/api/transfers', { toLocationId: b, serialIds: [] });
      expect(empty.json<ProblemJson>()).toMatchObject({ status: 422, code: 'NO_SERIALS' });
      expect((await detail(s!.id)).history.map((h) => h.kind)).toEqual(['created']);
    });

    it('moves only serials still at the version read: a stale one is left alone and counted out', async () => {
      // What a concurrent change between the transaction's read and its update looks like, made certain:
      // one serial's version moves on before the conditional update runs.
      const [fresh, stale] = await addSerials(t.admin, itemId, ['VER-1', 'VER-2']);
      const bump = await t.admin.patch(`/api/serials/${stale!.id}`, { conditionNotes: 'Scuffed' });
      expect(bump.statusCode).toBe(200);
      // Inside a transaction that is rolled back: the bare repository call writes no history or counts.
      const rollback = new Error('rollback');
      let moved = -1;
      let rows: { id: number; location_id: number; version: number }[] = [];
      await t.runtime.database.db
        .transaction()
        .execute(async (tx) => {
          moved = await serialsRepository.moveMany(
            tx,
            [
              { id: fresh!.id, version: 1 },
              { id: stale!.id, version: 1 },
            ],
            {
              fromLocationId: a,
              toLocationId: b,
              movableStatuses: ['in_stock'],
              documentType: 'transfer',
              documentNumber: 'TR-TEST',
              at: new Date().toISOString(),
              userId: t.admin.userId,
            },
          );
          rows = await tx
            .selectFrom('serials')
            .select(['id', 'location_id', 'version'])
            .where('id', 'in', [fresh!.id, stale!.id])
            .orderBy('id')
            .execute();
          throw rollback;
        })
        .catch((err: unknown) => {
          if (err !== rollback) throw err;
        });
      expect(moved).toBe(1);
      expect(rows).toEqual([
        { id: fresh!.id, location_id: b, version: 2 },
        { id: stale!.id, location_id: a, version: 2 },
      ]);
      expect((await detail(fresh!.id)).serial.locationCode).toBe('R1-1A');
    });

    it('needs the transfer permission', async () => {
      const [s] = await addSerials(t.admin, itemId, ['MIX-PERM']);
      const viewer = await t.userWith(['INV_VIEW']);
      expect((await viewer.post('/api/transfers', { toLocationId: b, serialIds: [s!.id] })).statusCode).toBe(
        403,
      );
      expect((await detail(s!.id)).serial.locationCode).toBe('R1-1A');
    });
  });
});
