import type { Executor } from '../db/database.js';
import { statusLabel } from '../serials/serial-status.js';
import { salesRepository } from './sales.repository.js';

/** What happens to a Returned unit once it has been looked at: back on the shelf, Damaged, or Scrapped. */
export const RETURN_DISPOSITIONS = ['restock', 'damaged', 'scrapped'] as const;
export type ReturnDisposition = (typeof RETURN_DISPOSITIONS)[number];

export const DISPOSITION_EFFECT: Record<
  ReturnDisposition,
  { kind: string; status: 'in_stock' | 'damaged' | 'scrapped' }
> = {
  restock: { kind: 'restocked', status: 'in_stock' },
  damaged: { kind: 'marked_damaged', status: 'damaged' },
  scrapped: { kind: 'scrapped', status: 'scrapped' },
};

const DISPOSITION_OF_KIND = new Map(RETURN_DISPOSITIONS.map((d) => [DISPOSITION_EFFECT[d].kind, d] as const));

export interface ReturnSerialView {
  id: number;
  serialNumber: string;
  itemId: number;
  conditionNotes: string;
  status: string;
  statusLabel: string;
  /** Set once the return decided the unit's fate; null while it waits (or it left Returned otherwise). */
  disposition: ReturnDisposition | null;
  /** Still Returned on this return: a disposition can be given. */
  awaitingDisposition: boolean;
}

/** The serials of each return, as return id → views, with their disposition read from the history. */
export async function returnSerialViews(
  db: Executor,
  returns: { id: number; number: string }[],
): Promise<Map<number, ReturnSerialView[]>> {
  const lines = await salesRepository.returnLines(
    db,
    returns.map((r) => r.id),
  );
  const numberOf = new Map(returns.map((r) => [r.id, r.number]));
  const events = await salesRepository.returnEvents(
    db,
    [...new Set(lines.map((l) => l.id))],
    returns.map((r) => r.number),
    [...DISPOSITION_OF_KIND.keys()],
  );
  const decided = new Map(
    events.map((e) => [`${e.serial_id}|${e.document_number}`, DISPOSITION_OF_KIND.get(e.kind) ?? null]),
  );
  const views = new Map<number, ReturnSerialView[]>(returns.map((r) => [r.id, []]));
  for (const l of lines) {
    const number = numberOf.get(l.return_id)!;
    views.get(l.return_id)!.push({
      id: l.id,
      serialNumber: l.serial_number,
      itemId: l.item_id,
      conditionNotes: l.condition_notes,
      status: l.status,
      statusLabel: statusLabel(l.status),
      disposition: decided.get(`${l.id}|${number}`) ?? null,
      awaitingDisposition: isAwaitingDisposition(l, l.return_id),
    });
  }
  return views;
}

/** Still Returned, and this is its latest return (a unit restocked, sold again and returned belongs to the later one). */
export function isAwaitingDisposition(
  s: { status: string; latest_return_id: number | null },
  returnId: number,
): boolean {
  return s.status === 'returned' && Number(s.latest_return_id) === returnId;
}
