import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Db, Executor } from '../db/database.js';
import type { Insertable } from 'kysely';
import type { ImportErrorsTable, ImportRowsTable, ImportRowValuesTable } from '../db/schema.js';
import { conflict, invalid, type FieldError } from '../shared/errors.js';
import { nowIso, todayIso } from '../shared/time.js';
import { isCustomFieldType, parseCustomValue } from '../custom-fields/custom-field-values.js';
import type { InitialCustomValue } from '../custom-fields/custom-field-ledger.js';
import { readCsv, type RowEvent } from './csv-reader.js';
import { readXlsx } from './xlsx-reader.js';
import {
  FIELD_LABELS,
  normalizeHeader,
  planColumns,
  unescapeFormula,
  planIsComplete,
  type ColumnPlan,
} from './import-columns.js';
import {
  validateImportRow,
  withoutLeadingZeros,
  type ImportCustomField,
  type ImportItem,
  type ImportLocation,
  type RowContext,
} from './import-row.js';
import { importsRepository } from './imports.repository.js';

/** Rows validated and written per staging transaction; also how often progress is published. */
const BATCH_ROWS = 2000;
/** A million-row file with long notes is well under this; beyond it, split the file. */
export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;
/** A workbook is compressed: this is about four million serials' worth, beyond any sheet's row limit. */
export const MAX_XLSX_BYTES = 256 * 1024 * 1024;
/** Characters of a bad cell kept with its error: enough to find it, bounded for a file of bad notes. */
const MAX_ERROR_VALUE = 200;

export interface StagingLookups {
  scopeItem: ImportItem | null;
  locationByCode: (code: string) => ImportLocation | undefined;
  customFields: (partTypeId: number) => ReadonlyMap<string, ImportCustomField>;
  customFieldNames: string[];
  /**
   * The custom values a new serial of the item starts with, by field name in field order: the file's
   * values over the item's Default Serial Q&A (what the "created" history row records).
   */
  initialCustomValues: (
    itemId: number,
    explicit: Record<number, string> | null,
  ) => InitialCustomValue[] | undefined;
  /** The item's Default Serial Q&A value of a field (items of loaded SKUs and the scope item). */
  defaultValue: (itemId: number, fieldId: number) => string | undefined;
  /** Loads the items of these SKUs into the cache (one query per batch). */
  loadSkus: (skus: Iterable<string>) => Promise<void>;
  itemBySku: (sku: string) => ImportItem | undefined;
  /** The SKU that a digits-only SKU matches once leading zeros are added back (`42` → `00042`). */
  skuWithLeadingZeros: (sku: string) => string | undefined;
  /** The location code that a digits-only code matches once leading zeros are added back (`7` → `007`). */
  locationWithLeadingZeros: (code: string) => string | undefined;
}

/** Longest zero-padded form of a digits-only SKU looked for (SKUs like `00042` are a handful of digits). */
const MAX_PADDED_SKU = 20;

/** `42` → `042`, `0042`, … up to `width` characters: the SKUs a spreadsheet may have shown as `42`. */
export function paddedForms(digits: string, width = MAX_PADDED_SKU): string[] {
  if (!/^\d+$/.test(digits)) return [];
  const out: string[] = [];
  for (let n = digits.length + 1; n <= width; n++) out.push(digits.padStart(n, '0'));
  return out;
}

const toImportItem = (r: {
  id: number;
  sku: string;
  track_serials: number;
  primary_location_id: number | null;
  part_type_id: number | null;
}): ImportItem => ({
  id: r.id,
  sku: r.sku,
  trackSerials: r.track_serials === 1,
  primaryLocationId: r.primary_location_id,
  partTypeId: r.part_type_id,
});

/** Locations, custom fields and items as the row validation needs them, cached for one import. */
export async function loadLookups(db: Executor, scopeItemId: number | null): Promise<StagingLookups> {
  const scope = scopeItemId
    ? await db.selectFrom('items').selectAll().where('id', '=', scopeItemId).executeTakeFirst()
    : undefined;
  const locations = await db.selectFrom('locations').select(['id', 'code', 'active']).execute();
  const byCode = new Map(locations.map((l) => [l.code, { id: l.id, code: l.code, active: l.active === 1 }]));
  // Codes are case-sensitive, but a spreadsheet user who types r1-1a means R1-1A when only one matches.
  const byLower = new Map<string, ImportLocation | null>();
  for (const l of byCode.values()) {
    const key = l.code.toLowerCase();
    byLower.set(key, byLower.has(key) ? null : l);
  }
  // Digits-only codes with leading zeros, by what a spreadsheet turns them into (`007` → `7`).
  const paddedLocations = new Map<string, string | null>();
  for (const l of byCode.values()) {
    const bare = withoutLeadingZeros(l.code);
    if (bare === undefined || bare === l.code) continue;
    paddedLocations.set(bare, paddedLocations.has(bare) ? null : l.code);
  }
  const defs = await importsRepository.customFieldDefinitions(db);
  const fieldsByPartType = new Map<number, Map<string, ImportCustomField>>();
  for (const d of defs) {
    if (!isCustomFieldType(d.type)) continue;
    const shape = { type: d.type, choices: d.choices ? (JSON.parse(d.choices) as string[]) : null };
    const map = fieldsByPartType.get(d.part_type_id) ?? new Map<string, ImportCustomField>();
    map.set(normalizeHeader(d.name), {
      id: d.id,
      name: d.name,
      required: d.required === 1,
      parse(raw) {
        const parsed = parseCustomValue(shape, raw);
        if (!parsed.ok) return { ok: false, message: `${d.name}: ${parsed.message}` };
        return { ok: true, value: parsed.value ?? '' };
      },
    });
    fieldsByPartType.set(d.part_type_id, map);
  }
  const names = scope
    ? defs.filter((d) => d.part_type_id === scope.part_type_id).map((d) => d.name)
    : [...new Set(defs.map((d) => d.name))];
  const items = new Map<string, ImportItem | null>();
  /** A missing digits-only SKU → the one existing SKU it is with leading zeros (null: none, or several). */
  const paddedSkus = new Map<string, string | null>();
  const empty = new Map<string, ImportCustomField>();
  const partTypeOf = new Map<number, number | null>();
  const defaultsOf = new Map<number, Map<number, string>>();
  const orderedFields = new Map<number, { id: number; name: string }[]>();
  for (const d of defs) {
    const list = orderedFields.get(d.part_type_id) ?? [];
    list.push({ id: d.id, name: d.name });
    orderedFields.set(d.part_type_id, list);
  }
  const loadDefaults = async (itemIds: number[]) => {
    for (let i = 0; i < itemIds.length; i += 500) {
      const rows = await importsRepository.itemDefaults(db, itemIds.slice(i, i + 500));
      for (const r of rows) {
        const map = defaultsOf.get(r.item_id) ?? new Map<number, string>();
        map.set(r.field_id, r.value);
        defaultsOf.set(r.item_id, map);
      }
    }
  };
  if (scope) {
    partTypeOf.set(scope.id, scope.part_type_id);
    await loadDefaults([scope.id]);
  }
  return {
    scopeItem: scope ? toImportItem(scope) : null,
    locationByCode: (code) => byCode.get(code) ?? byLower.get(code.toLowerCase()) ?? undefined,
    customFields: (partTypeId) => fieldsByPartType.get(partTypeId) ?? empty,
    customFieldNames: names,
    async loadSkus(skus) {
      const missing = [...new Set(skus)].filter((s) => s !== '' && !items.has(s));
      for (let i = 0; i < missing.length; i += 500) {
        const chunk = missing.slice(i, i + 500);
        const rows = await db
          .selectFrom('items')
          .select(['id', 'sku', 'track_serials', 'primary_location_id', 'part_type_id'])
          .where('sku', 'in', chunk)
          .execute();
        for (const s of chunk) items.set(s, null);
        for (const r of rows) {
          items.set(r.sku, toImportItem(r));
          partTypeOf.set(r.id, r.part_type_id);
        }
        await loadDefaults(rows.map((r) => r.id));
      }
      // SKUs a spreadsheet may have shown without their leading zeros: only the few digits-only misses.
      const bare = missing.filter((s) => items.get(s) === null && /^\d+$/.test(s) && !paddedSkus.has(s));
      for (let i = 0; i < bare.length; i += 25) {
        const chunk = bare.slice(i, i + 25);
        const found = await importsRepository.existingSkus(
          db,
          chunk.flatMap((s) => paddedForms(s)),
        );
        for (const s of chunk) {
          const matches = found.filter((f) => withoutLeadingZeros(f) === s);
          paddedSkus.set(s, matches.length === 1 ? matches[0]! : null);
        }
      }
    },
    skuWithLeadingZeros: (sku) => paddedSkus.get(sku) ?? undefined,
    locationWithLeadingZeros: (code) =>
      byCode.has(code) ? undefined : (paddedLocations.get(code) ?? undefined),
    itemBySku: (sku) => items.get(sku) ?? undefined,
    defaultValue: (itemId, fieldId) => defaultsOf.get(itemId)?.get(fieldId),
    initialCustomValues(itemId, explicit) {
      const partTypeId = partTypeOf.get(itemId);
      const defaults = defaultsOf.get(itemId);
      if (partTypeId == null || (!explicit && !defaults)) return undefined;
      const out: InitialCustomValue[] = [];
      for (const f of orderedFields.get(partTypeId) ?? []) {
        const value = explicit?.[f.id] ?? defaults?.get(f.id);
        if (value !== undefined) out.push({ fieldId: f.id, field: f.name, value });
      }
      return out.length > 0 ? out : undefined;
    },
  };
}

/** Why a header cannot be used as it is, for the MAPPING_REQUIRED problem and the mapping step. */
export function planProblems(plan: ColumnPlan): FieldError[] {
  return [
    ...plan.missing.map((f) => ({
      field: FIELD_LABELS[f],
      code: 'missing_column',
      message: `No column holds the ${FIELD_LABELS[f]}. Map one of the file's columns to it.`,
    })),
    ...plan.unknown.map((h) => ({
      field: h,
      code: 'unknown_column',
      message: `Column "${h}" matches no serial field. Map it to a field or choose to ignore it.`,
    })),
    ...plan.duplicates.map((h) => ({
      field: h,
      code: 'duplicate_column',
      message: `Column "${h}" feeds a field another column already feeds.`,
    })),
  ];
}

/** How the file is written: a CSV text file or an Excel workbook. */
export type ImportFormat = 'csv' | 'xlsx';

/** A file name's format: `.xlsx` is a workbook, anything else is read as CSV. */
export function formatOfFileName(fileName: string): ImportFormat {
  return /\.xlsx$/i.test(fileName.trim()) ? 'xlsx' : 'csv';
}

/** The header, then the records, of a CSV or XLSX file: the one row pipeline both feed. */
export function readRows(
  format: ImportFormat,
  source: Readable,
  opts: { delimiter?: ',' | ';' | undefined; maxBytes: number; onBytes?: (bytes: number) => void },
): AsyncGenerator<RowEvent[]> {
  return format === 'xlsx' ? readXlsx(source, opts) : readCsv(source, opts);
}

export interface StagingTarget {
  importId: number;
  format: ImportFormat;
  itemId: number | null;
  delimiter: ',' | ';' | undefined;
  mapping: Record<string, string> | undefined;
}

/**
 * Streams a CSV or XLSX file into the staging tables: parse → validate → write in batches, each batch in its own short
 * transaction that also publishes progress and stops when the import was cancelled meanwhile. Then the
 * set-based checks (duplicates within the file, serials that already exist). Serials are never written
 * here; a crash leaves only staging rows of an import that stays "uploading" until cleaned up.
 */
export async function stageFile(db: Db, target: StagingTarget, source: Readable): Promise<void> {
  const lookups = await loadLookups(db, target.itemId);
  const today = todayIso();
  let ctx: RowContext | undefined;
  let serialColumn = FIELD_LABELS.serialNumber;
  let bytesRead = 0;
  let rowsParsed = 0;
  let batch: { line: number; cells: string[]; numericCells?: number[] | undefined }[] = [];
  let malformed: ImportErrorsTable[] = [];
  let columns: Record<string, unknown> = {};

  const flush = async () => {
    if (!ctx) return;
    const context = ctx;
    if (!lookups.scopeItem) {
      const skuAt = context.targets.indexOf('sku');
      await lookups.loadSkus(batch.map((r) => unescapeFormula(r.cells[skuAt] ?? '').trim()));
    }
    const rows: Insertable<ImportRowsTable>[] = [];
    const values: ImportRowValuesTable[] = [];
    const errors: ImportErrorsTable[] = [...malformed];
    for (const r of batch) {
      const { row, errors: rowErrors } = validateImportRow(r.line, r.cells, context, r.numericCells);
      for (const e of rowErrors) {
        errors.push({
          import_id: target.importId,
          line: e.line,
          column_name: e.column,
          code: e.code,
          message: e.message,
          value: e.value.slice(0, MAX_ERROR_VALUE),
        });
      }
      const custom = row.customValues ? Object.entries(row.customValues) : [];
      for (const [fieldId, value] of custom) {
        values.push({ import_id: target.importId, line: row.line, field_id: Number(fieldId), value });
      }
      // The shape createSerialsInTx writes ({ conditionNotes, customFields }), plus the warranty end an
      // import may set.
      const data: Record<string, unknown> = {};
      if (row.conditionNotes) data['conditionNotes'] = row.conditionNotes;
      if (row.warrantyEndDate) data['warrantyEndDate'] = row.warrantyEndDate;
      const customFields =
        row.itemId === null ? undefined : lookups.initialCustomValues(row.itemId, row.customValues);
      if (customFields) data['customFields'] = customFields;
      rows.push({
        import_id: target.importId,
        line: row.line,
        item_id: row.itemId,
        serial_number: row.serialNumber,
        location_id: row.locationId,
        status: row.status,
        date_received: row.dateReceived,
        warranty_end_date: row.warrantyEndDate,
        condition_notes: row.conditionNotes,
        event_data: Object.keys(data).length > 0 ? JSON.stringify(data) : null,
      });
    }
    rowsParsed += batch.length + malformed.length;
    batch = [];
    malformed = [];
    await db.transaction().execute(async (tx) => {
      const live = await importsRepository.updateIfStatus(tx, target.importId, 'uploading', {
        rows_parsed: rowsParsed,
        bytes_read: bytesRead,
        updated_at: nowIso(),
      });
      if (!live) throw conflict('IMPORT_CANCELLED', 'The import was cancelled; nothing was imported.');
      await importsRepository.insertRows(tx, rows);
      await importsRepository.insertValues(tx, values);
      await importsRepository.insertErrors(tx, errors);
    });
  };

  const events = readRows(target.format, source, {
    delimiter: target.delimiter,
    maxBytes: target.format === 'xlsx' ? MAX_XLSX_BYTES : MAX_IMPORT_BYTES,
    onBytes: (b) => (bytesRead = b),
  });
  for await (const batchOfEvents of events) {
    for (const event of batchOfEvents) {
      if (event.kind === 'header') {
        const plan = planColumns(event.headers, {
          mapping: target.mapping,
          customFieldNames: lookups.customFieldNames,
          skuRequired: lookups.scopeItem === null,
        });
        columns = { headers: event.headers, targets: plan.targets, ignored: plan.ignored };
        const saved = await importsRepository.updateIfStatus(db, target.importId, 'uploading', {
          delimiter: event.delimiter,
          columns: JSON.stringify(columns),
          updated_at: nowIso(),
        });
        if (!saved) throw conflict('IMPORT_CANCELLED', 'The import was cancelled; nothing was imported.');
        if (!planIsComplete(plan)) {
          throw invalid(
            'MAPPING_REQUIRED',
            "The file's columns need mapping to serial fields before it can be imported.",
            planProblems(plan),
          );
        }
        const serialAt = plan.targets.indexOf('serialNumber');
        serialColumn = event.headers[serialAt] ?? serialColumn;
        ctx = {
          headers: event.headers,
          targets: plan.targets,
          scopeItem: lookups.scopeItem,
          itemBySku: lookups.itemBySku,
          skuWithLeadingZeros: lookups.skuWithLeadingZeros,
          locationWithLeadingZeros: lookups.locationWithLeadingZeros,
          locationByCode: lookups.locationByCode,
          customFields: lookups.customFields,
          defaultValue: lookups.defaultValue,
          today,
        };
      } else if (event.kind === 'record') {
        batch.push({ line: event.line, cells: event.cells, numericCells: event.numericCells });
        if (batch.length >= BATCH_ROWS) await flush();
      } else {
        malformed.push({
          import_id: target.importId,
          line: event.line,
          column_name: '(row)',
          code: 'malformed_csv',
          message: event.message,
        });
      }
    }
  }
  await flush();

  // Set-based checks over the whole file, then the import becomes a dry run waiting for commit.
  await importsRepository.analyzeStaging(db);
  await db.transaction().execute(async (tx) => {
    await importsRepository.flagDuplicatesInFile(tx, target.importId, serialColumn);
    await importsRepository.flagExisting(tx, target.importId, serialColumn);
    const totals = await importsRepository.errorTotals(tx, target.importId);
    // What the commit must find unchanged: the history rows record these defaults.
    const defaults = await defaultsFingerprint(tx, target.importId);
    const staged = await importsRepository.updateIfStatus(tx, target.importId, 'uploading', {
      status: 'staged',
      rows_parsed: rowsParsed,
      bytes_read: bytesRead,
      rows_with_errors: totals.rows,
      error_count: totals.errors,
      columns: JSON.stringify({ ...columns, defaults }),
      updated_at: nowIso(),
    });
    if (!staged) throw conflict('IMPORT_CANCELLED', 'The import was cancelled; nothing was imported.');
  });
}

/**
 * A digest of the Default Serial Q&A of the items an import adds serials to, and of which of their custom
 * fields are required: the dry run's missing-value check holds only while both stay as they were.
 */
export async function defaultsFingerprint(db: Executor, importId: number): Promise<string> {
  const itemIds = (await importsRepository.stagedItemIds(db, importId)).map((r) => r.item_id);
  const hash = createHash('sha256');
  const required = new Set<number>();
  for (let i = 0; i < itemIds.length; i += 500) {
    const chunk = itemIds.slice(i, i + 500);
    for (const d of await importsRepository.itemDefaults(db, chunk)) {
      hash.update(`${d.item_id}\u0000${d.field_id}\u0000${d.value}\u0001`);
    }
    for (const f of await importsRepository.requiredFieldIds(db, chunk)) required.add(f.id);
  }
  if (required.size > 0) hash.update(`required\u0000${[...required].sort((a, b) => a - b).join(',')}`);
  return hash.digest('hex');
}
