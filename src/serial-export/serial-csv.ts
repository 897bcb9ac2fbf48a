import { stringify } from 'csv-stringify/sync';
import { STATUS_INFO, isSerialStatus } from '../serials/serial-status.js';
import { warrantyStatus } from '../serials/warranty.js';

/** The export's columns; the import reads the same headers back (and ignores the read-only ones). */
export const EXPORT_COLUMNS = [
  'SKU',
  'Serial Number',
  'Status',
  'Location',
  'Customer',
  'Warranty Status',
  'Warranty End',
  'Date Received',
  'Source',
  'Used On',
  'Condition Notes',
] as const;

export interface ExportSerial {
  sku: string;
  serialNumber: string;
  status: string;
  locationCode: string;
  customerName: string | null;
  warrantyEndDate: string | null;
  dateReceived: string;
  source: { type: string; number: string | null };
  usedOn: { type: string; number: string | null } | null;
  conditionNotes: string;
}

const DOCUMENT_LABELS: Record<string, string> = {
  manual: 'Manual entry',
  purchase_order: 'PO',
  import: 'Import',
  opening_stock: 'Opening stock',
  stock_adjustment: 'Stock adjustment',
  sale: 'Sale',
  return: 'Return',
  count: 'Count',
};

/** Source and Used On as the Serials grid shows them: "PO 1-14", "Import #3", "TR-000001". */
export function formatDocument(doc: { type: string; number: string | null } | null): string {
  if (!doc) return '';
  const label = DOCUMENT_LABELS[doc.type] ?? doc.type;
  if (!doc.number) return label;
  if (doc.type === 'transfer') return doc.number;
  return doc.type === 'import' ? `${label} #${doc.number}` : `${label} ${doc.number}`;
}

const WARRANTY_LABELS = { under_warranty: 'Under warranty', expired: 'Expired', no_warranty: 'No warranty' };

/**
 * A cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP's CSV-injection advice);
 * the import drops exactly that apostrophe again, so values round-trip unchanged.
 */
export function escapeFormula(value: string): string {
  // A plain signed number (-3, +1.5) is data a spreadsheet should read as a number, not a formula.
  if (/^[+-]?\d+(\.\d+)?$/.test(value)) return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A serial's cells as they are (the CSV escapes them with `escapeFormula`, the XLSX writes text cells). */
export function exportRow(s: ExportSerial, customValues: readonly string[], today: string): string[] {
  return [
    s.sku,
    s.serialNumber,
    isSerialStatus(s.status) ? STATUS_INFO[s.status].label : s.status,
    s.locationCode,
    s.customerName ?? '',
    WARRANTY_LABELS[warrantyStatus(s.warrantyEndDate, today)],
    s.warrantyEndDate ?? '',
    s.dateReceived,
    formatDocument(s.source),
    formatDocument(s.usedOn),
    s.conditionNotes,
    ...customValues,
  ];
}

/** Rows as CSV with every cell, header cells too, escaped against formulas. */
export function toEscapedCsvLines(rows: readonly (readonly string[])[]): string {
  return toCsvLines(rows.map((r) => r.map(escapeFormula)));
}

/** RFC 4180: CRLF line ends, quotes only where needed, doubled quotes inside. */
export function toCsvLines(rows: readonly (readonly string[])[]): string {
  // With CRLF records csv-stringify quotes only cells holding CRLF; a lone LF (notes typed on a Mac) must
  // be quoted too, or readers split the record there.
  return stringify(rows as string[][], { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
}
