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
  count: 'Count',
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
  restocked: 'Restocked after return',
  marked_damaged: 'Marked Damaged after return',
  scrapped: 'Scrapped after return',
  warranty_changed: 'Warranty corrected',
  custom_field_changed: 'Custom field changed',
  voided: 'Voided (entered in error)',
  renumbered: 'Serial number corrected',
  marked_missing: 'Not found by a count (Missing)',
  found: 'Found (was Missing)',
};

export const formatEventKind = (kind: string) => EVENT_LABELS[kind] ?? kind.replace(/_/g, ' ');
