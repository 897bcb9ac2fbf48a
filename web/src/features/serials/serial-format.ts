import type { Serial } from '../../api/types';

const DOCUMENT_LABELS: Record<string, string> = {
  manual: 'Manual entry',
  transfer: 'Transfer',
  stock_adjustment: 'Stock adjustment',
  purchase_order: 'PO',
  import: 'Import',
  opening_stock: 'Opening stock',
  sale: 'Sale',
  return: 'Return',
};

/** Where a document reference links to, or null when it is not a document (manual entry). */
export function documentPath(doc: { type: string; number: string | null } | null): string | null {
  if (!doc?.number) return null;
  return `/documents/${encodeURIComponent(doc.type)}/${encodeURIComponent(doc.number)}`;
}

/** "Manual entry", "Transfer TR-000001", "PO 1-14"… */
export function formatDocument(doc: { type: string; number: string | null } | null): string {
  if (!doc) return '';
  const label = DOCUMENT_LABELS[doc.type] ?? doc.type;
  if (!doc.number) return label;
  if (doc.type === 'transfer') return doc.number;
  return doc.type === 'import' ? `${label} #${doc.number}` : `${label} ${doc.number}`;
}

export function formatWarranty(s: Pick<Serial, 'warrantyStatus' | 'warrantyEndDate'>): string {
  if (s.warrantyStatus === 'under_warranty') return `Under warranty (until ${s.warrantyEndDate})`;
  if (s.warrantyStatus === 'expired') return `Expired (on ${s.warrantyEndDate})`;
  return 'No warranty';
}

const EVENT_LABELS: Record<string, string> = {
  created: 'Created',
  status_changed: 'Status changed',
  notes_changed: 'Condition notes changed',
  transferred: 'Transferred',
  reserved: 'Reserved for sale',
  sold: 'Sold',
  released: 'Released (sale cancelled)',
  returned: 'Returned by customer',
  warranty_changed: 'Warranty corrected',
  custom_field_changed: 'Custom field changed',
};

export const formatEventKind = (kind: string) => EVENT_LABELS[kind] ?? kind.replace(/_/g, ' ');

export function formatDateTime(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16);
}

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with an apostrophe. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  const cell = (v: string) => {
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export const CSV_HEADER = [
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
];

export function serialCsvRow(s: Serial): string[] {
  return [
    s.serialNumber,
    s.statusLabel,
    s.locationCode,
    s.customerName ?? '',
    formatWarranty(s).replace(/ \(.*\)$/, ''),
    s.warrantyEndDate ?? '',
    s.dateReceived,
    formatDocument(s.source),
    formatDocument(s.usedOn),
    s.conditionNotes,
  ];
}
