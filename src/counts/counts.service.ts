import type { Db, Executor } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import type { Principal } from '../auth/auth.service.js';
import { conflict, invalid, notFound } from '../shared/errors.js';
import { nowIso } from '../shared/time.js';
import { nextDocumentNumber } from '../shared/document-numbers.js';
import { decodeIdCursor, encodeCursor } from '../shared/cursor.js';
import { parseLabelPayload } from '../labels/label-payload.js';
import { checkSerialNumber } from '../serials/serial-numbers.js';
import { locationsRepository } from '../locations/locations.repository.js';
import { itemsRepository } from '../items/items.repository.js';
import { PRESENT_STATUSES } from '../serials/serial-status.js';
import { classifyScan, GOOD_RESULTS, type ScanResult } from './count-scan.js';
import { countsRepository } from './counts.repository.js';
import { computeReview, pageReview } from './count-review.js';
import { reviewCsv, reviewPdf } from './count-export.js';

type CountRow = NonNullable<Awaited<ReturnType<typeof countsRepository.findById>>>;
type LocationRef = { id: number; code: string; name: string };

export const countClosed = (number: string) =>
  conflict(
    'COUNT_CLOSED',
    `Count ${number} is closed: it was reconciled and cannot change. Start a new count to count again.`,
  );

function toCountView(
  c: CountRow,
  locations: LocationRef[],
  items: { id: number; sku: string; name: string }[],
) {
  return {
    id: c.id,
    number: c.number,
    status: c.status as 'open' | 'closed',
    note: c.note,
    allItems: c.all_items === 1,
    locations: locations.map((l) => ({ id: l.id, code: l.code, name: l.name })),
    items,
    createdAt: c.created_at,
    createdBy: c.created_by,
    closedAt: c.closed_at,
    closedBy: c.closed_by,
    result: c.result ? (JSON.parse(c.result) as ReconcileResult) : null,
  };
}

export interface ReconcileResult {
  transfers: string[];
  markedMissing: number;
  markedFound: number;
  added: number;
  adjustments: { number: string; sku: string; locationCode: string; delta: number }[];
  /** The first 1,000 units skipped, with why; `skippedTotal` counts them all. */
  skipped: { serialNumber: string; sku: string | null; code: string; reason: string }[];
  skippedTotal: number;
}

export type CountView = ReturnType<typeof toCountView>;

export async function loadCount(db: Executor, id: number): Promise<CountView> {
  const c = await countsRepository.findById(db, id);
  if (!c) throw notFound('Count', id);
  const [locations, items] = await Promise.all([
    countsRepository.locations(db, [id]),
    c.all_items === 1 ? Promise.resolve([]) : countsRepository.items(db, id),
  ]);
  return toCountView(c, locations, items);
}

export function createCountsService(db: Db) {
  async function fullReview(id: number) {
    const count = await loadCount(db, id);
    const [entries, expected, levels] = await Promise.all([
      countsRepository.entries(db, id),
      countsRepository.expectedSerials(db, id, PRESENT_STATUSES),
      countsRepository.stockLevels(db, id),
    ]);
    const itemIds = count.allItems ? null : new Set(count.items.map((i) => i.id));
    return { count, review: computeReview({ entries, expected, levels, itemIds }) };
  }

  const service = {
    async create(
      principal: Principal,
      input: { locationIds: number[]; itemIds?: number[] | undefined; note?: string | undefined },
    ) {
      const locationIds = [...new Set(input.locationIds)];
      const itemIds = [...new Set(input.itemIds ?? [])];
      if (locationIds.length === 0) {
        throw invalid('NO_LOCATIONS', 'Pick at least one location to count.', [
          { field: 'locationIds', code: 'empty', message: 'Pick a location' },
        ]);
      }
      const id = await inTransaction(db, async (tx) => {
        const locations = await locationsRepository.findManyByIds(tx, locationIds);
        const known = new Map(locations.map((l) => [l.id, l]));
        const errors = locationIds
          .filter((l) => known.get(l)?.active !== 1)
          .map((l) => ({
            field: 'locationIds',
            code: known.has(l) ? 'inactive_location' : 'unknown_location',
            message: known.has(l) ? `${known.get(l)!.code} is inactive` : `No location with id ${l}`,
          }));
        const items = await itemsRepository.findManyByIds(tx, itemIds);
        const itemById = new Map(items.map((i) => [i.id, i]));
        for (const i of itemIds) {
          const item = itemById.get(i);
          if (!item) errors.push({ field: 'itemIds', code: 'unknown_item', message: `No item with id ${i}` });
          else if (item.track_serials !== 1) {
            errors.push({
              field: 'itemIds',
              code: 'tracking_off',
              message: `${item.sku} does not track serials; a count scans serials.`,
            });
          }
        }
        if (errors.length > 0) {
          throw invalid('INVALID_COUNT', 'The count cannot start: check its locations and items.', errors);
        }
        const number = await nextDocumentNumber(tx, 'count', 'CNT-');
        return countsRepository.insert(
          tx,
          {
            number,
            note: input.note?.trim() ?? '',
            allItems: itemIds.length === 0,
            userId: principal.userId,
            at: nowIso(),
          },
          locationIds,
          itemIds,
        );
      });
      return service.get(id);
    },

    /** The count with its running tallies: the merged result every counter sees. */
    async get(id: number) {
      const count = await loadCount(db, id);
      const [tallies, scans, expected, recent] = await Promise.all([
        countsRepository.tallies(db, id),
        countsRepository.scanCount(db, id),
        countsRepository.expectedTotal(db, id, PRESENT_STATUSES),
        countsRepository.recentScans(db, id, 20),
      ]);
      const n = (r: string) => tallies.get(r) ?? 0;
      return {
        ...count,
        tallies: {
          scans,
          expected,
          foundExpected: n('expected'),
          misplaced: n('misplaced'),
          foundMissing: n('missing'),
          notInStock: n('not_in_stock'),
          notInCount: n('not_in_count'),
          unknown: n('unknown'),
        },
        recentScans: recent.map((s) => ({
          id: s.id,
          text: s.scanned_text,
          result: s.result as ScanResult,
          at: s.at,
          username: s.username,
          locationCode: s.location_code,
        })),
      };
    },

    async list(q: { cursor?: string | undefined; limit: number; status?: 'open' | 'closed' | undefined }) {
      const before = q.cursor ? decodeIdCursor(q.cursor) : undefined;
      const rows = await countsRepository.list(db, {
        beforeId: before,
        limit: q.limit + 1,
        status: q.status,
      });
      const page = rows.slice(0, q.limit);
      const locations = await countsRepository.locations(
        db,
        page.map((c) => c.id),
      );
      return {
        counts: page.map((c) =>
          toCountView(
            c,
            locations.filter((l) => l.count_id === c.id),
            [],
          ),
        ),
        nextCursor: rows.length > q.limit ? encodeCursor([page.at(-1)!.id]) : null,
      };
    },

    /**
     * One scan into an open count, answered at once with what it found. The entry is unique per count and
     * serial, so the same unit scanned twice (by two people, on two app servers) is one entry and the later
     * scan is told it was a duplicate. A QR label's `ST1/<SKU>/<serial>` counts as exactly that serial.
     */
    async scan(
      principal: Principal,
      countId: number,
      input: { text: string; locationId?: number | undefined },
    ) {
      const raw = input.text;
      const label = parseLabelPayload(raw);
      const check = checkSerialNumber(label ? label.serialNumber : raw);
      if (!check.ok) {
        throw invalid('BAD_SERIAL', `${check.message}`, [
          { field: 'text', code: check.code, message: check.message },
        ]);
      }
      const serialNumber = check.serial;
      return inTransaction(db, async (tx) => {
        const status = await countsRepository.statusForWrite(tx, countId, 'share');
        const count = await countsRepository.findById(tx, countId);
        if (!status || !count) throw notFound('Count', countId);
        if (status !== 'open') throw countClosed(count.number);
        const locations = await countsRepository.locations(tx, [countId]);
        const location =
          input.locationId === undefined
            ? locations.length === 1
              ? locations[0]
              : undefined
            : locations.find((l) => l.id === input.locationId);
        if (!location) {
          throw invalid(
            input.locationId === undefined ? 'LOCATION_REQUIRED' : 'LOCATION_NOT_IN_COUNT',
            input.locationId === undefined
              ? `Count ${count.number} covers several locations: say where you are scanning.`
              : `Location ${input.locationId} is not one of count ${count.number}'s locations.`,
            [{ field: 'locationId', code: 'invalid', message: 'Pick one of the count’s locations' }],
          );
        }
        const itemIds =
          count.all_items === 1
            ? null
            : new Set((await countsRepository.items(tx, countId)).map((i) => i.id));
        const candidates = await countsRepository.candidates(tx, serialNumber, label?.sku);
        const classified = classifyScan(
          candidates.map((c) => ({
            id: c.id,
            itemId: c.item_id,
            sku: c.sku,
            status: c.status,
            locationId: c.location_id,
            locationCode: c.location_code,
            voided: c.void_key !== 0,
          })),
          { serialNumber, locationId: location.id, locationCode: location.code, itemIds },
        );
        const at = nowIso();
        let result: ScanResult = classified.result;
        let message = classified.message;
        const serial = classified.serial;
        if (classified.result !== 'ambiguous') {
          const serialKey = serial ? `s:${serial.id}` : `u:${serialNumber}`;
          const entryId = await countsRepository.insertEntry(tx, {
            countId,
            serialKey,
            serialId: serial?.id ?? null,
            serialNumber,
            locationId: location.id,
            result: classified.result,
            recordedLocationId: serial?.locationId ?? null,
            recordedStatus: serial?.status ?? null,
            userId: principal.userId,
            at,
          });
          if (entryId === null) {
            const first = await countsRepository.entryByKey(tx, countId, serialKey);
            result = 'duplicate';
            message = first
              ? `${serialNumber} was already scanned by ${first.username} at ${first.location_code}; ignored.`
              : `${serialNumber} was already scanned; ignored.`;
          }
        }
        await countsRepository.insertScan(tx, {
          countId,
          text: raw.slice(0, 1000),
          serialId: serial?.id ?? null,
          locationId: location.id,
          result,
          userId: principal.userId,
          at,
        });
        return {
          result,
          good: GOOD_RESULTS.includes(result),
          message,
          serialNumber,
          serial: serial
            ? {
                id: serial.id,
                itemId: serial.itemId,
                sku: serial.sku,
                status: serial.status,
                locationId: serial.locationId,
                locationCode: serial.locationCode,
              }
            : null,
          locationId: location.id,
          locationCode: location.code,
          at,
        };
      });
    },

    /** Expected against found per item and location, and each list's first `limit` serials. */
    async review(id: number, limit: number) {
      const { count, review } = await fullReview(id);
      return pageReview(count, review, limit);
    },

    async reviewCsv(id: number, bom: boolean) {
      const { count, review } = await fullReview(id);
      return reviewCsv(count, review, bom);
    },

    async reviewPdf(id: number) {
      const { count, review } = await fullReview(id);
      return { fileName: `${count.number}.pdf`, document: reviewPdf(count, review) };
    },
  };
  return service;
}

export type CountsService = ReturnType<typeof createCountsService>;
