import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { lockItems, lockSerials } from '../db/lock-order.js';
import type { NewSerialEventRow } from '../db/schema.js';
import type { Principal } from '../auth/auth.service.js';
import { conflict, invalid, notFound, type FieldError } from '../shared/errors.js';
import { isUniqueViolation } from '../shared/db-errors.js';
import { nowIso } from '../shared/time.js';
import { itemsRepository } from '../items/items.repository.js';
import { CountDeltas, notTracked } from './serial-ledger.js';
import { checkVoidable } from './serial-corrections.js';
import { checkSerialNumbers } from './serial-numbers.js';
import { serialCorrectionsRepository } from './serial-corrections.repository.js';
import { serialsRepository } from './serials.repository.js';

const changedMeanwhile = (what: string) =>
  conflict(
    'STALE_SERIAL',
    `${what} changed by someone else at the same time (sold, moved or edited). Nothing was changed; reload and try again.`,
  );

/** Voiding serials entered in error and renumbering typos: each one transaction with its history rows. */
export function createSerialCorrections(db: Db) {
  return {
    /**
     * Voids serials entered in error, all or nothing, with one reason and one batch id in every history row
     * (a mistaken batch of 101 is one action). Refused, naming each serial and why, unless every one is
     * untouched (serial-corrections.ts).
     */
    async voidSerials(
      principal: Principal,
      input: { serialIds: number[]; reason: string; version?: number | undefined },
    ): Promise<{ voided: number; batch: string; serials: { id: number; serialNumber: string }[] }> {
      const ids = [...new Set(input.serialIds)].sort((a, b) => a - b);
      return inTransaction(db, async (tx) => {
        const rows = await serialCorrectionsRepository.findForVoid(tx, ids);
        if (rows.length !== ids.length) {
          const found = new Set(rows.map((r) => r.id));
          const missing = ids.filter((id) => !found.has(id));
          if (ids.length === 1) throw notFound('Serial', ids[0]!);
          throw invalid(
            'UNKNOWN_SERIAL',
            `${missing.length} of the serials chosen do not exist (ids ${missing.slice(0, 10).join(', ')}). Reload the list and choose again.`,
            missing.map((id) => ({
              field: `serialIds`,
              code: 'not_found',
              message: `Serial ${id} was not found.`,
            })),
          );
        }
        if (input.version !== undefined && rows.length === 1 && rows[0]!.version !== input.version) {
          throw changedMeanwhile(`Serial ${rows[0]!.serial_number} was`);
        }
        // Track Serials cannot be turned off while this runs (and a serial of an untracked item is hidden).
        for (const itemId of [...new Set(rows.map((r) => r.item_id))].sort((a, b) => a - b)) {
          if (!(await itemsRepository.lockIfTracked(tx, itemId))) {
            throw notTracked(rows.find((r) => r.item_id === itemId)!.item_sku);
          }
        }
        await lockSerials(tx, ids);
        const touched = await serialCorrectionsRepository.touchingKinds(tx, ids);
        const refusals: FieldError[] = [];
        for (const r of rows) {
          const check = checkVoidable({
            serialNumber: r.serial_number,
            status: r.status,
            sourceType: r.source_document_type,
            touchedBy: touched.get(r.id) ?? [],
          });
          if (!check.ok) refusals.push({ field: r.serial_number, code: check.code, message: check.message });
        }
        if (refusals.length > 0) {
          throw conflict(
            'VOID_REFUSED',
            refusals.length === 1 && rows.length === 1
              ? refusals[0]!.message
              : `${refusals.length} of the ${rows.length} serials cannot be voided (${refusals
                  .slice(0, 3)
                  .map((e) => e.field)
                  .join(
                    ', ',
                  )}${refusals.length > 3 ? ', …' : ''}): only serials nothing but their entry has touched can be. Nothing was voided; leave those out and try again.`,
            refusals,
          );
        }
        const at = nowIso();
        const voided = await serialCorrectionsRepository.voidMany(tx, rows, { at, userId: principal.userId });
        if (voided !== rows.length)
          throw changedMeanwhile(rows.length === 1 ? 'The serial was' : 'Some of these serials were');
        const batch = randomUUID();
        const data = JSON.stringify({ reason: input.reason, batch, batchSize: rows.length });
        const counts = new CountDeltas();
        const events: NewSerialEventRow[] = rows.map((r) => {
          counts.move(
            r.item_id,
            { locationId: r.location_id, status: 'in_stock' },
            { locationId: r.location_id, status: 'voided' },
          );
          return {
            serial_id: r.id,
            item_id: r.item_id,
            kind: 'voided',
            at,
            user_id: principal.userId,
            from_location_id: r.location_id,
            to_location_id: r.location_id,
            from_status: 'in_stock',
            to_status: 'voided',
            data,
          };
        });
        await serialsRepository.insertEvents(tx, events);
        await counts.apply(tx);
        return {
          voided,
          batch,
          serials: rows.map((r) => ({ id: r.id, serialNumber: r.serial_number })),
        };
      });
    },

    /**
     * Corrects a serial number (a typo) on any live serial, under the same uniqueness as a new serial; the
     * history keeps the old and new value and lookup still finds the old number.
     */
    async renumberSerial(
      principal: Principal,
      id: number,
      input: { serialNumber: string; reason?: string | undefined; version?: number | undefined },
    ): Promise<void> {
      const checked = checkSerialNumbers([input.serialNumber]);
      if (checked.errors.length > 0) {
        const e = checked.errors[0]!;
        throw invalid('BAD_SERIAL', e.message, [{ field: 'serialNumber', code: e.code, message: e.message }]);
      }
      const serialNumber = checked.serials[0]!;
      try {
        await inTransaction(db, async (tx) => {
          const current = await serialsRepository.findWithItemById(tx, id);
          if (!current) throw notFound('Serial', id);
          if (current.item_track_serials !== 1) throw notTracked(current.item_sku);
          await lockItems(tx, [current.item_id]);
          await lockSerials(tx, [id]);
          if (current.status === 'voided') {
            throw conflict(
              'SERIAL_VOIDED',
              `${current.serial_number} is voided; a voided serial keeps the number it was voided with. Add the serial again with the right number instead.`,
            );
          }
          if (input.version !== undefined && input.version !== current.version) {
            throw changedMeanwhile(`Serial ${current.serial_number} was`);
          }
          if (serialNumber === current.serial_number) {
            throw invalid(
              'SAME_SERIAL_NUMBER',
              `The serial is already numbered ${serialNumber}. Type the corrected number.`,
              [{ field: 'serialNumber', code: 'unchanged', message: 'Type the corrected number' }],
            );
          }
          if ((await serialsRepository.existingNumbers(tx, current.item_id, [serialNumber])).size > 0) {
            throw exists(serialNumber, current.item_sku);
          }
          const at = nowIso();
          const applied = await serialCorrectionsRepository.renumber(tx, {
            id,
            version: current.version,
            serialNumber,
            at,
            userId: principal.userId,
          });
          if (!applied) throw changedMeanwhile(`Serial ${current.serial_number} was`);
          await serialCorrectionsRepository.addFormerNumber(tx, {
            serialId: id,
            serialNumber: current.serial_number,
            at,
          });
          const reason = input.reason?.trim();
          await serialsRepository.insertEvents(tx, [
            {
              serial_id: id,
              item_id: current.item_id,
              kind: 'renumbered',
              at,
              user_id: principal.userId,
              data: JSON.stringify({
                field: 'serialNumber',
                old: current.serial_number,
                new: serialNumber,
                ...(reason && { reason }),
              }),
            },
          ]);
        });
      } catch (err) {
        // A concurrent add or renumber took the number between the check and the write.
        if (!isUniqueViolation(err)) throw err;
        const current = await serialsRepository.findWithItemById(db, id);
        throw exists(serialNumber, current?.item_sku ?? 'this item');
      }
    },
  };
}

const exists = (serialNumber: string, sku: string) =>
  conflict('SERIAL_EXISTS', `Serial "${serialNumber}" already exists for ${sku}. Choose another number.`, [
    { field: 'serialNumber', code: 'already_exists', message: `"${serialNumber}" already exists for ${sku}` },
  ]);
