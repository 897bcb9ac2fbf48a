import type { Readable } from 'node:stream';
import type { Db } from '../db/database.js';
import { notFound } from '../shared/errors.js';
import { todayIso } from '../shared/time.js';
import { itemsRepository } from '../items/items.repository.js';
import { createSerialsService, type SerialListParams } from '../serials/serials.service.js';
import { EXPORT_COLUMNS, exportRow, toEscapedCsvLines, type ExportSerial } from './serial-csv.js';
import { streamXlsx } from './serial-xlsx.js';
import { serialExportRepository } from './serial-export.repository.js';

/** Rows read per keyset page: large enough to stream fast, small enough to keep memory flat. */
const PAGE = 500;
const BOM = '\uFEFF';

export type ExportFilters = Omit<SerialListParams, 'cursor' | 'limit'>;

type AllFilters = { statuses?: string[] | undefined; locationId?: number | undefined };

export interface XlsxExport {
  fileName: string;
  /** The workbook's bytes, written as the response is read. */
  stream: Readable;
}

export interface CsvExport {
  fileName: string;
  /** The CSV, produced page by page as the response is read. */
  chunks: AsyncGenerator<string>;
}

/** Field names become columns; values are looked up by field id, whichever part type defines it. */
function customColumns(defs: { id: number; name: string }[]) {
  const names: string[] = [];
  const indexById = new Map<number, number>();
  for (const d of defs) {
    let at = names.indexOf(d.name);
    if (at < 0) at = names.push(d.name) - 1;
    indexById.set(d.id, at);
  }
  return { names, indexById };
}

export function createSerialExportService(db: Db) {
  const serials = createSerialsService(db);

  /**
   * `keep` drops values of fields that are not the serial's item's part type's now: an item moved to
   * another part type keeps its old values in the database, but they are no field of it any more (the
   * import would refuse them as unknown fields).
   */
  async function valuesBySerial(
    ids: number[],
    indexById: Map<number, number>,
    width: number,
    keep: (serialId: number, fieldId: number) => boolean = () => true,
  ) {
    const out = new Map<number, string[]>();
    if (width === 0) return out;
    for (const v of await serialExportRepository.customValues(db, ids)) {
      const at = indexById.get(v.field_id);
      if (at === undefined || !keep(v.serial_id, v.field_id)) continue;
      let row = out.get(v.serial_id);
      if (!row) out.set(v.serial_id, (row = new Array<string>(width).fill('')));
      row[at] = v.value;
    }
    return out;
  }

  /**
   * An item's serials with the Serials tab's filters and sort, every column plus the item's custom
   * fields. Validation (unknown item, filters) happens before the first byte, so it can still be a 4xx.
   */
  async function itemTable(itemId: number, filters: ExportFilters): Promise<SerialTable> {
    const item = await itemsRepository.findById(db, itemId);
    if (!item) throw notFound('Item', itemId);
    const { names, indexById } = customColumns(
      await serialExportRepository.fieldDefinitions(db, item.part_type_id),
    );
    const first = await serials.list(itemId, { ...filters, limit: PAGE });
    const today = todayIso();
    async function* pages(): AsyncGenerator<string[][]> {
      yield [[...EXPORT_COLUMNS, ...names]];
      let page = first;
      for (;;) {
        const values = await valuesBySerial(
          page.serials.map((s) => s.id),
          indexById,
          names.length,
        );
        const rows = page.serials.map((s) =>
          exportRow({ ...s, sku: item!.sku }, values.get(s.id) ?? names.map(() => ''), today),
        );
        if (rows.length > 0) yield rows;
        if (!page.nextCursor) return;
        page = await serials.list(itemId, { ...filters, cursor: page.nextCursor, limit: PAGE });
      }
    }
    return { baseName: `${item.sku}-serials`, pages: pages() };
  }

  /** Every item's serials (optionally by status and location) in (item, serial number) order. */
  function allTable(filters: AllFilters): SerialTable {
    async function* pages(): AsyncGenerator<string[][]> {
      const defs = await serialExportRepository.fieldDefinitions(db);
      const { names, indexById } = customColumns(defs);
      const partTypeOfField = new Map(defs.map((d) => [d.id, d.part_type_id]));
      const today = todayIso();
      yield [[...EXPORT_COLUMNS, ...names]];
      let after: [number, string] | undefined;
      for (;;) {
        const rows = await serialExportRepository.listAll(db, { ...filters, after, limit: PAGE });
        if (rows.length === 0) return;
        const partTypeOfSerial = new Map(rows.map((r) => [r.id, r.part_type_id]));
        const values = await valuesBySerial(
          rows.map((r) => r.id),
          indexById,
          names.length,
          (serialId, fieldId) => partTypeOfField.get(fieldId) === partTypeOfSerial.get(serialId),
        );
        yield rows.map((r) => exportRow(toExportSerial(r), values.get(r.id) ?? names.map(() => ''), today));
        const last = rows[rows.length - 1]!;
        after = [last.item_id, last.serial_number];
        if (rows.length < PAGE) return;
      }
    }
    return { baseName: `serials-${todayIso()}`, pages: pages() };
  }

  return {
    async itemCsv(itemId: number, filters: ExportFilters, bom: boolean): Promise<CsvExport> {
      return toCsv(await itemTable(itemId, filters), bom);
    },
    allCsv(filters: AllFilters, bom: boolean): CsvExport {
      return toCsv(allTable(filters), bom);
    },
    async itemXlsx(itemId: number, filters: ExportFilters): Promise<XlsxExport> {
      return toXlsx(await itemTable(itemId, filters));
    },
    allXlsx(filters: AllFilters): XlsxExport {
      return toXlsx(allTable(filters));
    },
  };
}

/** The export as rows of cells, produced page by page (the first page is the header row). */
interface SerialTable {
  baseName: string;
  pages: AsyncGenerator<string[][]>;
}

function toCsv(table: SerialTable, bom: boolean): CsvExport {
  async function* chunks(): AsyncGenerator<string> {
    let first = true;
    for await (const page of table.pages) {
      // Header cells are escaped like data cells: a custom field may be named `=HYPERLINK(…)`.
      yield (first && bom ? BOM : '') + toEscapedCsvLines(page);
      first = false;
    }
  }
  return { fileName: `${table.baseName}.csv`, chunks: chunks() };
}

function toXlsx(table: SerialTable): XlsxExport {
  return { fileName: `${table.baseName}.xlsx`, stream: streamXlsx(table.pages) };
}

function toExportSerial(r: Awaited<ReturnType<typeof serialExportRepository.listAll>>[number]): ExportSerial {
  return {
    sku: r.sku,
    serialNumber: r.serial_number,
    status: r.status,
    locationCode: r.location_code,
    customerName: r.customer_name,
    warrantyEndDate: r.warranty_end_date,
    dateReceived: r.date_received,
    source: { type: r.source_document_type, number: r.source_document_number },
    usedOn: r.last_document_type ? { type: r.last_document_type, number: r.last_document_number } : null,
    conditionNotes: r.condition_notes,
  };
}
