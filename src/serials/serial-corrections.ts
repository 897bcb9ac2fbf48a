import { statusLabel } from './serial-status.js';

/**
 * Pure rules for correcting serials entered in error: voiding and renumbering. The service loads what they
 * need, calls them, then writes in one transaction.
 */

/** History rows that leave a serial "untouched": its creation and edits of what was typed with it. */
export const UNTOUCHED_EVENT_KINDS: readonly string[] = [
  'created',
  'notes_changed',
  'custom_field_changed',
  // Renumbering corrects the entry itself; it is not something that happened to the unit.
  'renumbered',
];

/**
 * Sources whose serials may be voided. A purchase receipt moved quantity on hand together with the serial,
 * so voiding one would leave stock without its unit: renumber it, or correct it with the receipt's own
 * documents.
 */
export const VOIDABLE_SOURCES: readonly string[] = ['manual', 'import'];

const SOURCE_WORDS: Record<string, string> = {
  purchase_order: 'a purchase order receipt',
};

const EVENT_WORDS: Record<string, string> = {
  reserved: 'reserved on a sale',
  released: 'released from a sale',
  sold: 'sold',
  returned: 'returned by a customer',
  restocked: 'restocked from a return',
  marked_damaged: 'marked Damaged on a return',
  scrapped: 'scrapped on a return',
  transferred: 'transferred',
  status_changed: 'given a new status',
  warranty_changed: 'given a corrected warranty',
  voided: 'voided',
};

export interface VoidCandidate {
  serialNumber: string;
  status: string;
  sourceType: string;
  /** Kinds of its history rows outside UNTOUCHED_EVENT_KINDS (the repository finds only those). */
  touchedBy: readonly string[];
}

export type VoidCheck = { ok: true } | { ok: false; code: string; message: string };

/** May this serial be voided? Only while nothing but its creation and edits of its entry touched it. */
export function checkVoidable(s: VoidCandidate): VoidCheck {
  if (s.status === 'voided') {
    return { ok: false, code: 'already_voided', message: `${s.serialNumber} is already voided.` };
  }
  if (!VOIDABLE_SOURCES.includes(s.sourceType)) {
    const source = SOURCE_WORDS[s.sourceType] ?? `a ${s.sourceType} document`;
    return {
      ok: false,
      code: 'created_by_document',
      message:
        `${s.serialNumber} was created by ${source}, which also added it to quantity on hand, so it ` +
        'cannot be voided. Correct its number with Renumber instead.',
    };
  }
  const touched = s.touchedBy.filter((k) => !UNTOUCHED_EVENT_KINDS.includes(k));
  if (touched.length > 0) {
    const what = [...new Set(touched)].map((k) => EVENT_WORDS[k] ?? k.replaceAll('_', ' '));
    return {
      ok: false,
      code: 'used',
      message:
        `${s.serialNumber} has been ${what.join(', ')} since it was entered, so it is a real unit with a ` +
        'history and cannot be voided. Correct its number with Renumber, or change its status instead.',
    };
  }
  if (s.status !== 'in_stock') {
    // Unreachable through the API (every status change is a history row), kept as the last word.
    return {
      ok: false,
      code: 'not_in_stock',
      message: `${s.serialNumber} is ${statusLabel(s.status)}; only an untouched In Stock serial can be voided.`,
    };
  }
  return { ok: true };
}
