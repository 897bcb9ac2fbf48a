import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import { UNTOUCHED_EVENT_KINDS } from './serial-corrections.js';
import { LOOKUP_COLUMNS } from './serials.repository.js';

/** Ids per statement: well under both databases' bound-parameter limits, also as (id, version) pairs. */
const CHUNK = 1000;

/** What the void rule needs of each serial, with its item. */
export interface VoidCandidateRow {
  id: number;
  item_id: number;
  serial_number: string;
  status: string;
  location_id: number;
  source_document_type: string;
  version: number;
  item_sku: string;
  item_track_serials: number;
}

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

export const serialCorrectionsRepository = {
  async findForVoid(db: Executor, ids: readonly number[]): Promise<VoidCandidateRow[]> {
    const rows: VoidCandidateRow[] = [];
    for (const chunk of chunks(ids)) {
      rows.push(
        ...(await db
          .selectFrom('serials')
          .innerJoin('items', 'items.id', 'serials.item_id')
          .select([
            'serials.id',
            'serials.item_id',
            'serials.serial_number',
            'serials.status',
            'serials.location_id',
            'serials.source_document_type',
            'serials.version',
            'items.sku as item_sku',
            'items.track_serials as item_track_serials',
          ])
          .where('serials.id', 'in', chunk)
          .execute()),
      );
    }
    return rows;
  },

  /**
   * The kinds of history rows, per serial, that touched it beyond its entry (a sale, a transfer, a status
   * change…): one distinct (serial, kind) pair each, by the (serial_id, id) index of the ledger.
   */
  async touchingKinds(db: Executor, ids: readonly number[]): Promise<Map<number, string[]>> {
    const bySerial = new Map<number, string[]>();
    for (const chunk of chunks(ids)) {
      const rows = await db
        .selectFrom('serial_events')
        .select(['serial_id', 'kind'])
        .distinct()
        .where('serial_id', 'in', chunk)
        .where('kind', 'not in', UNTOUCHED_EVENT_KINDS)
        .execute();
      for (const r of rows) bySerial.set(r.serial_id, [...(bySerial.get(r.serial_id) ?? []), r.kind]);
    }
    return bySerial;
  },

  /**
   * Voids serials that are still In Stock at the version read, set-based; returns how many it voided.
   * `void_key = id` takes each out of the live (item, number) uniqueness, so its number is free again.
   */
  async voidMany(
    db: Executor,
    serials: readonly { id: number; version: number }[],
    by: { at: string; userId: number },
  ): Promise<number> {
    let voided = 0;
    for (const chunk of chunks(serials)) {
      const result = await db
        .updateTable('serials')
        .set((eb) => ({
          status: 'voided',
          void_key: eb.ref('id'),
          updated_at: by.at,
          updated_by: by.userId,
          version: eb('version', '+', 1),
        }))
        .where((eb) =>
          eb(
            eb.refTuple('id', 'version'),
            'in',
            chunk.map((s) => eb.tuple(s.id, s.version)),
          ),
        )
        .where('status', '=', 'in_stock')
        .where('void_key', '=', 0)
        .executeTakeFirst();
      voided += Number(result.numUpdatedRows);
    }
    return voided;
  },

  /** Gives one live serial a new number if it still has `version`; returns whether it did. */
  async renumber(
    db: Executor,
    p: { id: number; version: number; serialNumber: string; at: string; userId: number },
  ): Promise<boolean> {
    const result = await sql`update "serials"
      set "serial_number" = ${p.serialNumber}, "updated_at" = ${p.at}, "updated_by" = ${p.userId},
        "version" = ${p.version + 1}
      where "id" = ${p.id} and "version" = ${p.version} and "void_key" = 0`.execute(db);
    return Number(result.numAffectedRows) === 1;
  },

  /** Keeps the number a serial had before a renumber, for lookup; a number it had before is kept once. */
  async addFormerNumber(
    db: Executor,
    p: { serialId: number; serialNumber: string; at: string },
  ): Promise<void> {
    await db
      .insertInto('serial_former_numbers')
      .values({ serial_id: p.serialId, serial_number: p.serialNumber, renumbered_at: p.at })
      .onConflict((oc) => oc.columns(['serial_number', 'serial_id']).doNothing())
      .execute();
  },

  /** Live serials once numbered `value` (exact) or a number starting with it (prefix), across all items. */
  lookupFormer(db: Executor, value: string, mode: 'exact' | 'prefix', limit: number) {
    let query = db
      .selectFrom('serial_former_numbers as f')
      .innerJoin('serials', 'serials.id', 'f.serial_id')
      .innerJoin('items', 'items.id', 'serials.item_id')
      .innerJoin('locations', 'locations.id', 'serials.location_id')
      .select([...LOOKUP_COLUMNS, 'f.serial_number as former_number'])
      .where('serials.void_key', '=', 0);
    query =
      mode === 'exact'
        ? query.where('f.serial_number', '=', value)
        : query.where('f.serial_number', '>=', value).where('f.serial_number', '<', `${value}\u{10FFFF}`);
    return query.orderBy('f.serial_number').orderBy('serials.id').limit(limit).execute();
  },
};
