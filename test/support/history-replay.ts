import { expect } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';

/** The parts of a Serial Detail answer (GET /api/serials/{id}) the replay reads. */
export interface ReplayableDetail {
  serial: { status: string; locationId: number; serialNumber?: string };
  history: {
    kind: string;
    fromLocationId: number | null;
    toLocationId: number | null;
    fromStatus: string | null;
    toStatus: string | null;
    data?: Record<string, unknown> | null;
  }[];
}

/**
 * One serial through the API: each event starts where the previous one ended, and the last one ends where
 * the serial is now: status, location and (through its renumbers' old and new values) serial number.
 */
export function expectHistoryReplays(d: ReplayableDetail): void {
  const [first, ...rest] = d.history;
  expect(first).toMatchObject({ kind: 'created', toStatus: 'in_stock' });
  let state = { status: first!.toStatus, location: first!.toLocationId };
  let serialNumber: string | null = null; // unknown until the first renumber names it
  for (const e of rest) {
    if (e.kind === 'renumbered') {
      const { old, new: renumberedTo } = e.data as { old: string; new: string };
      if (serialNumber !== null) expect(old).toBe(serialNumber);
      expect(renumberedTo).not.toBe(old);
      serialNumber = renumberedTo;
      continue;
    }
    if (e.toStatus === null && e.fromStatus === null) continue; // notes / warranty / custom field edits
    expect({ kind: e.kind, fromStatus: e.fromStatus, fromLocationId: e.fromLocationId }).toEqual({
      kind: e.kind,
      fromStatus: state.status,
      fromLocationId: state.location,
    });
    state = { status: e.toStatus, location: e.toLocationId };
  }
  expect(state).toEqual({ status: d.serial.status, location: d.serial.locationId });
  if (serialNumber !== null && d.serial.serialNumber !== undefined) {
    expect(serialNumber).toBe(d.serial.serialNumber);
  }
}

export interface ReplayReport {
  /** Serials whose history was replayed. */
  checked: number;
  /** One line per serial whose replayed history disagrees with its row (first difference only). */
  mismatches: string[];
}

type Values = Map<number, string>;

/** A "created" row's custom values by field id: `[{ fieldId, value }]`, or `{ name: value }` written earlier. */
function initialValues(data: Record<string, unknown> | null, fieldIdByName: Map<string, number>): Values {
  const out: Values = new Map();
  const initial = data?.['customFields'];
  if (Array.isArray(initial)) {
    for (const v of initial as { fieldId: number; value: string }[]) out.set(v.fieldId, v.value);
  } else if (initial && typeof initial === 'object') {
    for (const [name, value] of Object.entries(initial as Record<string, string>)) {
      const id = fieldIdByName.get(name);
      out.set(id ?? -1, value);
    }
  }
  return out;
}

const show = (m: Values) =>
  JSON.stringify(Object.fromEntries([...m].sort((a, b) => a[0] - b[0]).map(([k, v]) => [k, v])));

/**
 * Every serial (of `itemIds`, or all) replayed from its stored history straight from the database: the
 * "created" row and each later event, in order, must lead to exactly the serial's row as stored: status,
 * location, serial number and custom field values. Set-based reads, so it runs over many thousands.
 */
export async function replaySerialHistories(db: Kysely<DB>, itemIds?: number[]): Promise<ReplayReport> {
  let serialsQ = db
    .selectFrom('serials')
    .innerJoin('items', 'items.id', 'serials.item_id')
    .select([
      'serials.id',
      'serials.serial_number',
      'serials.status',
      'serials.location_id',
      'items.part_type_id',
    ]);
  let eventsQ = db
    .selectFrom('serial_events')
    .select(['serial_id', 'kind', 'from_status', 'to_status', 'from_location_id', 'to_location_id', 'data'])
    .orderBy('serial_id')
    .orderBy('id');
  let valuesQ = db
    .selectFrom('serial_custom_values')
    .innerJoin('serials', 'serials.id', 'serial_custom_values.serial_id')
    .select([
      'serial_custom_values.serial_id',
      'serial_custom_values.field_id',
      'serial_custom_values.value',
    ]);
  if (itemIds) {
    serialsQ = serialsQ.where('serials.item_id', 'in', itemIds);
    eventsQ = eventsQ.where('item_id', 'in', itemIds);
    valuesQ = valuesQ.where('serials.item_id', 'in', itemIds);
  }
  const [serials, events, values, fields] = await Promise.all([
    serialsQ.execute(),
    eventsQ.execute(),
    valuesQ.execute(),
    db.selectFrom('custom_field_definitions').select(['id', 'part_type_id', 'name']).execute(),
  ]);
  const eventsOf = new Map<number, typeof events>();
  for (const e of events) {
    const list = eventsOf.get(e.serial_id);
    if (list) list.push(e);
    else eventsOf.set(e.serial_id, [e]);
  }
  const storedValues = new Map<number, Values>();
  for (const v of values) {
    const m = storedValues.get(v.serial_id) ?? new Map<number, string>();
    m.set(v.field_id, v.value);
    storedValues.set(v.serial_id, m);
  }
  const fieldsByPartType = new Map<number, Map<string, number>>();
  for (const f of fields) {
    const m = fieldsByPartType.get(f.part_type_id) ?? new Map<string, number>();
    m.set(f.name, f.id);
    fieldsByPartType.set(f.part_type_id, m);
  }

  const mismatches: string[] = [];
  for (const s of serials) {
    const history = eventsOf.get(s.id) ?? [];
    const [created, ...rest] = history;
    const fail = (why: string) => mismatches.push(`serial ${s.id} (${s.serial_number}): ${why}`);
    if (created?.kind !== 'created') {
      fail(`first event is ${created?.kind ?? 'missing'}, not created`);
      continue;
    }
    const parse = (data: string | null) => (data ? (JSON.parse(data) as Record<string, unknown>) : null);
    let status = created.to_status;
    let location = created.to_location_id;
    let serialNumber: string | null = null;
    const custom = initialValues(
      parse(created.data),
      fieldsByPartType.get(s.part_type_id ?? -1) ?? new Map<string, number>(),
    );
    let broken = false;
    for (const e of rest) {
      const data = parse(e.data);
      if (e.kind === 'renumbered') {
        const { old, new: renumberedTo } = data as { old: string; new: string };
        if (serialNumber !== null && old !== serialNumber) {
          fail(`renumbered from ${old}, but the history had it as ${serialNumber}`);
          broken = true;
          break;
        }
        serialNumber = renumberedTo;
        continue;
      }
      if (e.kind === 'custom_field_changed') {
        const { fieldId, from, to } = data as { fieldId: number; from: string | null; to: string | null };
        if ((custom.get(fieldId) ?? null) !== from) {
          fail(
            `custom field ${fieldId} changed from ${from}, but the history had ${custom.get(fieldId) ?? null}`,
          );
          broken = true;
          break;
        }
        if (to === null) custom.delete(fieldId);
        else custom.set(fieldId, to);
        continue;
      }
      if (e.from_status === null && e.to_status === null) continue; // notes / warranty edits
      if (e.from_status !== status || (e.from_location_id !== null && e.from_location_id !== location)) {
        fail(`${e.kind} starts at ${e.from_status}@${e.from_location_id}, history had ${status}@${location}`);
        broken = true;
        break;
      }
      status = e.to_status;
      location = e.to_location_id ?? location;
    }
    if (broken) continue;
    if (status !== s.status || location !== s.location_id) {
      fail(`history ends ${status}@${location}, the row is ${s.status}@${s.location_id}`);
    } else if (serialNumber !== null && serialNumber !== s.serial_number) {
      fail(`history ends numbered ${serialNumber}, the row is ${s.serial_number}`);
    } else if (show(custom) !== show(storedValues.get(s.id) ?? new Map<number, string>())) {
      fail(
        `history gives custom values ${show(custom)}, stored ${show(storedValues.get(s.id) ?? new Map<number, string>())}`,
      );
    }
  }
  return { checked: serials.length, mismatches };
}

/** Asserts that every serial's history replays to its row (see replaySerialHistories), and returns the count. */
export async function expectAllHistoriesReplay(db: Kysely<DB>, itemIds?: number[]): Promise<number> {
  const report = await replaySerialHistories(db, itemIds);
  expect(report.mismatches.slice(0, 20)).toEqual([]);
  expect(report.mismatches.length).toBe(0);
  return report.checked;
}
