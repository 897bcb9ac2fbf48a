/** Which file column feeds which serial field: header matching, aliases and the user's mapping. */

export const IMPORT_FIELDS = [
  'sku',
  'serialNumber',
  'location',
  'status',
  'dateReceived',
  'conditionNotes',
  'warrantyEnd',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** A mapping target: a core field, a custom field by name (`custom:Colour`), or `ignore`. */
export type ColumnTarget = ImportField | `custom:${string}` | 'ignore';

/** The words users see for each field (the Serials grid's column names). */
export const FIELD_LABELS: Record<ImportField, string> = {
  sku: 'SKU',
  serialNumber: 'Serial Number',
  location: 'Location',
  status: 'Status',
  dateReceived: 'Date Received',
  conditionNotes: 'Condition Notes',
  warrantyEnd: 'Warranty End',
};

/** Header spellings seen in spreadsheets and other systems' exports, compared after normalising. */
const ALIASES: Record<ImportField, string[]> = {
  sku: ['sku', 'item', 'itemsku', 'itemnumber', 'itemno', 'partnumber', 'partno', 'part', 'productcode'],
  serialNumber: ['serialnumber', 'serial', 'serialno', 'sn', 'serialnum', 's/n', 'serial#'],
  location: ['location', 'locationcode', 'bin', 'binlocation', 'warehouse', 'loc'],
  status: ['status', 'serialstatus', 'state'],
  dateReceived: ['datereceived', 'received', 'receiveddate', 'receivedon', 'datein'],
  conditionNotes: ['conditionnotes', 'condition', 'notes', 'note', 'comments', 'comment'],
  warrantyEnd: ['warrantyend', 'warrantyenddate', 'warrantyexpires', 'warrantyexpiry', 'warrantyuntil'],
};

/**
 * Columns our own export writes that describe a serial but cannot be set by an import (a customer comes
 * from a sale, Source and Used On are documents): ignored without asking, so an export imports as is.
 */
const EXPORT_ONLY = ['customer', 'warrantystatus', 'source', 'usedon', 'itemname'];

/**
 * Our export (and OWASP's advice for any CSV opened in a spreadsheet) writes `'` before a cell that
 * starts like a formula; reading it back drops that one apostrophe so the value round-trips exactly.
 */
export function unescapeFormula(cell: string): string {
  return cell.length > 1 && cell[0] === "'" && /^[=+\-@\t\r]/.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/** "Serial  Number", "serial_number", "SERIAL-NUMBER" all read as "serialnumber". */
export function normalizeHeader(header: string): string {
  return header.toLowerCase().replace(/[\s_\-.:]+/g, '');
}

const aliasIndex = new Map<string, ImportField>();
for (const field of IMPORT_FIELDS) for (const alias of ALIASES[field]) aliasIndex.set(alias, field);

export interface ColumnPlan {
  /** Target of each column of the file, by position. */
  targets: ColumnTarget[];
  /** Required fields nobody maps to. */
  missing: ImportField[];
  /** Headers that match nothing and were not mapped: the user must map or ignore them. */
  unknown: string[];
  /** Headers matched to the same field twice. */
  duplicates: string[];
  /** Headers ignored (export-only columns, or mapped to `ignore`). */
  ignored: string[];
}

/**
 * Plans the columns of a file from its header. `mapping` (header as written → target) wins over the
 * automatic match; `customFieldNames` are matched by name like the core fields. A plan is usable when
 * nothing is missing, unknown or doubled.
 */
export function planColumns(
  headers: readonly string[],
  opts: {
    mapping?: Readonly<Record<string, string>> | undefined;
    customFieldNames: readonly string[];
    skuRequired: boolean;
  },
): ColumnPlan {
  const customByKey = new Map(opts.customFieldNames.map((n) => [normalizeHeader(n), n]));
  const mappingByKey = new Map(
    Object.entries(opts.mapping ?? {}).map(([h, t]) => [normalizeHeader(h), t] as const),
  );
  const plan: ColumnPlan = { targets: [], missing: [], unknown: [], duplicates: [], ignored: [] };
  const taken = new Set<string>();
  for (const header of headers) {
    const key = normalizeHeader(header);
    let target: ColumnTarget | undefined;
    const mapped = mappingByKey.get(key);
    if (mapped !== undefined && isColumnTarget(mapped)) target = mapped;
    else if (aliasIndex.has(key)) target = aliasIndex.get(key);
    else if (customByKey.has(key)) target = `custom:${customByKey.get(key)!}`;
    // A blank header is a spreadsheet's trailing empty column.
    else if (EXPORT_ONLY.includes(key) || key === '') target = 'ignore';
    if (target === undefined) {
      plan.unknown.push(header);
      target = 'ignore';
    } else if (target === 'ignore') {
      plan.ignored.push(header);
    } else if (taken.has(target)) {
      plan.duplicates.push(header);
    }
    if (target !== 'ignore') taken.add(target);
    plan.targets.push(target);
  }
  const required: ImportField[] = opts.skuRequired ? ['sku', 'serialNumber'] : ['serialNumber'];
  plan.missing = required.filter((f) => !taken.has(f));
  return plan;
}

export function isColumnTarget(value: string): value is ColumnTarget {
  return (
    value === 'ignore' ||
    (IMPORT_FIELDS as readonly string[]).includes(value) ||
    (value.startsWith('custom:') && value.length > 7)
  );
}

export function planIsComplete(plan: ColumnPlan): boolean {
  return plan.missing.length === 0 && plan.unknown.length === 0 && plan.duplicates.length === 0;
}

/**
 * The delimiter of a spreadsheet's CSV from its header line: a semicolon when it separates more cells
 * than a comma does outside quotes (Excel writes `;` where the decimal separator is a comma).
 */
export function detectDelimiter(headerLine: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}
