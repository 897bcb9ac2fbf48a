/** The serial state machine: the one place that says which status moves are legal. */
export const SERIAL_STATUSES = [
  'in_stock',
  'reserved',
  'sold',
  'returned',
  'damaged',
  'scrapped',
  'missing',
  'voided',
] as const;
export type SerialStatus = (typeof SERIAL_STATUSES)[number];

export interface StatusInfo {
  label: string;
  /** Colour of the grid's status indicator. */
  color: string;
  /** The unit is physically on our shelves, so it counts against quantity on hand. */
  present: boolean;
  /** A transfer may move it between locations. */
  movable: boolean;
  next: readonly SerialStatus[];
}

export const STATUS_INFO: Record<SerialStatus, StatusInfo> = {
  in_stock: {
    label: 'In Stock',
    color: '#2e7d32',
    present: true,
    movable: true,
    next: ['reserved', 'sold', 'damaged', 'scrapped', 'missing'],
  },
  reserved: {
    label: 'Reserved',
    color: '#f9a825',
    present: true,
    movable: false,
    next: ['in_stock', 'sold'],
  },
  sold: { label: 'Sold', color: '#1565c0', present: false, movable: false, next: ['returned'] },
  returned: {
    label: 'Returned',
    color: '#6a1b9a',
    present: true,
    movable: true,
    next: ['in_stock', 'damaged', 'scrapped'],
  },
  damaged: {
    label: 'Damaged',
    color: '#e65100',
    present: true,
    movable: true,
    next: ['in_stock', 'scrapped', 'missing'],
  },
  scrapped: { label: 'Scrapped', color: '#616161', present: false, movable: false, next: [] },
  // Not found by a stocktake (counts/): off the shelf, so not against quantity on hand. Found again, it goes
  // back In Stock at the place it was found (a count's reconcile, or Mark found).
  missing: {
    label: 'Missing',
    color: '#c62828',
    present: false,
    movable: false,
    next: ['in_stock', 'scrapped'],
  },
  // Entered in error (serial-corrections.ts decides when): final, out of the counts, its number free again.
  // No status moves here: voiding is its own action, with a reason, allowed only on an untouched serial.
  voided: { label: 'Voided', color: '#9e9e9e', present: false, movable: false, next: [] },
};

/** Every status but Voided: what the grid, the counts and the lookup show unless Voided is asked for. */
export const LIVE_STATUSES = SERIAL_STATUSES.filter((s) => s !== 'voided');

export const PRESENT_STATUSES = SERIAL_STATUSES.filter((s) => STATUS_INFO[s].present);
export const MOVABLE_STATUSES = SERIAL_STATUSES.filter((s) => STATUS_INFO[s].movable);

export function isSerialStatus(value: string): value is SerialStatus {
  return (SERIAL_STATUSES as readonly string[]).includes(value);
}

export function statusLabel(status: string): string {
  return isSerialStatus(status) ? STATUS_INFO[status].label : status;
}

/** Statuses only a document sets: a sale reserves and sells a unit, a customer return brings it back. */
export const DOCUMENT_STATUSES: readonly SerialStatus[] = ['reserved', 'sold', 'returned'];

export type TransitionCheck = { ok: true } | { ok: false; message: string };

export function checkTransition(from: SerialStatus, to: SerialStatus): TransitionCheck {
  if (from === to) {
    return { ok: false, message: `The serial is already ${STATUS_INFO[from].label}.` };
  }
  if (STATUS_INFO[from].next.includes(to)) return { ok: true };
  const allowed = STATUS_INFO[from].next.map((s) => STATUS_INFO[s].label);
  return {
    ok: false,
    message:
      `A serial that is ${STATUS_INFO[from].label} cannot become ${STATUS_INFO[to].label}. ` +
      (allowed.length > 0
        ? `From ${STATUS_INFO[from].label} it can become: ${allowed.join(', ')}.`
        : `${STATUS_INFO[from].label} is final.`),
  };
}

/** A status change made by hand on the Serial Detail: documents own Reserved, Sold and Returned. */
export function checkManualTransition(from: SerialStatus, to: SerialStatus): TransitionCheck {
  if (to === 'missing' && from !== to) {
    return {
      ok: false,
      message: 'Missing is set by reconciling a stock count (Counts) that did not find the unit.',
    };
  }
  if (from === 'missing' && to === 'in_stock') {
    return {
      ok: false,
      message: 'A Missing unit comes back with Mark found, which records where it was found.',
    };
  }
  if (to === 'voided' && from !== to) {
    return {
      ok: false,
      message:
        'Voiding is its own action with a reason: use Void serial (Serial Detail or the grid) instead.',
    };
  }
  if (from === 'reserved') {
    return {
      ok: false,
      message: 'The serial is Reserved by an open sale. Complete or cancel that sale instead.',
    };
  }
  if (from === 'returned' && to !== from) {
    // The return decides (Restock, Damaged, Scrapped): it clears the customer and warranty and, for a
    // scrapped unit, takes back the quantity the return added.
    return {
      ok: false,
      message:
        'A Returned unit is restocked, marked Damaged or Scrapped on its customer return (Used On). Open the return and choose its disposition.',
    };
  }
  if (DOCUMENT_STATUSES.includes(to) && from !== to) {
    const document = to === 'returned' ? 'a customer return' : 'a sale';
    return {
      ok: false,
      message: `${STATUS_INFO[to].label} is set by ${document}, which records the customer. Use ${document} instead.`,
    };
  }
  return checkTransition(from, to);
}
