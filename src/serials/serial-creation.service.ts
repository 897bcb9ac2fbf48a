import type { Db, Executor } from '../db/database.js';
import type { ItemRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { lockItems } from '../db/lock-order.js';
import type { Principal } from '../auth/auth.service.js';
import { conflict, invalid, notFound, type FieldError } from '../shared/errors.js';
import { isUniqueViolation } from '../shared/db-errors.js';
import { businessDateOf, nowIso, todayIso } from '../shared/time.js';
import { itemsRepository } from '../items/items.repository.js';
import { locationsRepository } from '../locations/locations.repository.js';
import { requireActiveLocation } from '../locations/locations.service.js';
import { parseNewSerialValues } from '../custom-fields/custom-field-ledger.js';
import { checkSerialNumbers } from './serial-numbers.js';
import { serialsRepository } from './serials.repository.js';
import { createSerialsInTx, notTracked } from './serial-ledger.js';
import { expandSerialPlanInTx, nextPatternSerials } from './serial-numbering.js';
import { parseSerialExpression, serialExpressionError } from '../serial-expressions/serial-expression.js';
import { toSerialView, type SerialView } from './serials.views.js';

export interface NewSerialEntry {
  serialNumber: string;
  locationId?: number | undefined;
  conditionNotes?: string | undefined;
  /** Custom field id → value as typed; wins over the item's Default Serial Q&A. */
  customValues?: Record<string, string> | undefined;
}

/** Add Serial, by list or by the item's pattern: part of the serials service (`services.serials`). */
export function createSerialCreation(db: Db) {
  async function requireTrackedItem(itemId: number) {
    const item = await itemsRepository.findById(db, itemId);
    if (!item) throw notFound('Item', itemId);
    if (item.track_serials !== 1) throw notTracked(item.sku);
    return item;
  }

  /**
   * Serials made inside the write transaction by `makeNumbers` (so `~` and the pattern counter see the
   * latest serial at that moment), all In Stock at one location: the given one, else the item's primary.
   */
  async function addAtOneLocation(
    principal: Principal,
    item: ItemRow,
    input: { locationId?: number | undefined; conditionNotes?: string | undefined },
    makeNumbers: (tx: Executor) => Promise<string[]>,
  ): Promise<SerialView[]> {
    const locationId = input.locationId ?? item.primary_location_id;
    if (locationId == null) {
      throw invalid('LOCATION_REQUIRED', `${item.sku} has no primary location; choose a location.`, [
        { field: 'locationId', code: 'location_required', message: 'Choose a location' },
      ]);
    }
    await requireActiveLocation(db, locationId);
    const at = nowIso();
    const ids = await inTransaction(db, async (tx) =>
      createSerialsInTx(tx, {
        itemId: item.id,
        entries: (await makeNumbers(tx)).map((serialNumber) => ({
          serialNumber,
          locationId,
          conditionNotes: input.conditionNotes?.trim() ?? '',
        })),
        source: { type: 'manual', number: null },
        userId: principal.userId,
        at,
        dateReceived: businessDateOf(at),
      }),
    );
    const today = todayIso();
    return (await serialsRepository.findManyByIds(db, ids))
      .map((r) => toSerialView(r, today))
      .sort((a, b) => a.id - b.id);
  }

  return {
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
        ids = await inTransaction(db, (tx) =>
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

    /**
     * Add Serial from an expression as typed (lists, ranges, S+N, ~), In Stock at one location. The serials
     * are made inside the write transaction, so `~` continues from the latest serial at that moment and two
     * people adding `~+9` at once get different numbers. `quantity`, when given, is the count the user
     * confirmed: an expression that makes another number of serials is refused.
     */
    async addSerialsFromExpression(
      principal: Principal,
      itemId: number,
      input: {
        expression: string;
        quantity?: number | undefined;
        locationId?: number | undefined;
        conditionNotes?: string | undefined;
      },
    ): Promise<SerialView[]> {
      const item = await requireTrackedItem(itemId);
      const parsed = parseSerialExpression(input.expression, { quantity: input.quantity });
      if (!parsed.ok) throw serialExpressionError(parsed.errors);
      return addAtOneLocation(principal, item, input, async (tx) => {
        return (await expandSerialPlanInTx(tx, item, parsed.plan)).serials;
      }).catch((err: unknown) => {
        if (!isUniqueViolation(err)) throw err;
        throw conflict(
          'SERIAL_EXISTS',
          `Someone created one of these serials of ${item.sku} at the same moment. Nothing was saved; try again.`,
        );
      });
    },

    /** "Next N" from the item's serial pattern (e.g. SN-{#####}), In Stock at one location. */
    async addNextSerials(
      principal: Principal,
      itemId: number,
      input: { count: number; locationId?: number | undefined; conditionNotes?: string | undefined },
    ): Promise<SerialView[]> {
      const item = await requireTrackedItem(itemId);
      return addAtOneLocation(principal, item, input, async (tx) => {
        // The item's own counter comes after its row (db/lock-order.ts), as in a receipt.
        await lockItems(tx, [itemId]);
        return nextPatternSerials(tx, item, input.count);
      });
    },
  };
}
