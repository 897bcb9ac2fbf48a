import { PRESENT_STATUSES, statusLabel } from '../serials/serial-status.js';

/**
 * What a scan into a count found. Stored on the count's entry (all but duplicate and ambiguous):
 * - expected: recorded here in a status that is on the shelf (In Stock, Reserved, Returned, Damaged);
 * - misplaced: on the shelf by its record, but at another location;
 * - missing: recorded Missing (an earlier count did not find it): found again;
 * - not_in_stock: known, but Sold, Scrapped or Voided;
 * - not_in_count: a serial of an item this count does not cover;
 * - unknown: no serial of that number (and SKU, for a QR label);
 * - duplicate: this count has it already (ignored);
 * - ambiguous: the number belongs to several items here; the QR label (SKU + serial) tells them apart.
 */
export const SCAN_RESULTS = [
  'expected',
  'misplaced',
  'missing',
  'not_in_stock',
  'not_in_count',
  'unknown',
  'duplicate',
  'ambiguous',
] as const;
export type ScanResult = (typeof SCAN_RESULTS)[number];

/** Results a count keeps as an entry (found once per count). */
export type EntryResult = Exclude<ScanResult, 'duplicate' | 'ambiguous'>;

/** Answers a person scanning is glad to hear (the UI's good beep and green). */
export const GOOD_RESULTS: readonly ScanResult[] = ['expected', 'missing'];

export interface ScanCandidate {
  id: number;
  itemId: number;
  sku: string;
  status: string;
  locationId: number;
  locationCode: string;
  voided: boolean;
}

export type ScanClassification =
  | { result: EntryResult; serial: ScanCandidate | null; message: string }
  | { result: 'ambiguous'; serial: null; message: string };

const present = new Set<string>(PRESENT_STATUSES);

/** Lower is a better match for what a person holding the unit at this location means. */
function rank(c: ScanCandidate, scan: ScanContext): number {
  const inScope = scan.itemIds === null || scan.itemIds.has(c.itemId);
  let r: number;
  if (c.voided) r = 5;
  else if (present.has(c.status) && c.locationId === scan.locationId) r = 0;
  else if (present.has(c.status)) r = 1;
  else if (c.status === 'missing') r = 2;
  else r = 4;
  return inScope ? r : r + 10;
}

export interface ScanContext {
  serialNumber: string;
  /** Where the unit was scanned (one of the count's locations). */
  locationId: number;
  locationCode: string;
  /** The count's items, or null when it covers every item. */
  itemIds: ReadonlySet<number> | null;
}

/**
 * Classifies one scan from the serials that carry the scanned number (live and voided; one item's when a QR
 * label named the SKU). Pure: the service loads the candidates and stores what this decides.
 */
export function classifyScan(candidates: readonly ScanCandidate[], scan: ScanContext): ScanClassification {
  const sn = scan.serialNumber;
  if (candidates.length === 0) {
    return { result: 'unknown', serial: null, message: `No serial ${sn} is known. Set it aside for review.` };
  }
  const ranked = [...candidates].sort((a, b) => rank(a, scan) - rank(b, scan) || a.id - b.id);
  const best = ranked[0]!;
  const second = ranked[1];
  if (second && rank(second, scan) === rank(best, scan) && !best.voided) {
    const skus = ranked.filter((c) => rank(c, scan) === rank(best, scan)).map((c) => c.sku);
    return {
      result: 'ambiguous',
      serial: null,
      message: `${sn} is a serial of several items (${skus.join(', ')}). Scan its QR label, which names the item.`,
    };
  }
  const label = `${sn} (${best.sku})`;
  if (scan.itemIds !== null && !scan.itemIds.has(best.itemId)) {
    return { result: 'not_in_count', serial: best, message: `${label}: ${best.sku} is not counted here.` };
  }
  if (best.voided) {
    return { result: 'not_in_stock', serial: best, message: `${label} is Voided (entered in error).` };
  }
  if (present.has(best.status) && best.locationId === scan.locationId) {
    return { result: 'expected', serial: best, message: `${label} is expected here.` };
  }
  if (present.has(best.status)) {
    return {
      result: 'misplaced',
      serial: best,
      message: `${label} is recorded at ${best.locationCode}, found at ${scan.locationCode}.`,
    };
  }
  if (best.status === 'missing') {
    return {
      result: 'missing',
      serial: best,
      message: `${label} was Missing: found at ${scan.locationCode}.`,
    };
  }
  return {
    result: 'not_in_stock',
    serial: best,
    message: `${label} is ${statusLabel(best.status)}, not in stock.`,
  };
}
