import { findInvisibleCharacter, normalizeSerialNumber } from './serial-numbers.js';
import type { Db } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { lockItems, lockSerials } from '../db/lock-order.js';
import type { NewSerialEventRow } from '../db/schema.js';
import type { Principal } from '../auth/auth.service.js';
import { conflict, invalid, notFound } from '../shared/errors.js';
import { addDays, isValidIsoDate, nowIso, todayIso } from '../shared/time.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { itemsRepository } from '../items/items.repository.js';
import {
  checkManualTransition,
  isSerialStatus,
  LIVE_STATUSES,
  SERIAL_STATUSES,
  STATUS_INFO,
  type SerialStatus,
} from './serial-status.js';
import { serialsRepository, type SerialSort } from './serials.repository.js';
import { CountDeltas, notTracked } from './serial-ledger.js';
import { parseLabelPayload } from '../labels/label-payload.js';
import { toSerialEventView, toSerialView } from './serials.views.js';
import { createSerialCreation } from './serial-creation.service.js';
import { createSerialCorrections } from './serial-corrections.service.js';
import { serialCorrectionsRepository } from './serial-corrections.repository.js';
import {
  customValuesOfSerials,
  fieldValuesOfSerial,
  parseCustomFieldFilters,
} from '../custom-fields/custom-field-ledger.js';

export type { NewSerialEntry } from './serial-creation.service.js';

export interface SerialListParams {
  statuses?: string[] | undefined;
  locationId?: number | undefined;
  text?: string | undefined;
  warrantyExpiringWithinDays?: number | undefined;
  sort: SerialSort;
  direction: 'asc' | 'desc';
  cursor?: string | undefined;
  limit: number;
  /** `cf.<fieldId>=value` filters by field id, values as typed. */
  customFilters?: Record<string, string> | undefined;
  /** Adds each serial's custom values to the page (one more query per page). */
  withCustomValues?: boolean | undefined;
}

export function createSerialsService(db: Db) {
  const service = {
    ...createSerialCreation(db),
    ...createSerialCorrections(db),

    async list(itemId: number, p: SerialListParams) {
      const item = await itemsRepository.findById(db, itemId);
      if (!item) throw notFound('Item', itemId);
      if (item.track_serials !== 1) {
        const hidden = await serialsRepository.countAllByItem(db, itemId);
        throw conflict(
          'SERIAL_TRACKING_OFF',
          hidden > 0
            ? `Track Serials is off for ${item.sku}; its ${hidden} serial record(s) are kept and show again when it is turned back on.`
            : `${item.sku} does not track serials.`,
        );
      }
      const badStatus = (p.statuses ?? []).filter((s) => !isSerialStatus(s));
      if (badStatus.length > 0) {
        throw invalid(
          'UNKNOWN_STATUS',
          `Unknown status: ${badStatus.join(', ')}. Use one of ${SERIAL_STATUSES.join(', ')}.`,
          [{ field: 'status', code: 'unknown', message: `Not a status: ${badStatus.join(', ')}` }],
        );
      }
      const after = p.cursor ? decodeCursor(p.cursor, serialsRepository.sortKeyArity(p.sort)) : undefined;
      const customFilters = await parseCustomFieldFilters(db, itemId, p.customFilters ?? {});
      const [rows, counts] = await Promise.all([
        serialsRepository.listByItem(db, {
          itemId,
          statuses: p.statuses,
          locationId: p.locationId,
          text: p.text?.trim() || undefined,
          warrantyEndBetween:
            p.warrantyExpiringWithinDays !== undefined
              ? [todayIso(), addDays(todayIso(), p.warrantyExpiringWithinDays)]
              : undefined,
          sort: p.sort,
          direction: p.direction,
          after,
          limit: p.limit + 1,
          customFilters,
        }),
        serialsRepository.countsByItem(db, itemId),
      ]);
      const page = rows.slice(0, p.limit);
      const last = page.at(-1);
      const byStatus = Object.fromEntries(SERIAL_STATUSES.map((s) => [s, 0])) as Record<SerialStatus, number>;
      for (const c of counts) {
        if (p.locationId !== undefined && c.location_id !== p.locationId) continue;
        if (isSerialStatus(c.status)) byStatus[c.status] += Number(c.count);
      }
      const today = todayIso();
      const customValues = p.withCustomValues
        ? await customValuesOfSerials(
            db,
            page.map((r) => r.id),
          )
        : undefined;
      return {
        // The view itself unless custom values were asked for: a copy of every row is garbage per page.
        serials: page.map((r) => {
          const view = toSerialView(r, today);
          return customValues ? { ...view, customValues: customValues.get(r.id) ?? {} } : view;
        }),
        nextCursor:
          rows.length > p.limit && last ? encodeCursor(serialsRepository.sortKeyOf(p.sort, last)) : null,
        // Voided serials were entered in error: the Voided chip counts them, the total does not.
        counts: { total: LIVE_STATUSES.reduce((n, s) => n + byStatus[s], 0), byStatus },
      };
    },

    async get(id: number) {
      const row = await serialsRepository.findById(db, id);
      if (!row) throw notFound('Serial', id);
      const [item, events, customFields] = await Promise.all([
        itemsRepository.findById(db, row.item_id),
        serialsRepository.events(db, id),
        fieldValuesOfSerial(db, row.item_id, id),
      ]);
      return {
        serial: toSerialView(row, todayIso()),
        item: {
          id: item!.id,
          sku: item!.sku,
          name: item!.name,
          warrantyMonths: item!.warranty_months,
          trackSerials: item!.track_serials === 1,
        },
        history: events.map(toSerialEventView),
        customFields,
      };
    },

    /**
     * Edits condition notes and/or status. `version` (from the last read) makes the edit conditional;
     * without it the current version is used, and the conditional update still makes concurrent edits
     * serialise: exactly one wins, the rest get 409. Returns the serial as updated, without its history.
     */
    async update(
      principal: Principal,
      id: number,
      patch: {
        conditionNotes?: string | undefined;
        status?: string | undefined;
        note?: string | undefined;
        warrantyEndDate?: string | null | undefined;
        version?: number | undefined;
      },
    ) {
      if (patch.note?.trim() && patch.status === undefined) {
        throw invalid('NOTE_WITHOUT_STATUS', 'A note explains a status change; choose the new status too.', [
          { field: 'note', code: 'needs_status', message: 'Choose a status for this note' },
        ]);
      }
      // An empty string is not "no warranty": that is null, so a blank field never slips past the date check.
      if (typeof patch.warrantyEndDate === 'string' && !isValidIsoDate(patch.warrantyEndDate)) {
        throw invalid(
          'BAD_DATE',
          `"${patch.warrantyEndDate}" is not a date; use YYYY-MM-DD (or null for none).`,
          [{ field: 'warrantyEndDate', code: 'bad_date', message: 'Use YYYY-MM-DD' }],
        );
      }
      if (patch.status !== undefined && !isSerialStatus(patch.status)) {
        throw invalid(
          'UNKNOWN_STATUS',
          `Unknown status "${patch.status}". Use one of ${SERIAL_STATUSES.join(', ')}.`,
          [{ field: 'status', code: 'unknown', message: 'Not a status' }],
        );
      }
      return inTransaction(db, async (tx) => {
        const current = await serialsRepository.findWithItemById(tx, id);
        if (!current) throw notFound('Serial', id);
        if (current.item_track_serials !== 1) throw notTracked(current.item_sku);
        await lockItems(tx, [current.item_id]);
        await lockSerials(tx, [id]);
        if (patch.version !== undefined && patch.version !== current.version) {
          throw conflict(
            'STALE_SERIAL',
            `Serial ${current.serial_number} was changed by someone else. Reload it and try again.`,
          );
        }
        const at = nowIso();
        const events: NewSerialEventRow[] = [];
        const base = { serial_id: id, item_id: current.item_id, at, user_id: principal.userId };
        const newStatus = patch.status as SerialStatus | undefined;
        if (newStatus !== undefined) {
          const check = checkManualTransition(current.status as SerialStatus, newStatus);
          if (!check.ok)
            throw conflict('ILLEGAL_STATUS_CHANGE', `${current.serial_number}: ${check.message}`);
          events.push({
            ...base,
            kind: 'status_changed',
            from_status: current.status,
            to_status: newStatus,
            from_location_id: current.location_id,
            to_location_id: current.location_id,
            data: patch.note?.trim() ? JSON.stringify({ note: patch.note.trim() }) : null,
          });
        }
        const notes = patch.conditionNotes?.trim();
        if (notes !== undefined && notes !== current.condition_notes) {
          events.push({
            ...base,
            kind: 'notes_changed',
            data: JSON.stringify({ field: 'conditionNotes', old: current.condition_notes, new: notes }),
          });
        }
        const warranty = patch.warrantyEndDate;
        if (warranty !== undefined && warranty !== current.warranty_end_date) {
          events.push({
            ...base,
            kind: 'warranty_changed',
            data: JSON.stringify({ field: 'warrantyEndDate', old: current.warranty_end_date, new: warranty }),
          });
        }
        if (events.length === 0) return toSerialView(current, todayIso());
        const changes = {
          ...(newStatus !== undefined && { status: newStatus }),
          ...(notes !== undefined && { condition_notes: notes }),
          ...(warranty !== undefined && { warranty_end_date: warranty }),
          updated_at: at,
          updated_by: principal.userId,
        };
        const applied = await serialsRepository.updateIfVersion(tx, id, current.version, changes);
        if (!applied) {
          throw conflict(
            'STALE_SERIAL',
            `Serial ${current.serial_number} was changed by someone else at the same time. Reload it and try again.`,
          );
        }
        await serialsRepository.insertEvents(tx, events);
        if (newStatus !== undefined) {
          await new CountDeltas()
            .move(
              current.item_id,
              { locationId: current.location_id, status: current.status },
              { locationId: current.location_id, status: newStatus },
            )
            .apply(tx);
        }
        // The serial as written, not read back; the full detail with history is get()'s job.
        return toSerialView({ ...current, ...changes, version: current.version + 1 }, todayIso());
      });
    },

    async lookup(value: string, mode: 'exact' | 'prefix', limit: number) {
      const q = normalizeSerialNumber(value);
      if (!q) {
        throw invalid('EMPTY_LOOKUP', 'Type or scan a serial number to look up.', [
          { field: 'q', code: 'required', message: 'Required' },
        ]);
      }
      // No serial holds an invisible character (the one serial rule refuses them), so say so instead of
      // answering "not found" for a scan that carried one.
      const hidden = findInvisibleCharacter(q);
      if (hidden) throw invalid('BAD_SERIAL', hidden.message, [{ field: 'q', ...hidden }]);
      // A label's QR code names SKU and serial (labels/label-payload.ts): that one serial. If the SKU was
      // renamed since printing, the serial number alone; and a serial that merely looks like one still matches.
      const scanned = mode === 'exact' ? parseLabelPayload(q) : null;
      let rows = scanned
        ? await serialsRepository.lookup(db, scanned.serialNumber, 'exact', limit, scanned.sku)
        : [];
      if (scanned && rows.length === 0)
        rows = await serialsRepository.lookup(db, scanned.serialNumber, 'exact', limit);
      if (rows.length === 0) rows = await serialsRepository.lookup(db, q, mode, limit);
      // A renumbered serial is still found by its old number (a label printed before, an e-mail), noted.
      const byId = new Map(rows.map((r) => [r.id, { ...r, former_number: null as string | null }]));
      if (byId.size < limit) {
        for (const r of await serialCorrectionsRepository.lookupFormer(
          db,
          scanned?.serialNumber ?? q,
          mode,
          limit,
        )) {
          if (!byId.has(r.id) && byId.size < limit) byId.set(r.id, r);
        }
      }
      return [...byId.values()].map((r) => ({
        id: r.id,
        serialNumber: r.serial_number,
        status: r.status,
        statusLabel: isSerialStatus(r.status) ? STATUS_INFO[r.status].label : r.status,
        itemId: r.item_id,
        itemSku: r.sku,
        itemName: r.item_name,
        itemTracksSerials: r.track_serials === 1,
        locationCode: r.location_code,
        renumberedFrom: r.former_number,
      }));
    },
  };
  return service;
}

export type SerialsService = ReturnType<typeof createSerialsService>;
