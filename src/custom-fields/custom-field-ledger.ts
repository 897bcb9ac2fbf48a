import type { Executor } from '../db/database.js';
import type { NewSerialEventRow } from '../db/schema.js';
import { invalid, type FieldError } from '../shared/errors.js';
import { serialsRepository } from '../serials/serials.repository.js';
import { isCustomFieldType, parseCustomValue, type CustomFieldType } from './custom-field-values.js';
import { customFieldsRepository, type CustomFieldRow } from './custom-fields.repository.js';

export interface CustomFieldView {
  id: number;
  partTypeId: number;
  name: string;
  type: CustomFieldType;
  required: boolean;
  position: number;
  choices: string[] | null;
}

export function toCustomFieldView(r: CustomFieldRow): CustomFieldView {
  return {
    id: r.id,
    partTypeId: r.part_type_id,
    name: r.name,
    type: isCustomFieldType(r.type) ? r.type : 'text',
    required: r.required === 1,
    position: r.position,
    choices: r.choices ? (JSON.parse(r.choices) as string[]) : null,
  };
}

/** The custom fields of an item (those of its part type), in their order. */
export async function fieldsOfItem(db: Executor, itemId: number): Promise<CustomFieldView[]> {
  return (await customFieldsRepository.listDefinitionsForItem(db, itemId)).map(toCustomFieldView);
}

/**
 * Parses values keyed by field id (as JSON object keys are text) against the item's fields. Returns the
 * canonical values (null = clear) or throws 422 naming every bad key. `where` prefixes error fields, e.g.
 * `serials[3].customValues`.
 */
export function parseValuesByFieldId(
  fields: readonly CustomFieldView[],
  raw: Readonly<Record<string, string | null>>,
  where = 'values',
): { values: Map<number, string | null>; errors: FieldError[] } {
  const byId = new Map(fields.map((f) => [String(f.id), f]));
  const values = new Map<number, string | null>();
  const errors: FieldError[] = [];
  for (const [key, input] of Object.entries(raw)) {
    const field = byId.get(key);
    if (!field) {
      errors.push({
        field: `${where}.${key}`,
        code: 'unknown_field',
        message: `Custom field ${key} is not a field of this item's part type.`,
      });
      continue;
    }
    const parsed = parseCustomValue(field, input ?? '');
    if (parsed.ok) values.set(field.id, parsed.value);
    else
      errors.push({
        field: `${where}.${key}`,
        code: 'bad_value',
        message: `${field.name}: ${parsed.message}`,
      });
  }
  return { values, errors };
}

/** One custom value change of one serial, as written to its history. */
export interface CustomValueChange {
  serialId: number;
  itemId: number;
  field: Pick<CustomFieldView, 'id' | 'name' | 'type'>;
  from: string | null;
  to: string | null;
}

/**
 * Applies value changes and writes one `custom_field_changed` history row per change, set-based, in the
 * caller's transaction. Callers have already locked or version-checked the serials and bump their version.
 */
export async function writeValueChangesInTx(
  tx: Executor,
  changes: readonly CustomValueChange[],
  ctx: { at: string; userId: number | null; document?: { type: string; number: string | null } | undefined },
): Promise<void> {
  if (changes.length === 0) return;
  const events: NewSerialEventRow[] = changes.map((c) => ({
    serial_id: c.serialId,
    item_id: c.itemId,
    kind: 'custom_field_changed',
    at: ctx.at,
    user_id: ctx.userId,
    document_type: ctx.document?.type ?? null,
    document_number: ctx.document?.number ?? null,
    data: JSON.stringify({
      field: c.field.name,
      fieldId: c.field.id,
      type: c.field.type,
      from: c.from,
      to: c.to,
    }),
  }));
  await serialsRepository.insertEvents(tx, events);
  await customFieldsRepository.upsertSerialValues(
    tx,
    changes
      .filter((c) => c.to !== null)
      .map((c) => ({ serial_id: c.serialId, field_id: c.field.id, value: c.to! })),
  );
  const cleared = new Map<number, number[]>();
  for (const c of changes) {
    if (c.to !== null) continue;
    const ids = cleared.get(c.field.id) ?? [];
    ids.push(c.serialId);
    cleared.set(c.field.id, ids);
  }
  for (const [fieldId, ids] of cleared) await customFieldsRepository.deleteSerialValues(tx, fieldId, ids);
}

/**
 * Gives the given new serials of an item the item's Default Serial Q&A answers, where they have no value
 * yet, with one INSERT … SELECT per chunk. Only call it for serials just created: existing serials never
 * change when the defaults do.
 */
export function seedDefaultsInTx(tx: Executor, itemId: number, serialIds: number[]): Promise<void> {
  return customFieldsRepository.seedDefaults(tx, itemId, serialIds);
}

/** Explicit custom values for one new serial: canonical values keyed by field id (see parseCustomValue). */
export type NewSerialCustomValues = Readonly<Record<string, string>>;

/**
 * What createSerialsInTx needs to give new serials their first custom values: the values each one starts
 * with (by field name, for its "created" history row) and a writer to call once the serials have ids.
 * Explicit values win over the item's Default Serial Q&A. Explicit values must already be canonical;
 * anything else is refused with 422 rather than stored unchecked.
 */
/**
 * A value a serial started with, as its "created" history row names it: by field id (as the edit rows do,
 * so a renamed field still links), with the field's name at that moment for reading.
 */
export interface InitialCustomValue {
  fieldId: number;
  field: string;
  value: string;
}

export async function prepareNewSerialValuesInTx(
  tx: Executor,
  itemId: number,
  explicit: readonly (NewSerialCustomValues | undefined)[],
): Promise<{
  initialOf(index: number): InitialCustomValue[] | undefined;
  write(serialIds: readonly number[]): Promise<void>;
}> {
  const fields = await fieldsOfItem(tx, itemId);
  if (fields.length === 0) {
    const errors = explicitErrors(explicit, []);
    if (errors.length > 0) throw invalid('INVALID_CUSTOM_VALUES', 'Custom values were refused.', errors);
    return { initialOf: () => undefined, write: () => Promise.resolve() };
  }
  const byId = new Map(fields.map((f) => [f.id, f]));
  const defaults = (await customFieldsRepository.listDefaults(tx, itemId)).filter((d) =>
    byId.has(d.field_id),
  );
  const errors = explicitErrors(explicit, fields);
  if (errors.length > 0) throw invalid('INVALID_CUSTOM_VALUES', 'Custom values were refused.', errors);
  const named = (values: Iterable<[number, string]>): InitialCustomValue[] =>
    [...values].map(([fieldId, value]) => ({ fieldId, field: byId.get(fieldId)!.name, value }));
  const defaultPairs = defaults.map((d) => [d.field_id, d.value] as [number, string]);
  const hasAny = defaults.length > 0 || explicit.some((e) => e && Object.keys(e).length > 0);
  return {
    initialOf(index) {
      if (!hasAny) return undefined;
      const merged = new Map(defaultPairs);
      for (const [k, v] of Object.entries(explicit[index] ?? {})) merged.set(Number(k), v);
      return merged.size > 0 ? named([...merged].sort((a, b) => fieldOrder(byId, a[0], b[0]))) : undefined;
    },
    async write(serialIds) {
      const rows = serialIds.flatMap((serialId, i) =>
        Object.entries(explicit[i] ?? {}).map(([k, value]) => ({
          serial_id: serialId,
          field_id: Number(k),
          value,
        })),
      );
      await customFieldsRepository.upsertSerialValues(tx, rows);
      if (defaults.length > 0) await seedDefaultsInTx(tx, itemId, [...serialIds]);
    },
  };
}

const fieldOrder = (byId: Map<number, CustomFieldView>, a: number, b: number) =>
  byId.get(a)!.position - byId.get(b)!.position || a - b;

function explicitErrors(
  explicit: readonly (NewSerialCustomValues | undefined)[],
  fields: readonly CustomFieldView[],
): FieldError[] {
  const byId = new Map(fields.map((f) => [String(f.id), f]));
  const errors: FieldError[] = [];
  explicit.forEach((values, i) => {
    for (const [key, value] of Object.entries(values ?? {})) {
      const field = byId.get(key);
      const where = `serials[${i}].customValues.${key}`;
      if (!field) {
        errors.push({
          field: where,
          code: 'unknown_field',
          message: `Custom field ${key} is not a field of this item's part type.`,
        });
        continue;
      }
      const parsed = parseCustomValue(field, value);
      if (!parsed.ok || parsed.value !== value) {
        errors.push({
          field: where,
          code: 'bad_value',
          message: `${field.name}: ${parsed.ok ? `"${value}" is not in canonical form.` : parsed.message}`,
        });
      }
    }
  });
  return errors;
}

/**
 * Parses custom values typed for new serials (Add Serial): per entry, field id → text as typed. Returns
 * canonical values for createSerialsInTx (empty values left out, so the default applies) and every problem
 * as `serials[i].customValues.<fieldId>`. Reads the item's fields only when some entry has values.
 */
export async function parseNewSerialValues(
  db: Executor,
  itemId: number,
  raw: readonly (Readonly<Record<string, string>> | undefined)[],
): Promise<{ values: (NewSerialCustomValues | undefined)[]; errors: FieldError[] }> {
  if (!raw.some((r) => r && Object.keys(r).length > 0))
    return { values: raw.map(() => undefined), errors: [] };
  const fields = await fieldsOfItem(db, itemId);
  const errors: FieldError[] = [];
  const values = raw.map((r, i) => {
    if (!r) return undefined;
    const parsed = parseValuesByFieldId(fields, r, `serials[${i}].customValues`);
    errors.push(...parsed.errors);
    const out: Record<string, string> = {};
    for (const [fieldId, value] of parsed.values) if (value !== null) out[String(fieldId)] = value;
    return out;
  });
  return { values, errors };
}

/** A filter on one custom field of an item's serials: value null means "has no value". */
export interface CustomFieldFilter {
  fieldId: number;
  value: string | null;
  /** by_value: few matches, start from the (field_id, value) index; by_serial: walk the serial order. */
  plan: 'by_value' | 'by_serial';
}

/** Up to this many matches in the item, starting from the value index and sorting them is cheap. */
const RARE_VALUE_LIMIT = 2000;

/**
 * Turns `cf.<fieldId>=value` list parameters (by field id) into canonical filters for an item's serials,
 * so `cf.7=yes` finds 'true' and `cf.8=1,000` finds '1000'; an empty value finds serials without a value.
 */
export async function parseCustomFieldFilters(
  db: Executor,
  itemId: number,
  raw: Readonly<Record<string, string>>,
): Promise<CustomFieldFilter[]> {
  const entries = Object.entries(raw);
  if (entries.length === 0) return [];
  const fields = new Map((await fieldsOfItem(db, itemId)).map((f) => [String(f.id), f]));
  const errors: FieldError[] = [];
  const filters: CustomFieldFilter[] = [];
  for (const [key, value] of entries) {
    const field = fields.get(key);
    if (!field) {
      errors.push({
        field: `cf.${key}`,
        code: 'unknown_field',
        message: `Custom field ${key} is not a field of this item's part type.`,
      });
      continue;
    }
    const parsed = parseCustomValue(field, value);
    if (parsed.ok) filters.push({ fieldId: field.id, value: parsed.value, plan: 'by_serial' });
    else errors.push({ field: `cf.${key}`, code: 'bad_value', message: `${field.name}: ${parsed.message}` });
  }
  if (errors.length > 0) throw invalid('BAD_FILTER', 'A custom field filter cannot be used.', errors);
  // A bounded count (at most RARE_VALUE_LIMIT index entries) tells a rare value from a common one.
  for (const f of filters) {
    if (f.value === null) continue;
    const n = await customFieldsRepository.countItemMatchesUpTo(
      db,
      itemId,
      f.fieldId,
      f.value,
      RARE_VALUE_LIMIT,
    );
    if (n < RARE_VALUE_LIMIT) f.plan = 'by_value';
  }
  return filters;
}

/** Custom values of a page of serials, in one query: serial id → (field id → value). */
export async function customValuesOfSerials(
  db: Executor,
  serialIds: number[],
): Promise<Map<number, Record<string, string>>> {
  const out = new Map<number, Record<string, string>>(serialIds.map((id) => [id, {}]));
  for (const r of await customFieldsRepository.valuesOfSerials(db, serialIds)) {
    out.get(r.serial_id)![String(r.field_id)] = r.value;
  }
  return out;
}

/** The item's fields, each with the serial's value (null = none), for the Serial Detail. */
export async function fieldValuesOfSerial(
  db: Executor,
  itemId: number,
  serialId: number,
): Promise<(CustomFieldView & { value: string | null })[]> {
  const [fields, values] = await Promise.all([
    fieldsOfItem(db, itemId),
    customFieldsRepository.valuesOfSerials(db, [serialId]),
  ]);
  const byField = new Map(values.map((v) => [v.field_id, v.value]));
  return fields.map((f) => ({ ...f, value: byField.get(f.id) ?? null }));
}
