import type { Db } from '../db/database.js';
import { itemsRepository } from '../items/items.repository.js';
import { PRESENT_STATUSES } from '../serials/serial-status.js';
import { importsRepository, type ImportErrorRow, type ImportRow } from './imports.repository.js';
import type { ImportView } from './imports.service.js';

export function toImportError(e: ImportErrorRow) {
  return { line: e.line, column: e.column_name, code: e.code, message: e.message, value: e.value ?? null };
}

/** What a staged import's rows and errors say; they never change while it stays staged. */
export type StagedTotals = Awaited<ReturnType<typeof stagedTotals>>;

/**
 * The grouping queries over every staged row and error: at 1,000,000 rows a second of synchronous SQLite on
 * the event loop, so the service keeps their answer per staged import (see StagedTotalsCache).
 */
export async function stagedTotals(db: Db, importId: number, maxErrors: number) {
  const [byCode, errors, effectRows] = await Promise.all([
    importsRepository.errorsByCode(db, importId),
    importsRepository.listErrors(db, importId, 0, maxErrors),
    importsRepository.stagedEffect(db, importId),
  ]);
  return { byCode, errors, effectRows };
}

/**
 * Staged totals by import, computed once per staged import and app server. The key holds `updated_at`, which
 * every change of an import's status or staging moves, so a stale entry is never read.
 */
export class StagedTotalsCache {
  private readonly entries = new Map<string, Promise<StagedTotals>>();
  constructor(private readonly max = 16) {}

  get(db: Db, imp: ImportRow, maxErrors: number): Promise<StagedTotals> {
    const key = `${imp.id}|${imp.updated_at}|${maxErrors}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = stagedTotals(db, imp.id, maxErrors);
      entry.catch(() => this.entries.delete(key));
      this.entries.set(key, entry);
      while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    }
    return entry;
  }
}

/**
 * The dry run of a staged import: error totals and the first errors, and what the error-free rows add per
 * item and location against quantity on hand (which an import never changes). Quantities on hand and serials
 * present are read now; the staged totals may come from the cache.
 */
export async function buildReport(
  db: Db,
  imp: ImportRow,
  maxErrors: number,
  totals?: StagedTotals,
): Promise<NonNullable<ImportView['report']>> {
  const { byCode, errors, effectRows } = totals ?? (await stagedTotals(db, imp.id, maxErrors));
  const pairs = new Map<string, { itemId: number; locationId: number; adding: Record<string, number> }>();
  for (const r of effectRows) {
    const key = `${r.item_id}|${r.location_id}`;
    const entry = pairs.get(key) ?? { itemId: r.item_id!, locationId: r.location_id!, adding: {} };
    entry.adding[r.status!] = Number(r.count);
    pairs.set(key, entry);
  }
  const list = [...pairs.values()];
  const { stock, serials } = await importsRepository.stockAndSerials(db, list, PRESENT_STATUSES);
  const qoh = new Map(stock.map((s) => [`${s.item_id}|${s.location_id}`, s.quantity]));
  const present = new Map(serials.map((s) => [`${s.item_id}|${s.location_id}`, Number(s.count)]));
  const skus = new Map(
    (await itemsRepository.findManyByIds(db, [...new Set(list.map((p) => p.itemId))])).map((i) => [
      i.id,
      i.sku,
    ]),
  );
  const locationIds = [...new Set(list.map((p) => p.locationId))];
  const codes = new Map(
    locationIds.length === 0
      ? []
      : (
          await db.selectFrom('locations').select(['id', 'code']).where('id', 'in', locationIds).execute()
        ).map((l) => [l.id, l.code]),
  );
  const effect = list
    .map((p) => {
      const key = `${p.itemId}|${p.locationId}`;
      const before = present.get(key) ?? 0;
      const addingPresent = Object.entries(p.adding)
        .filter(([s]) => (PRESENT_STATUSES as readonly string[]).includes(s))
        .reduce((n, [, c]) => n + c, 0);
      const quantityOnHand = qoh.get(key) ?? 0;
      return {
        itemId: p.itemId,
        sku: skus.get(p.itemId) ?? String(p.itemId),
        locationId: p.locationId,
        locationCode: codes.get(p.locationId) ?? String(p.locationId),
        adding: p.adding,
        quantityOnHand,
        serialsPresentBefore: before,
        serialsPresentAfter: before + addingPresent,
        mismatchAfter: before + addingPresent - quantityOnHand,
      };
    })
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.locationCode < b.locationCode ? -1 : 1));
  return {
    rows: imp.rows_parsed,
    validRows: imp.rows_parsed - imp.rows_with_errors,
    rowsWithErrors: imp.rows_with_errors,
    errorCount: imp.error_count,
    errorsByCode: byCode.map((c) => ({ code: c.code, column: c.column_name, count: Number(c.count) })),
    errors: errors.map(toImportError),
    errorsTruncated: imp.error_count > errors.length,
    effect,
  };
}
