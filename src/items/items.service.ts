import type { Db, Executor } from '../db/database.js';
import type { ItemRow } from '../db/schema.js';
import type { Principal } from '../auth/auth.service.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../shared/errors.js';
import { isUniqueViolation } from '../shared/db-errors.js';
import { nowIso } from '../shared/time.js';
import { encodeCursor, decodeCursor } from '../shared/cursor.js';
import { requireActiveLocation } from '../locations/locations.service.js';
import { partTypesRepository } from '../part-types/part-types.repository.js';
import { readSettings } from '../settings/settings.service.js';
import { serialsRepository } from '../serials/serials.repository.js';
import { itemsRepository, type ItemListSort, type ItemStockRow } from './items.repository.js';

export interface ItemView {
  id: number;
  sku: string;
  name: string;
  description: string;
  partTypeId: number | null;
  primaryLocationId: number | null;
  warrantyMonths: number;
  serialPattern: string | null;
  trackSerials: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ItemInput {
  sku: string;
  name: string;
  description?: string | undefined;
  partTypeId?: number | null | undefined;
  primaryLocationId?: number | null | undefined;
  warrantyMonths?: number | undefined;
  serialPattern?: string | null | undefined;
  trackSerials?: boolean | undefined;
}

/** One row of the Items list: the item with quantity on hand against serials present. */
export interface ItemStockView {
  id: number;
  sku: string;
  name: string;
  partTypeId: number | null;
  primaryLocationId: number | null;
  trackSerials: boolean;
  quantityOnHand: number;
  /** null when the item does not track serials (or they are hidden). */
  serialsPresent: number | null;
  /** quantityOnHand − serialsPresent; 0 when they agree or the item does not track serials. */
  mismatch: number;
}

const toItemStockView = (r: ItemStockRow): ItemStockView => ({
  id: r.id,
  sku: r.sku,
  name: r.name,
  partTypeId: r.part_type_id,
  primaryLocationId: r.primary_location_id,
  trackSerials: Number(r.track_serials) === 1,
  quantityOnHand: Number(r.quantity_on_hand),
  serialsPresent: Number(r.track_serials) === 1 ? Number(r.serials_present) : null,
  mismatch: Number(r.mismatch),
});

const badCursor = () =>
  new AppError(
    'bad_request',
    'BAD_CURSOR',
    'The page cursor is not valid for this list. Start again from the first page.',
  );

export type ItemPatch = Partial<ItemInput> & {
  /** Needed to turn Track Serials off under the "hide" setting once serials exist. */
  confirmHideSerials?: boolean | undefined;
};

export const toItemView = (r: ItemRow): ItemView => ({
  id: r.id,
  sku: r.sku,
  name: r.name,
  description: r.description,
  partTypeId: r.part_type_id,
  primaryLocationId: r.primary_location_id,
  warrantyMonths: r.warranty_months,
  serialPattern: r.serial_pattern,
  trackSerials: r.track_serials === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const skuTaken = (sku: string) =>
  conflict('SKU_TAKEN', `An item with SKU "${sku}" already exists. SKUs must be unique.`, [
    { field: 'sku', code: 'taken', message: 'Already taken' },
  ]);

export function createItemsService(db: Db) {
  async function checkRefs(input: Partial<ItemInput>): Promise<void> {
    if (input.partTypeId != null && !(await partTypesRepository.findById(db, input.partTypeId))) {
      throw invalid('UNKNOWN_PART_TYPE', `Part type ${input.partTypeId} does not exist.`, [
        { field: 'partTypeId', code: 'unknown', message: 'No such part type' },
      ]);
    }
    if (input.primaryLocationId != null)
      await requireActiveLocation(db, input.primaryLocationId, 'primaryLocationId');
  }

  function requireSerialPermission(principal: Principal): void {
    if (!principal.permissions.has('INV_MANAGE_SERIALS')) {
      throw forbidden(
        'FORBIDDEN',
        'Turning Track Serials on or off needs the INV_MANAGE_SERIALS permission. Ask your administrator.',
      );
    }
  }

  // Lock first, so a concurrent Add Serial either finishes before the serial count of a turn-off or waits
  // and then sees tracking off.
  async function lockItem(tx: Executor, id: number): Promise<ItemRow> {
    await itemsRepository.lock(tx, id);
    const item = await itemsRepository.findById(tx, id);
    if (!item) throw notFound('Item', id);
    return item;
  }

  /**
   * Track Serials: turning it on never changes quantities; turning it off is free while the item has no
   * serials, refused under the "lock" setting once it has, and under "hide" allowed only with
   * confirmHideSerials (records are kept and shown again when re-enabled).
   */
  async function checkTrackingChange(
    tx: Executor,
    principal: Principal,
    item: ItemRow,
    trackSerials: boolean,
    confirmHideSerials: boolean | undefined,
  ): Promise<void> {
    if (trackSerials === (item.track_serials === 1)) return;
    requireSerialPermission(principal);
    if (trackSerials) return;
    const serialCount = await serialsRepository.countAllByItem(tx, item.id);
    if (serialCount === 0) return;
    const { serialTrackingOff } = await readSettings(tx);
    if (serialTrackingOff === 'lock') {
      throw conflict(
        'SERIAL_TRACKING_LOCKED',
        `Track Serials cannot be turned off: ${item.sku} already has ${serialCount} serial record(s). ` +
          'An administrator can allow it on the Settings page, under "Turning Track Serials off", by ' +
          'choosing "Hide the serials".',
      );
    }
    if (!confirmHideSerials) {
      throw conflict(
        'CONFIRMATION_REQUIRED',
        `${item.sku} has ${serialCount} serial record(s). Turning Track Serials off hides the Serials tab; ` +
          'the records are kept and come back when it is turned on again. Confirm to continue.',
      );
    }
  }

  const service = {
    async get(id: number): Promise<ItemView> {
      const row = await itemsRepository.findById(db, id);
      if (!row) throw notFound('Item', id);
      return toItemView(row);
    },

    async getBySku(sku: string): Promise<ItemView> {
      const row = await itemsRepository.findBySku(db, sku);
      if (!row) throw notFound('Item with SKU', sku);
      return toItemView(row);
    },

    async list(q: { search?: string | undefined; cursor?: string | undefined; limit: number }) {
      const after = q.cursor ? decodeCursor(q.cursor, 1) : undefined;
      const rows = await itemsRepository.list(db, {
        search: q.search,
        afterSku: after ? String(after[0]) : undefined,
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map(toItemView),
        nextCursor: rows.length > q.limit && last ? encodeCursor([last.sku]) : null,
      };
    },

    /** The pickers' search: SKU or name starting with `q`, ignoring case; SKU matches first. */
    async search(q: { prefix: string; limit: number }): Promise<{ items: ItemView[] }> {
      const rows = await itemsRepository.searchByPrefix(db, q.prefix, q.limit);
      return { items: rows.map(toItemView) };
    },

    /** The Items list with stock: sortable, filterable to the items whose serials do not match. */
    async listWithStock(q: {
      prefix?: string | undefined;
      mismatchOnly: boolean;
      sort: ItemListSort;
      descending: boolean;
      cursor?: string | undefined;
      limit: number;
    }) {
      let after: [string | number, string] | undefined;
      if (q.cursor) {
        const [value, sku] = decodeCursor(q.cursor, 2);
        const numeric = q.sort !== 'sku' && q.sort !== 'name';
        if (typeof sku !== 'string' || (numeric ? !Number.isSafeInteger(value) : typeof value !== 'string')) {
          throw badCursor();
        }
        after = [value as string | number, sku];
      }
      const rows = await itemsRepository.listWithStock(db, {
        prefix: q.prefix,
        mismatchOnly: q.mismatchOnly,
        sort: q.sort,
        descending: q.descending,
        after,
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit).map(toItemStockView);
      const last = page.at(-1);
      const key = (v: ItemStockView): string | number =>
        q.sort === 'serialsPresent' ? (v.serialsPresent ?? 0) : v[q.sort];
      return {
        items: page,
        nextCursor: rows.length > q.limit && last ? encodeCursor([key(last), last.sku]) : null,
      };
    },

    async create(principal: Principal, input: ItemInput): Promise<ItemView> {
      if (input.trackSerials) requireSerialPermission(principal);
      await checkRefs(input);
      const at = nowIso();
      try {
        const id = await itemsRepository.insert(db, {
          sku: input.sku,
          name: input.name,
          description: input.description ?? '',
          part_type_id: input.partTypeId ?? null,
          primary_location_id: input.primaryLocationId ?? null,
          warranty_months: input.warrantyMonths ?? 0,
          serial_pattern: input.serialPattern ?? null,
          track_serials: input.trackSerials ? 1 : 0,
          created_at: at,
          updated_at: at,
        });
        return await service.get(id);
      } catch (err) {
        if (isUniqueViolation(err)) throw skuTaken(input.sku);
        throw err;
      }
    },

    /** Edits an item; a Track Serials change in the same edit also needs INV_MANAGE_SERIALS. */
    async update(principal: Principal, id: number, patch: ItemPatch): Promise<ItemView> {
      await checkRefs(patch);
      try {
        await db.transaction().execute(async (tx) => {
          const item = await lockItem(tx, id);
          const { confirmHideSerials, ...fields } = patch;
          if (fields.trackSerials !== undefined) {
            await checkTrackingChange(tx, principal, item, fields.trackSerials, confirmHideSerials);
          }
          await itemsRepository.update(tx, id, {
            ...(fields.sku !== undefined && { sku: fields.sku }),
            ...(fields.name !== undefined && { name: fields.name }),
            ...(fields.description !== undefined && { description: fields.description }),
            ...(fields.partTypeId !== undefined && { part_type_id: fields.partTypeId }),
            ...(fields.primaryLocationId !== undefined && { primary_location_id: fields.primaryLocationId }),
            ...(fields.warrantyMonths !== undefined && { warranty_months: fields.warrantyMonths }),
            ...(fields.serialPattern !== undefined && { serial_pattern: fields.serialPattern }),
            ...(fields.trackSerials !== undefined && { track_serials: fields.trackSerials ? 1 : 0 }),
            updated_at: nowIso(),
          });
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw skuTaken(patch.sku ?? '');
        throw err;
      }
      return service.get(id);
    },

    /** Turns Track Serials on or off and nothing else: the route for INV_MANAGE_SERIALS without INV_EDIT_ITEMS. */
    async setTrackSerials(
      principal: Principal,
      id: number,
      input: { trackSerials: boolean; confirmHideSerials?: boolean | undefined },
    ): Promise<ItemView> {
      await db.transaction().execute(async (tx) => {
        const item = await lockItem(tx, id);
        await checkTrackingChange(tx, principal, item, input.trackSerials, input.confirmHideSerials);
        if (input.trackSerials !== (item.track_serials === 1)) {
          await itemsRepository.update(tx, id, {
            track_serials: input.trackSerials ? 1 : 0,
            updated_at: nowIso(),
          });
        }
      });
      return service.get(id);
    },
  };
  return service;
}

export type ItemsService = ReturnType<typeof createItemsService>;
