import type { Executor } from '../db/database.js';
import { conflict } from '../shared/errors.js';
import { itemsRepository } from '../items/items.repository.js';
import { serialsRepository } from './serials.repository.js';
import {
  prepareNewSerialValuesInTx,
  type InitialCustomValue,
  type NewSerialCustomValues,
} from '../custom-fields/custom-field-ledger.js';

export interface SerialSource {
  type: string;
  number: string | null;
}

/** Count changes per item, location and status, applied to serial_counts in one go. */
export class CountDeltas {
  private readonly map = new Map<
    string,
    { itemId: number; locationId: number; status: string; delta: number }
  >();

  add(itemId: number, locationId: number, status: string, delta: number): this {
    const key = `${itemId}|${locationId}|${status}`;
    const entry = this.map.get(key);
    if (entry) entry.delta += delta;
    else this.map.set(key, { itemId, locationId, status, delta });
    return this;
  }

  /** Moves one serial's count from one (location, status) to another. */
  move(
    itemId: number,
    from: { locationId: number; status: string },
    to: { locationId: number; status: string },
  ): this {
    return this.add(itemId, from.locationId, from.status, -1).add(itemId, to.locationId, to.status, 1);
  }

  apply(tx: Executor): Promise<void> {
    return serialsRepository.adjustCounts(tx, this.map.values());
  }
}

export const notTracked = (sku: string) =>
  conflict(
    'SERIAL_TRACKING_OFF',
    `${sku} does not track serials. Check Track Serials in Item Settings and save the item first.`,
  );

/**
 * Creates serials of one item In Stock with their "created" history rows and counter updates, set-based,
 * inside the caller's transaction. Every creating path (Add Serial, receiving, import) goes through here.
 */
export async function createSerialsInTx(
  tx: Executor,
  params: {
    itemId: number;
    entries: {
      serialNumber: string;
      locationId: number;
      conditionNotes: string;
      /** Explicit custom values (canonical, by field id); they win over the Default Serial Q&A. */
      customValues?: NewSerialCustomValues | undefined;
    }[];
    source: SerialSource;
    userId: number | null;
    at: string;
    dateReceived: string;
  },
): Promise<number[]> {
  // Locks the item row while it tracks serials, so Track Serials cannot be turned off concurrently.
  if (!(await itemsRepository.lockIfTracked(tx, params.itemId))) {
    const item = await itemsRepository.findById(tx, params.itemId);
    throw notTracked(item?.sku ?? String(params.itemId));
  }
  // Inserting in one global order makes concurrent overlapping batches wait instead of deadlocking.
  const order = params.entries
    .map((_, i) => i)
    .sort((a, b) => {
      const x = params.entries[a]!.serialNumber;
      const y = params.entries[b]!.serialNumber;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  const sorted = order.map((i) => params.entries[i]!);
  // Every new serial starts with the item's Default Serial Q&A (explicit values win), whatever creates it.
  const custom = await prepareNewSerialValuesInTx(
    tx,
    params.itemId,
    params.entries.map((e) => e.customValues),
  );
  const ctx = {
    itemId: params.itemId,
    dateReceived: params.dateReceived,
    sourceType: params.source.type,
    sourceNumber: params.source.number,
    at: params.at,
    userId: params.userId,
  };
  const sortedIds = await serialsRepository.insertNewInStock(tx, ctx, sorted);
  await serialsRepository.insertCreatedEvents(tx, ctx, sorted, sortedIds, (i) =>
    createdEventData(sorted[i]!.conditionNotes, custom.initialOf(order[i]!)),
  );
  const counts = new CountDeltas();
  for (const e of sorted) counts.add(params.itemId, e.locationId, 'in_stock', 1);
  await counts.apply(tx);
  // Ids in the caller's order.
  const ids = new Array<number>(sorted.length);
  order.forEach((original, i) => (ids[original] = sortedIds[i]!));
  await custom.write(ids);
  return ids;
}

/** The "created" row's data: condition notes and the custom values the serial starts with (by field id). */
function createdEventData(
  conditionNotes: string,
  customFields: InitialCustomValue[] | undefined,
): string | null {
  if (!conditionNotes && !customFields) return null;
  return JSON.stringify({ ...(conditionNotes && { conditionNotes }), ...(customFields && { customFields }) });
}
