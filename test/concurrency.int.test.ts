import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachDialect } from './support/dialects.js';
import { expectAllHistoriesReplay, expectHistoryReplays } from './support/history-replay.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  openSecondServer,
  type Client,
  type SecondServer,
  type TestApp,
} from './support/test-app.js';

/**
 * Many requests on the same unit at the same moment. On PostgreSQL inject() requests run truly concurrently
 * over the connection pool (and, in the last block, over two app servers sharing one database); on SQLite
 * they serialise through the one connection. Either way exactly one wins and the rest get a clean 409.
 */

const PARALLEL = 20;

interface EventJson {
  kind: string;
  document: { type: string; number: string | null } | null;
  fromLocationId: number | null;
  toLocationId: number | null;
  fromStatus: string | null;
  toStatus: string | null;
}
interface SerialDetailJson {
  serial: { id: number; status: string; locationId: number; version: number };
  history: EventJson[];
}
interface CountsJson {
  total: number;
  byStatus: Record<string, number>;
}
interface StockJson {
  quantityOnHand: number;
  locations: { locationId: number; quantityOnHand: number; serialsPresent: number; mismatch: number }[];
}

function tally(responses: LightMyRequestResponse[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of responses) out[r.statusCode] = (out[r.statusCode] ?? 0) + 1;
  return out;
}

function codesOf(responses: LightMyRequestResponse[], status: number): Set<string> {
  return new Set(
    responses.filter((r) => r.statusCode === status).map((r) => r.json<{ code: string }>().code),
  );
}

/**
 * The race scenarios, run against one app instance or against several sharing one database: request i
 * goes to clients[i % clients.length]. Checks are read through the first client.
 */
function raceScenarios(ctx: () => { clients: Client[]; a: number; b: number; tag: string }) {
  let seq = 0;
  const client = (i: number) => {
    const { clients } = ctx();
    return clients[i % clients.length]!;
  };
  const reader = () => client(0);

  async function freshSerial(): Promise<{ itemId: number; serialId: number; serialNumber: string }> {
    const { a, tag } = ctx();
    const n = ++seq;
    const itemId = await makeItem(reader(), `RACE-${tag}-${n}`, { primaryLocationId: a });
    const serialNumber = `SN-${tag}-${n}`;
    const [s] = await addSerials(reader(), itemId, [serialNumber]);
    // One unit on hand at A to go with the one serial, so quantity moves can be checked too.
    const adj = await reader().post('/api/stock-adjustments', {
      itemId,
      locationId: a,
      delta: 1,
      reason: 'Opening stock',
    });
    expect(adj.statusCode).toBe(201);
    return { itemId, serialId: s!.id, serialNumber };
  }

  async function detail(serialId: number): Promise<SerialDetailJson> {
    const res = await reader().get(`/api/serials/${serialId}`);
    expect(res.statusCode).toBe(200);
    return res.json<SerialDetailJson>();
  }

  async function counts(itemId: number, locationId?: number): Promise<CountsJson> {
    const q = locationId === undefined ? '' : `?locationId=${locationId}`;
    const res = await reader().get(`/api/items/${itemId}/serials${q}`);
    expect(res.statusCode).toBe(200);
    return res.json<{ counts: CountsJson }>().counts;
  }

  /** The counters say exactly one serial, at `locationId`, in `status`, and nothing anywhere else. */
  async function expectCountsExactly(itemId: number, locationId: number, status: string) {
    const { a, b } = ctx();
    const overall = await counts(itemId);
    expect(overall.total).toBe(1);
    for (const loc of [a, b]) {
      const c = await counts(itemId, loc);
      for (const [s, n] of Object.entries(c.byStatus)) {
        expect({ loc, s, n }).toEqual({ loc, s, n: loc === locationId && s === status ? 1 : 0 });
      }
    }
  }

  async function stock(itemId: number): Promise<StockJson> {
    const res = await reader().get(`/api/items/${itemId}/stock`);
    expect(res.statusCode).toBe(200);
    return res.json<StockJson>();
  }

  async function newestTransferId(): Promise<number> {
    const res = await reader().get('/api/transfers?limit=1');
    return res.json<{ transfers: { id: number }[] }>().transfers[0]?.id ?? 0;
  }

  it(`${PARALLEL} parallel transfers of one serial: one 201, the rest 409, moved once`, async () => {
    const { a, b } = ctx();
    const { itemId, serialId } = await freshSerial();
    const before = await newestTransferId();

    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        client(i).post('/api/transfers', { fromLocationId: a, toLocationId: b, serialIds: [serialId] }),
      ),
    );
    expect(tally(responses)).toEqual({ 201: 1, 409: PARALLEL - 1 });
    for (const code of codesOf(responses, 409)) expect(['TRANSFER_REJECTED', 'STALE_SERIAL']).toContain(code);
    const winner = responses.find((r) => r.statusCode === 201)!.json<{ id: number; number: string }>();

    const d = await detail(serialId);
    expect(d.serial).toMatchObject({ status: 'in_stock', locationId: b, version: 2 });
    const moves = d.history.filter((e) => e.kind === 'transferred');
    expect(moves).toHaveLength(1);
    expect(moves[0]!.document).toEqual({ type: 'transfer', number: winner.number });
    expectHistoryReplays(d);

    await expectCountsExactly(itemId, b, 'in_stock');
    // Quantity on hand moved exactly once: 0 at A, 1 at B.
    const s = await stock(itemId);
    expect(s.quantityOnHand).toBe(1);
    expect(s.locations).toEqual([
      expect.objectContaining({ locationId: b, quantityOnHand: 1, serialsPresent: 1, mismatch: 0 }),
    ]);
    // Exactly one transfer document was written.
    const list = (await reader().get('/api/transfers?limit=50')).json<{ transfers: { id: number }[] }>();
    expect(list.transfers.filter((tr) => tr.id > before).map((tr) => tr.id)).toEqual([winner.id]);
  });

  it(`${PARALLEL} parallel status changes of one serial: one 200, the rest 409, one history row`, async () => {
    const { a } = ctx();
    const { itemId, serialId } = await freshSerial();

    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        client(i).patch(`/api/serials/${serialId}`, { status: 'damaged', note: `attempt ${i}` }),
      ),
    );
    expect(tally(responses)).toEqual({ 200: 1, 409: PARALLEL - 1 });
    for (const code of codesOf(responses, 409)) {
      expect(['STALE_SERIAL', 'ILLEGAL_STATUS_CHANGE']).toContain(code);
    }

    const d = await detail(serialId);
    expect(d.serial).toMatchObject({ status: 'damaged', locationId: a, version: 2 });
    expect(d.history.filter((e) => e.kind === 'status_changed')).toHaveLength(1);
    expectHistoryReplays(d);
    await expectCountsExactly(itemId, a, 'damaged');
  });

  it(`${PARALLEL} parallel adds of the same serial number: one 201, the rest 409 SERIAL_EXISTS`, async () => {
    const { a, tag } = ctx();
    const itemId = await makeItem(reader(), `DUP-${tag}-${++seq}`, { primaryLocationId: a });
    const serialNumber = `DUP-SN-${tag}-${seq}`;

    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        client(i).post(`/api/items/${itemId}/serials`, { serials: [{ serialNumber }] }),
      ),
    );
    expect(tally(responses)).toEqual({ 201: 1, 409: PARALLEL - 1 });
    for (const r of responses.filter((x) => x.statusCode === 409)) {
      expect(r.json()).toMatchObject({
        code: 'SERIAL_EXISTS',
        errors: [{ field: 'serials[0]', code: 'already_exists' }],
      });
    }

    const lookup = (await reader().get(`/api/serials/lookup?q=${serialNumber}`)).json<{
      matches: { id: number; itemId: number }[];
    }>();
    expect(lookup.matches).toHaveLength(1);
    expect(lookup.matches[0]!.itemId).toBe(itemId);
    const d = await detail(lookup.matches[0]!.id);
    expect(d.history.map((e) => e.kind)).toEqual(['created']);
    await expectCountsExactly(itemId, a, 'in_stock');
  });

  for (const target of ['scrapped', 'damaged'] as const) {
    it(`transfers racing status changes to ${target}: the history replays to the final state`, async () => {
      const { a, b } = ctx();
      // A few rounds, each on a fresh serial, to give the interleavings a chance.
      for (let round = 0; round < 3; round++) {
        const { itemId, serialId } = await freshSerial();
        const responses = await Promise.all(
          Array.from({ length: PARALLEL }, (_, i) =>
            i % 2 === 0
              ? client(i).post('/api/transfers', {
                  fromLocationId: a,
                  toLocationId: b,
                  serialIds: [serialId],
                })
              : client(i).patch(`/api/serials/${serialId}`, { status: target }),
          ),
        );
        const statuses = tally(responses);
        // Every answer is a success or a clean conflict (no 500), and at least one write won.
        expect(responses.every((r) => [200, 201, 409].includes(r.statusCode))).toBe(true);
        expect((statuses[200] ?? 0) + (statuses[201] ?? 0)).toBeGreaterThanOrEqual(1);

        const d = await detail(serialId);
        expectHistoryReplays(d);
        const moved = d.history.filter((e) => e.kind === 'transferred').length;
        const changed = d.history.filter((e) => e.kind === 'status_changed').length;
        // Each write that answered success left exactly one history row, and nothing else did.
        expect(moved).toBe(statuses[201] ?? 0);
        expect(changed).toBe(statuses[200] ?? 0);
        expect(moved).toBeLessThanOrEqual(1);
        expect(changed).toBeLessThanOrEqual(1);
        expect(d.serial.version).toBe(1 + moved + changed);

        await expectCountsExactly(itemId, d.serial.locationId, d.serial.status);
        // The one unit on hand is wherever the serial ended up.
        const s = await stock(itemId);
        expect(s.quantityOnHand).toBe(1);
        expect(s.locations.find((l) => l.quantityOnHand === 1)?.locationId).toBe(d.serial.locationId);
      }
    });
  }
}

describeEachDialect('concurrency', (dialect) => {
  let t: TestApp;
  let a: number;
  let b: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    a = await makeLocation(t.admin, 'R1-1A');
    b = await makeLocation(t.admin, 'R1-1B');
  });
  afterAll(() => t?.close());

  describe('one app server', () => {
    raceScenarios(() => ({ clients: [t.admin], a, b, tag: 'one' }));
  });

  if (dialect === 'postgres') {
    describe('two app servers on one database', () => {
      let second: SecondServer | undefined;
      let admin2: Client;

      beforeAll(async () => {
        second = await openSecondServer(t);
        admin2 = second.admin;
      });
      afterAll(() => second?.close());

      it('really talks to two separate pools', () => {
        expect(second!.runtime.database.db).not.toBe(t.runtime.database.db);
        expect(second!.runtime.config.database).toEqual(t.runtime.config.database);
      });

      raceScenarios(() => ({ clients: [t.admin, admin2], a, b, tag: 'two' }));
    });
  }

  it("after all the races, every serial's history replays to its stored row", async () => {
    expect(await expectAllHistoriesReplay(t.runtime.database.db)).toBeGreaterThan(0);
  });
});

/**
 * Transfers without a stated source (one document per source location) on overlapping selections: every
 * request shares serials with every other and all go to one destination, so exactly one can win; each
 * loser either read before the winner committed (its conditional move finds a changed version:
 * STALE_SERIAL, naming the serials) or after (the serials are at the destination already).
 */
describeEachDialect('concurrency: transfers from several locations', (dialect) => {
  let t: TestApp;
  let second: SecondServer | undefined;
  const clients: Client[] = [];
  let a: number;
  let b: number;
  let dest: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    clients.push(t.admin);
    a = await makeLocation(t.admin, 'MS-A');
    b = await makeLocation(t.admin, 'MS-B');
    dest = await makeLocation(t.admin, 'MS-DEST');
    if (dialect === 'postgres') {
      // A second app server on the same database, so half the requests race from another pool.
      second = await openSecondServer(t);
      clients.push(second.admin);
    }
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it(`${PARALLEL} parallel multi-source transfers of overlapping serials: exactly one wins`, async () => {
    const reader = t.admin;
    const itemId = await makeItem(reader, 'MS-RACE', { primaryLocationId: a });
    const serials = await addSerials(reader, itemId, [
      'MS-1',
      'MS-2',
      { serialNumber: 'MS-3', locationId: b },
      { serialNumber: 'MS-4', locationId: b },
    ]);
    const origin = new Map(serials.map((s, i) => [s.id, i < 2 ? a : b]));
    for (const loc of [a, b]) {
      const adj = await reader.post('/api/stock-adjustments', {
        itemId,
        locationId: loc,
        delta: 2,
        reason: 'Opening stock',
      });
      expect(adj.statusCode).toBe(201);
    }
    const newest = async () =>
      (await reader.get('/api/transfers?limit=1')).json<{ transfers: { id: number }[] }>().transfers[0]?.id ??
      0;
    const before = await newest();

    // Request i takes three of the four serials, starting at a different one and in a different order:
    // any two selections overlap, and most span both locations.
    const ids = serials.map((s) => s.id);
    const selections = Array.from({ length: PARALLEL }, (_, i) => {
      const rotated = [...ids.slice(i % 4), ...ids.slice(0, i % 4)].slice(0, 3);
      return i % 2 === 0 ? rotated : rotated.reverse();
    });
    const responses = await Promise.all(
      selections.map((serialIds, i) =>
        clients[i % clients.length]!.post('/api/transfers', { toLocationId: dest, serialIds }),
      ),
    );
    expect(tally(responses)).toEqual({ 201: 1, 409: PARALLEL - 1 });
    for (const r of responses.filter((x) => x.statusCode === 409)) {
      const problem = r.json<{ code: string; errors?: { field: string; code: string }[] }>();
      expect(['TRANSFER_REJECTED', 'STALE_SERIAL']).toContain(problem.code);
      expect(problem.errors?.length).toBeGreaterThan(0);
      const expectedCode = problem.code === 'STALE_SERIAL' ? 'changed_meanwhile' : 'already_at_destination';
      for (const e of problem.errors!) expect(e.code).toBe(expectedCode);
    }
    const winnerIndex = responses.findIndex((r) => r.statusCode === 201);
    const won = new Set(selections[winnerIndex]);
    const batch = responses[winnerIndex]!.json<{
      transfers: { id: number; number: string; fromLocationId: number; serials: { id: number }[] }[];
    }>();
    const documentOf = new Map(batch.transfers.flatMap((tr) => tr.serials.map((s) => [s.id, tr] as const)));
    expect([...documentOf.keys()].sort()).toEqual([...won].sort());

    for (const id of ids) {
      const res = await reader.get(`/api/serials/${id}`);
      const d = res.json<SerialDetailJson>();
      const moves = d.history.filter((e) => e.kind === 'transferred');
      if (won.has(id)) {
        const doc = documentOf.get(id)!;
        expect(doc.fromLocationId).toBe(origin.get(id));
        expect(d.serial).toMatchObject({ locationId: dest, status: 'in_stock', version: 2 });
        expect(moves).toHaveLength(1);
        expect(moves[0]).toMatchObject({
          document: { type: 'transfer', number: doc.number },
          fromLocationId: origin.get(id),
          toLocationId: dest,
        });
      } else {
        expect(d.serial).toMatchObject({ locationId: origin.get(id), version: 1 });
        expect(moves).toHaveLength(0);
      }
    }

    // Counts and quantity on hand moved exactly once per winning unit.
    const present = (loc: number) =>
      [...ids].filter((id) => (won.has(id) ? dest : origin.get(id)) === loc).length;
    for (const loc of [a, b, dest]) {
      const c = (await reader.get(`/api/items/${itemId}/serials?locationId=${loc}`)).json<{
        counts: CountsJson;
      }>().counts;
      expect({ loc, n: c.byStatus['in_stock'] ?? 0 }).toEqual({ loc, n: present(loc) });
    }
    const stock = (await reader.get(`/api/items/${itemId}/stock`)).json<StockJson>();
    expect(stock.quantityOnHand).toBe(4);
    for (const l of stock.locations) {
      expect({ loc: l.locationId, q: l.quantityOnHand, mismatch: l.mismatch }).toEqual({
        loc: l.locationId,
        q: present(l.locationId),
        mismatch: 0,
      });
    }
    // Only the winner's documents were written.
    const list = (await reader.get('/api/transfers?limit=50')).json<{ transfers: { id: number }[] }>();
    expect(
      list.transfers
        .filter((tr) => tr.id > before)
        .map((tr) => tr.id)
        .sort(),
    ).toEqual(batch.transfers.map((tr) => tr.id).sort());
  });

  it("every serial's history replays to its stored row", async () => {
    expect(await expectAllHistoriesReplay(t.runtime.database.db)).toBe(4);
  });
});
