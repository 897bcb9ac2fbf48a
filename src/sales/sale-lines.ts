import type { Executor } from '../db/database.js';
import type { FieldError } from '../shared/errors.js';
import { itemsRepository } from '../items/items.repository.js';
import { locationsRepository } from '../locations/locations.repository.js';
import { serialsRepository } from '../serials/serials.repository.js';
import { checkSerialNumber } from '../serials/serial-numbers.js';
import { statusLabel } from '../serials/serial-status.js';

export interface SaleLineInput {
  itemId: number;
  /** Serialized items: the units sold, by id or by serial number. */
  serialIds?: number[] | undefined;
  serialNumbers?: string[] | undefined;
  /** Items without serials: how many, from which location. */
  quantity?: number | undefined;
  locationId?: number | undefined;
  unitPrice?: number | undefined;
}

/** Resolves every line's serials and checks them, reporting every problem at once. */
export async function prepareSaleLines(db: Executor, lines: SaleLineInput[]) {
  const errors: FieldError[] = [];
  const prepared: {
    input: SaleLineInput;
    item: NonNullable<Awaited<ReturnType<typeof itemsRepository.findById>>>;
    serialIds: number[];
  }[] = [];
  const seen = new Set<number>();
  for (const [i, line] of lines.entries()) {
    const lf = `lines[${i}]`;
    const item = await itemsRepository.findById(db, line.itemId);
    if (!item) {
      errors.push({
        field: `${lf}.itemId`,
        code: 'unknown_item',
        message: `Line ${i + 1}: item ${line.itemId} does not exist.`,
      });
      continue;
    }
    if (item.track_serials !== 1) {
      if (!line.quantity || line.quantity < 1 || !line.locationId) {
        errors.push({
          field: lf,
          code: 'quantity_required',
          message: `Line ${i + 1} (${item.sku}): give a quantity and the location it leaves from.`,
        });
      } else {
        const loc = await locationsRepository.findById(db, line.locationId);
        if (!loc)
          errors.push({
            field: `${lf}.locationId`,
            code: 'unknown_location',
            message: `Location ${line.locationId} does not exist.`,
          });
      }
      prepared.push({ input: line, item, serialIds: [] });
      continue;
    }
    const byId = line.serialIds?.length ? await serialsRepository.findManyByIds(db, line.serialIds) : [];
    // The one serial rule: a scanned look-alike (a zero-width space, a byte-order mark) is named as such
    // instead of reported as an unknown serial.
    const numbers: string[] = [];
    for (const raw of line.serialNumbers ?? []) {
      const checked = checkSerialNumber(raw);
      if (checked.ok) numbers.push(checked.serial);
      else
        errors.push({
          field: raw.trim() || `${lf}.serialNumbers`,
          code: checked.code,
          message: checked.message,
        });
    }
    const byNumber = await serialsRepository.findByNumbers(db, item.id, numbers);
    const found = new Map(byNumber.map((s) => [s.serial_number, s]));
    for (const n of numbers) {
      if (!found.has(n))
        errors.push({
          field: n || `${lf}.serialNumbers`,
          code: 'not_found',
          message: `Serial "${n}" does not exist for ${item.sku}.`,
        });
    }
    for (const id of line.serialIds ?? []) {
      if (!byId.some((s) => s.id === id))
        errors.push({ field: String(id), code: 'not_found', message: `Serial ${id} does not exist.` });
    }
    // One entry per serial as entered (the lookups return each row once), so a unit scanned twice is
    // caught as duplicate_in_entry below instead of silently counted once.
    const serials = [
      ...(line.serialIds ?? []).flatMap((id) => byId.filter((s) => s.id === id)),
      ...numbers.flatMap((n) => (found.has(n) ? [found.get(n)!] : [])),
    ];
    if (serials.length === 0 && !line.serialIds?.length && numbers.length === 0) {
      errors.push({
        field: lf,
        code: 'no_serials',
        message: `Line ${i + 1} (${item.sku}): scan or pick the serial of every unit sold.`,
      });
    }
    const entered = (line.serialIds?.length ?? 0) + numbers.length;
    if (line.quantity !== undefined && entered > 0 && line.quantity !== entered) {
      errors.push({
        field: `${lf}.quantity`,
        code: 'quantity_mismatch',
        message: `Line ${i + 1} (${item.sku}): ${line.quantity} unit(s) but ${entered} serial(s) entered; one serial per unit sold.`,
      });
    }
    for (const s of serials) {
      if (s.item_id !== item.id) {
        errors.push({
          field: s.serial_number,
          code: 'wrong_item',
          message: `${s.serial_number} is not a serial of ${item.sku}.`,
        });
      } else if (seen.has(s.id)) {
        errors.push({
          field: s.serial_number,
          code: 'duplicate_in_entry',
          message: `${s.serial_number} is entered more than once.`,
        });
      } else if (s.status !== 'in_stock') {
        errors.push({
          field: s.serial_number,
          code: 'not_available',
          message: `${s.serial_number} is ${statusLabel(s.status)}, not In Stock, and cannot be sold.`,
        });
      }
      seen.add(s.id);
    }
    prepared.push({ input: line, item, serialIds: serials.map((s) => s.id) });
  }
  return { errors, prepared };
}
