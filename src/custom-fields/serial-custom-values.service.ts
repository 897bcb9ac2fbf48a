import type { Db, Executor } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { lockItems } from '../db/lock-order.js';
import type { Principal } from '../auth/auth.service.js';
import { conflict, invalid, notFound, type FieldError } from '../shared/errors.js';
import { nowIso } from '../shared/time.js';
import { itemsRepository } from '../items/items.repository.js';
import { serialsRepository } from '../serials/serials.repository.js';
import { notTracked } from '../serials/serial-ledger.js';
import { parseCustomValue } from './custom-field-values.js';
import { customFieldsRepository } from './custom-fields.repository.js';
import {
  fieldsOfItem,
  parseValuesByFieldId,
  writeValueChangesInTx,
  type CustomFieldView,
  type CustomValueChange,
} from './custom-field-ledger.js';

/** A field of a serial (or of the Default Serial Q&A) with its value; null = no value. */
export interface CustomFieldValueView extends CustomFieldView {
  value: string | null;
}

export interface SerialCustomFieldsView {
  serialId: number;
  serialNumber: string;
  itemId: number;
  partTypeId: number | null;
  version: number;
  fields: CustomFieldValueView[];
}

const withValues = (fields: CustomFieldView[], values: Map<number, string>): CustomFieldValueView[] =>
  fields.map((f) => ({ ...f, value: values.get(f.id) ?? null }));

function requiredErrors(
  fields: CustomFieldView[],
  finalValue: (f: CustomFieldView) => string | null,
): FieldError[] {
  return fields
    .filter((f) => f.required && finalValue(f) === null)
    .map((f) => ({ field: `values.${f.id}`, code: 'required', message: `${f.name} is required.` }));
}

/** Values of custom fields on serials, the item's Default Serial Q&A, and the bulk "set field" action. */
export function createSerialCustomValuesService(db: Db) {
  async function requireItem(itemId: number) {
    const item = await itemsRepository.findById(db, itemId);
    if (!item) throw notFound('Item', itemId);
    return item;
  }

  async function serialFields(exec: Executor, serialId: number): Promise<SerialCustomFieldsView> {
    const serial = await serialsRepository.findById(exec, serialId);
    if (!serial) throw notFound('Serial', serialId);
    const [item, fields, values] = await Promise.all([
      itemsRepository.findById(exec, serial.item_id),
      fieldsOfItem(exec, serial.item_id),
      customFieldsRepository.valuesOfSerials(exec, [serialId]),
    ]);
    return {
      serialId,
      serialNumber: serial.serial_number,
      itemId: serial.item_id,
      partTypeId: item?.part_type_id ?? null,
      version: serial.version,
      fields: withValues(fields, new Map(values.map((v) => [v.field_id, v.value]))),
    };
  }

  const service = {
    /** The custom fields of one serial's part type with this serial's values. */
    getSerialValues(serialId: number): Promise<SerialCustomFieldsView> {
      return serialFields(db, serialId);
    },

    /**
     * Sets values of one serial (fields not named stay as they are; null or '' clears). Every value is
     * checked against its field's type, and the result may not leave a required field empty. Each change
     * is a history row (old → new) in the same transaction; `version` makes the edit conditional.
     */
    async setSerialValues(
      principal: Principal,
      serialId: number,
      input: { values: Record<string, string | null>; version?: number | undefined },
    ): Promise<SerialCustomFieldsView> {
      await inTransaction(db, async (tx) => {
        const current = await serialFields(tx, serialId);
        await lockItems(tx, [current.itemId]);
        const item = await itemsRepository.findById(tx, current.itemId);
        if (item?.track_serials !== 1) throw notTracked(item?.sku ?? String(current.itemId));
        if (input.version !== undefined && input.version !== current.version) {
          throw conflict(
            'STALE_SERIAL',
            `Serial ${current.serialNumber} was changed by someone else. Reload it and try again.`,
          );
        }
        if (current.fields.length === 0 && Object.keys(input.values).length > 0) {
          throw invalid(
            'NO_CUSTOM_FIELDS',
            `Custom fields are not configured for the part type of ${item.sku}. Define them on its part type first.`,
          );
        }
        const { values, errors } = parseValuesByFieldId(current.fields, input.values);
        const finalValue = (f: CustomFieldView) =>
          values.has(f.id) ? values.get(f.id)! : (current.fields.find((c) => c.id === f.id)?.value ?? null);
        errors.push(...requiredErrors(current.fields, finalValue));
        if (errors.length > 0) {
          throw invalid(
            'INVALID_CUSTOM_VALUES',
            `Nothing was saved: ${errors.length} problem(s) in the custom fields.`,
            errors,
          );
        }
        const changes: CustomValueChange[] = current.fields
          .filter((f) => values.has(f.id) && values.get(f.id) !== f.value)
          .map((f) => ({ serialId, itemId: current.itemId, field: f, from: f.value, to: values.get(f.id)! }));
        if (changes.length === 0) return;
        const at = nowIso();
        // Conditional on the version read above: a concurrent edit of this serial makes exactly one win.
        if (
          !(await customFieldsRepository.touchSerialIfVersion(
            tx,
            serialId,
            current.version,
            at,
            principal.userId,
          ))
        ) {
          throw conflict(
            'STALE_SERIAL',
            `Serial ${current.serialNumber} was changed by someone else at the same time. Reload it and try again.`,
          );
        }
        await writeValueChangesInTx(tx, changes, { at, userId: principal.userId });
      });
      return serialFields(db, serialId);
    },

    /** The item's Default Serial Q&A: its part type's fields with the answers new serials start with. */
    async getDefaults(itemId: number) {
      const item = await requireItem(itemId);
      const [fields, defaults] = await Promise.all([
        fieldsOfItem(db, itemId),
        customFieldsRepository.listDefaults(db, itemId),
      ]);
      return {
        itemId,
        partTypeId: item.part_type_id,
        fields: withValues(fields, new Map(defaults.map((d) => [d.field_id, d.value]))),
      };
    },

    /**
     * Sets Default Serial Q&A answers (fields not named stay; null or '' clears). Only newly created
     * serials use them; existing serials never change. Required is not enforced here: a default may cover
     * some fields and leave the rest to each serial.
     */
    async setDefaults(itemId: number, input: { values: Record<string, string | null> }) {
      await requireItem(itemId);
      const fields = await fieldsOfItem(db, itemId);
      const { values, errors } = parseValuesByFieldId(fields, input.values);
      if (errors.length > 0) {
        throw invalid(
          'INVALID_CUSTOM_VALUES',
          `Nothing was saved: ${errors.length} problem(s) in the Default Serial Q&A.`,
          errors,
        );
      }
      await inTransaction(db, async (tx) => {
        // New serials read the defaults under this item lock (db/lock-order.ts): a change waits for a
        // creation in progress, so every serial's "created" row names the values it really got.
        await lockItems(tx, [itemId]);
        for (const [fieldId, value] of values) {
          if (value === null) await customFieldsRepository.deleteDefault(tx, itemId, fieldId);
          else await customFieldsRepository.upsertDefault(tx, itemId, fieldId, value);
        }
      });
      return service.getDefaults(itemId);
    },

    /**
     * The explicit bulk action: sets one field to one value on selected serials of an item. Set-based:
     * the serials are locked, their current values read in one query per chunk, and only serials whose
     * value really changes get a new value, a new version and a history row.
     */
    async bulkSet(
      principal: Principal,
      itemId: number,
      input: { serialIds: number[]; fieldId: number; value: string | null },
    ): Promise<{ changed: number; unchanged: number }> {
      const item = await requireItem(itemId);
      if (item.track_serials !== 1) throw notTracked(item.sku);
      const field = (await fieldsOfItem(db, itemId)).find((f) => f.id === input.fieldId);
      if (!field) {
        throw invalid(
          'UNKNOWN_CUSTOM_FIELD',
          `Custom field ${input.fieldId} is not a field of ${item.sku}'s part type.`,
          [{ field: 'fieldId', code: 'unknown_field', message: 'Not a field of this part type' }],
        );
      }
      const parsed = parseCustomValue(field, input.value ?? '');
      if (!parsed.ok) {
        throw invalid('INVALID_CUSTOM_VALUES', `${field.name}: ${parsed.message}`, [
          { field: 'value', code: 'bad_value', message: parsed.message },
        ]);
      }
      if (parsed.value === null && field.required) {
        throw invalid('INVALID_CUSTOM_VALUES', `${field.name} is required; it cannot be cleared.`, [
          { field: 'value', code: 'required', message: `${field.name} is required.` },
        ]);
      }
      const ids = [...new Set(input.serialIds)];
      const to = parsed.value;
      return inTransaction(db, async (tx) => {
        await lockItems(tx, [itemId]);
        const found = new Set(await customFieldsRepository.lockSerialsOfItem(tx, itemId, ids));
        const missing = ids.filter((id) => !found.has(id));
        if (missing.length > 0) {
          throw invalid(
            'UNKNOWN_SERIALS',
            `${missing.length} of the selected serials are not serials of ${item.sku}. Nothing was changed.`,
            missing.slice(0, 100).map((id) => ({
              field: 'serialIds',
              code: 'unknown_serial',
              message: `Serial ${id} is not a serial of ${item.sku}`,
            })),
          );
        }
        const current = await customFieldsRepository.valuesOfField(tx, field.id, ids);
        const changes: CustomValueChange[] = ids
          .filter((id) => (current.get(id) ?? null) !== to)
          .map((id) => ({ serialId: id, itemId, field, from: current.get(id) ?? null, to }));
        const at = nowIso();
        await customFieldsRepository.touchSerials(
          tx,
          changes.map((c) => c.serialId),
          at,
          principal.userId,
        );
        await writeValueChangesInTx(tx, changes, { at, userId: principal.userId });
        return { changed: changes.length, unchanged: ids.length - changes.length };
      });
    },
  };
  return service;
}

export type SerialCustomValuesService = ReturnType<typeof createSerialCustomValuesService>;
