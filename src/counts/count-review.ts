import type { CountEntryRow, ExpectedSerialRow } from './counts.repository.js';
import type { CountView } from './counts.service.js';

/** Entries that are units of ours found on the shelf: they count towards the quantity found. */
export const FOUND_RESULTS: readonly string[] = ['expected', 'misplaced', 'missing'];

export interface ReviewLine {
  itemId: number;
  sku: string;
  locationId: number;
  locationCode: string;
  /** Serials recorded here on the shelf (In Stock, Reserved, Returned, Damaged). */
  expected: number;
  /** Units of this item found here (expected, misplaced here, Missing found here). */
  found: number;
  /** Expected here and not found. */
  missing: number;
  /** Found here but recorded elsewhere. */
  misplaced: number;
  quantityOnHand: number;
  /** found − quantity on hand: what setting the quantity to the count would adjust. */
  difference: number;
}

export interface ReviewSerial {
  serialId: number | null;
  serialNumber: string;
  sku: string | null;
  /** Where the record says it is now. */
  recordedLocationCode: string | null;
  /** Where the count found it (null for a unit not found). */
  foundLocationCode: string | null;
  status: string | null;
  result: string;
  username: string | null;
  at: string | null;
}

export interface ReviewInput {
  entries: CountEntryRow[];
  expected: ExpectedSerialRow[];
  levels: { item_id: number; location_id: number; quantity: number; sku: string }[];
  itemIds: ReadonlySet<number> | null;
}

const fromEntry = (e: CountEntryRow): ReviewSerial => ({
  serialId: e.serial_id,
  serialNumber: e.serial_number,
  sku: e.sku,
  recordedLocationCode: e.now_location_code,
  foundLocationCode: e.location_code,
  status: e.now_void_key ? 'voided' : e.now_status,
  result: e.result,
  username: e.username,
  at: e.at,
});

/** Expected against found per item and location, and the lists a person reviews before reconciling. */
export function computeReview(input: ReviewInput) {
  const lines = new Map<string, ReviewLine>();
  const locationCodes = new Map<number, string>();
  for (const e of input.entries) locationCodes.set(e.location_id, e.location_code);
  for (const s of input.expected) locationCodes.set(s.location_id, s.location_code);
  const line = (itemId: number, sku: string, locationId: number): ReviewLine => {
    const key = `${itemId}|${locationId}`;
    let l = lines.get(key);
    if (!l) {
      l = {
        itemId,
        sku,
        locationId,
        locationCode: locationCodes.get(locationId) ?? String(locationId),
        expected: 0,
        found: 0,
        missing: 0,
        misplaced: 0,
        quantityOnHand: 0,
        difference: 0,
      };
      lines.set(key, l);
    }
    return l;
  };
  const foundIds = new Set<number>();
  const misplaced: ReviewSerial[] = [];
  const unexpected: ReviewSerial[] = [];
  const foundMissing: ReviewSerial[] = [];
  const unknown: ReviewSerial[] = [];
  for (const e of input.entries) {
    if (e.serial_id !== null) foundIds.add(e.serial_id);
    if (FOUND_RESULTS.includes(e.result) && e.item_id !== null && e.sku !== null) {
      const l = line(e.item_id, e.sku, e.location_id);
      l.found++;
      if (e.result === 'misplaced') l.misplaced++;
    }
    if (e.result === 'misplaced') misplaced.push(fromEntry(e));
    else if (e.result === 'missing') foundMissing.push(fromEntry(e));
    else if (e.result === 'not_in_stock' || e.result === 'not_in_count') unexpected.push(fromEntry(e));
    else if (e.result === 'unknown') unknown.push(fromEntry(e));
  }
  const missing: ReviewSerial[] = [];
  for (const s of input.expected) {
    const l = line(s.item_id, s.sku, s.location_id);
    l.expected++;
    if (!foundIds.has(s.id)) {
      l.missing++;
      missing.push({
        serialId: s.id,
        serialNumber: s.serial_number,
        sku: s.sku,
        recordedLocationCode: s.location_code,
        foundLocationCode: null,
        status: s.status,
        result: 'not_found',
        username: null,
        at: null,
      });
    }
  }
  for (const q of input.levels) {
    if (input.itemIds !== null && !input.itemIds.has(q.item_id)) continue;
    if (q.quantity === 0 && !lines.has(`${q.item_id}|${q.location_id}`)) continue;
    line(q.item_id, q.sku, q.location_id).quantityOnHand = q.quantity;
  }
  for (const l of lines.values()) l.difference = l.found - l.quantityOnHand;
  const sorted = [...lines.values()].sort(
    (a, b) => a.sku.localeCompare(b.sku) || a.locationCode.localeCompare(b.locationCode),
  );
  return { lines: sorted, missing, misplaced, unexpected, foundMissing, unknown };
}

export type Review = ReturnType<typeof computeReview>;

const page = (list: ReviewSerial[], limit: number) => ({ total: list.length, serials: list.slice(0, limit) });

/** The review as the API answers it: every line, each list's total and its first `limit` serials. */
export function pageReview(count: CountView, r: Review, limit: number) {
  return {
    count,
    lines: r.lines,
    missing: page(r.missing, limit),
    misplaced: page(r.misplaced, limit),
    unexpected: page(r.unexpected, limit),
    foundMissing: page(r.foundMissing, limit),
    unknown: page(r.unknown, limit),
  };
}
