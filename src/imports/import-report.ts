import type { Db } from '../db/database.js';
import { itemsRepository } from '../items/items.repository.js';
import { PRESENT_STATUSES } from '../serials/serial-status.js';
import { importsRepository, type ImportErrorRow, type ImportRow } from './imports.repository.js';
import type { ImportView } from './imports.service.js';

export function toImportError(e: ImportErrorRow) {
  return { line: e.line, column: e.column_name, code: e.code, message: e.message, value: e.value ?? null };
}

/**
 * The dry run of a staged import: error totals and the first errors, and what the error-free rows add per
 * item and location against quantity on hand (which an import never changes).
 */
export async function buildReport(
  db: Db,
  imp: ImportRow,
  maxErrors: number,
): Promise<NonNullable<ImportView['report']>> {
  const [byCode, errors, effectRows] = await Promise.all([
    importsRepository.errorsByCode(db, imp.id),
    importsRepository.listErrors(db, imp.id, 0, maxErrors),
    importsRepository.stagedEffect(db, imp.id),
  ]);
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
