import type { Db } from '../db/database.js';
import type { NewSerialEventRow } from '../db/schema.js';
import type { Principal } from '../auth/auth.service.js';
import { conflict, invalid, notFound, type FieldError } from '../shared/errors.js';
import { isUniqueViolation } from '../shared/db-errors.js';
import { addDays, businessDateOf, isValidIsoDate, nowIso, todayIso } from '../shared/time.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { itemsRepository } from '../items/items.repository.js';
import { locationsRepository } from '../locations/locations.repository.js';
import {
  checkManualTransition,
  isSerialStatus,
  SERIAL_STATUSES,
  STATUS_INFO,
  type SerialStatus,
} from './serial-status.js';
import { checkSerialNumbers } from './serial-numbers.js';
import { serialsRepository, type SerialSort } from './serials.repository.js';
import { CountDeltas, createSerialsInTx, notTracked } from './serial-ledger.js';
import { nextPatternSerials } from './serial-numbering.js';
import { parseLabelPayload } from '../labels/label-payload.js';
import { requireActiveLocation } from '../locations/locations.service.js';
import { toSerialEventView, toSerialView, type SerialView } from './serials.views.js';
import {
  customValuesOfSerials,
  fieldValuesOfSerial,
  parseCustomFieldFilters,
  parseNewSerialValues,
} from '../custom-fields/custom-field-ledger.js';

export interface NewSerialEntry {
  serialNumber: string;
  locationId?: number | undefined;
  conditionNotes?: string | undefined;
  /** Custom field id → value as typed; wins over the item's Default Serial Q&A. */
  customValues?: Record<string, string> | undefined;
}

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
  async function requireTrackedItem(itemId: number) {
    const item = await itemsRepository.findById(db, itemId);
    if (!item) throw notFound('Item', itemId);
    if (item.track_serials !== 1) throw notTracked(item.sku);
    return item;
  }

  const service = {
    /** Adds one or many serials to an item: all or nothing, each In Stock with a history row. */
    async addSerials(principal: Principal, itemId: number, entries: NewSerialEntry[]): Promise<SerialView[]> {
      const item = await requireTrackedItem(itemId);
      if (entries.length === 0) {
        throw invalid('NO_SERIALS', 'Enter at least one serial number.', [
          { field: 'serials', code: 'empty', message: 'The list is empty' },
        ]);
      }
      const { serials, errors } = checkSerialNumbers(entries.map((e) => e.serialNumber));
      const locationIds = new Set<number>();
      entries.forEach((e, i) => {
        const locationId = e.locationId ?? item.primary_location_id;
        if (locationId == null) {
          errors.push({
            field: `serials[${i}].locationId`,
            code: 'location_required',
            message: `${item.sku} has no primary location; choose a location for "${serials[i]}".`,
          });
        } else locationIds.add(locationId);
      });
      const locations = new Map(
        (await locationsRepository.findManyByIds(db, [...locationIds])).map((l) => [l.id, l]),
      );
      entries.forEach((e, i) => {
        const locationId = e.locationId ?? item.primary_location_id;
        if (locationId == null) return;
        const loc = locations.get(locationId);
        if (!loc || loc.active !== 1) {
          errors.push({
            field: `serials[${i}].locationId`,
            code: loc ? 'inactive_location' : 'unknown_location',
            message: loc ? `Location ${loc.code} is inactive.` : `Location ${locationId} does not exist.`,
          });
        }
      });
      const custom = await parseNewSerialValues(
        db,
        itemId,
        entries.map((e) => e.customValues),
      );
      errors.push(...custom.errors);
      if (errors.length > 0) {
        throw invalid(
          'INVALID_SERIALS',
          `Nothing was saved: ${errors.length} problem(s) in the serials entered.`,
          errors,
        );
      }
      const at = nowIso();
      const dateReceived = businessDateOf(at);
      const prepared = entries.map((e, i) => ({
        serialNumber: serials[i]!,
        locationId: (e.locationId ?? item.primary_location_id)!,
        conditionNotes: (e.conditionNotes ?? '').trim(),
        customValues: custom.values[i],
      }));
      let ids: number[];
      try {
        ids = await db.transaction().execute((tx) =>
          createSerialsInTx(tx, {
            itemId,
            entries: prepared,
            source: { type: 'manual', number: null },
            userId: principal.userId,
            at,
            dateReceived,
          }),
        );
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // Someone holds one of these numbers already (maybe a concurrent request): name every one.
        const existing = await serialsRepository.existingNumbers(db, itemId, serials);
        const conflicts: FieldError[] = serials.flatMap((s, i) =>
          existing.has(s)
            ? [
                {
                  field: `serials[${i}]`,
                  code: 'already_exists',
                  message: `Serial "${s}" already exists for ${item.sku}.`,
                },
              ]
            : [],
        );
        throw conflict(
          'SERIAL_EXISTS',
          conflicts.length === 1
            ? `Serial "${serials[Number(conflicts[0]!.field.slice(8, -1))]}" already exists for ${item.sku}. Nothing was saved.`
            : `${conflicts.length} of these serials already exist for ${item.sku}. Nothing was saved.`,
          conflicts,
        );
      }
      // Built from what was written rather than read back: this is the bulk path.
      const today = todayIso();
      return prepared.map((e, i) =>
        toSerialView(
          {
            id: ids[i]!,
            item_id: itemId,
            serial_number: e.serialNumber,
            status: 'in_stock',
            location_id: e.locationId,
            location_code: locations.get(e.locationId)!.code,
            customer_id: null,
            customer_name: null,
            warranty_end_date: null,
            date_received: dateReceived,
            condition_notes: e.conditionNotes,
            source_document_type: 'manual',
            source_document_number: null,
            last_document_type: null,
            last_document_number: null,
            version: 1,
            created_at: at,
            created_by: principal.userId,
            updated_at: at,
            updated_by: principal.userId,
          },
          today,
        ),
      );
    },

    /** "Next N" from the item's serial pattern (e.g. SN-{#####}), In Stock at one location. */
    async addNextSerials(
      principal: Principal,
      itemId: number,
      input: { count: number; locationId?: number | undefined; conditionNotes?: string | undefined },
    ): Promise<SerialView[]> {
      const item = await requireTrackedItem(itemId);
      const locationId = input.locationId ?? item.primary_location_id;
      if (locationId == null) {
        throw invalid('LOCATION_REQUIRED', `${item.sku} has no primary location; choose a location.`, [
          { field: 'locationId', code: 'location_required', message: 'Choose a location' },
        ]);
      }
      await requireActiveLocation(db, locationId);
      const at = nowIso();
      const ids = await db.transaction().execute(async (tx) => {
        const numbers = await nextPatternSerials(tx, item, input.count);
        return createSerialsInTx(tx, {
          itemId,
          entries: numbers.map((serialNumber) => ({
            serialNumber,
            locationId,
            conditionNotes: input.conditionNotes?.trim() ?? '',
          })),
          source: { type: 'manual', number: null },
          userId: principal.userId,
          at,
          dateReceived: businessDateOf(at),
        });
      });
      const today = todayIso();
      return (await serialsRepository.findManyByIds(db, ids))
        .map((r) => toSerialView(r, today))
        .sort((a, b) => a.id - b.id);
    },

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
        counts: { total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus },
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
      return db.transaction().execute(async (tx) => {
        const current = await serialsRepository.findWithItemById(tx, id);
        if (!current) throw notFound('Serial', id);
        if (current.item_track_serials !== 1) throw notTracked(current.item_sku);
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
      const q = value.trim();
      if (!q) {
        throw invalid('EMPTY_LOOKUP', 'Type or scan a serial number to look up.', [
          { field: 'q', code: 'required', message: 'Required' },
        ]);
      }
      // A label's QR code names SKU and serial (labels/label-payload.ts): that one serial. If the SKU was
      // renamed since printing, the serial number alone; and a serial that merely looks like one still matches.
      const scanned = mode === 'exact' ? parseLabelPayload(q) : null;
      let rows = scanned
        ? await serialsRepository.lookup(db, scanned.serialNumber, 'exact', limit, scanned.sku)
        : [];
      if (scanned && rows.length === 0)
        rows = await serialsRepository.lookup(db, scanned.serialNumber, 'exact', limit);
      if (rows.length === 0) rows = await serialsRepository.lookup(db, q, mode, limit);
      return rows.map((r) => ({
        id: r.id,
        serialNumber: r.serial_number,
        status: r.status,
        statusLabel: isSerialStatus(r.status) ? STATUS_INFO[r.status].label : r.status,
        itemId: r.item_id,
        itemSku: r.sku,
        itemName: r.item_name,
        itemTracksSerials: r.track_serials === 1,
        locationCode: r.location_code,
      }));
    },
  };
  return service;
}

export type SerialsService = ReturnType<typeof createSerialsService>;
