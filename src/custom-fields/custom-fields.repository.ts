import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

/** Rows or ids per statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 1000;

const definitionColumns = [
  'custom_field_definitions.id',
  'custom_field_definitions.part_type_id',
  'custom_field_definitions.name',
  'custom_field_definitions.type',
  'custom_field_definitions.required',
  'custom_field_definitions.position',
  'custom_field_definitions.choices',
] as const;

export type CustomFieldRow = Awaited<ReturnType<typeof customFieldsRepository.findDefinition>> & object;

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

export const customFieldsRepository = {
  listDefinitions(db: Executor, partTypeId: number) {
    return db
      .selectFrom('custom_field_definitions')
      .select(definitionColumns)
      .where('part_type_id', '=', partTypeId)
      .orderBy('position')
      .orderBy('id')
      .execute();
  },

  /** The fields of the item's current part type; none when it has no part type. */
  listDefinitionsForItem(db: Executor, itemId: number) {
    return db
      .selectFrom('custom_field_definitions')
      .innerJoin('items', 'items.part_type_id', 'custom_field_definitions.part_type_id')
      .select(definitionColumns)
      .where('items.id', '=', itemId)
      .orderBy('custom_field_definitions.position')
      .orderBy('custom_field_definitions.id')
      .execute();
  },

  findDefinition(db: Executor, id: number) {
    return db
      .selectFrom('custom_field_definitions')
      .select(definitionColumns)
      .where('id', '=', id)
      .executeTakeFirst();
  },

  async nextPosition(db: Executor, partTypeId: number): Promise<number> {
    const row = await db
      .selectFrom('custom_field_definitions')
      .select((eb) => eb.fn.max<number | null>('position').as('max'))
      .where('part_type_id', '=', partTypeId)
      .executeTakeFirst();
    return Number(row?.max ?? 0) + 1;
  },

  async insertDefinition(
    db: Executor,
    d: {
      partTypeId: number;
      name: string;
      type: string;
      required: boolean;
      position: number;
      choices: string[] | null;
      at: string;
    },
  ): Promise<number> {
    const row = await db
      .insertInto('custom_field_definitions')
      .values({
        part_type_id: d.partTypeId,
        name: d.name,
        type: d.type,
        required: d.required ? 1 : 0,
        position: d.position,
        choices: d.choices ? JSON.stringify(d.choices) : null,
        created_at: d.at,
        updated_at: d.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },

  async updateDefinition(
    db: Executor,
    id: number,
    patch: {
      name?: string | undefined;
      type?: string | undefined;
      required?: boolean | undefined;
      choices?: string[] | null | undefined;
      at: string;
    },
  ): Promise<void> {
    await db
      .updateTable('custom_field_definitions')
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.type !== undefined && { type: patch.type }),
        ...(patch.required !== undefined && { required: patch.required ? 1 : 0 }),
        ...(patch.choices !== undefined && {
          choices: patch.choices ? JSON.stringify(patch.choices) : null,
        }),
        updated_at: patch.at,
      })
      .where('id', '=', id)
      .execute();
  },

  async setPositions(db: Executor, orderedIds: number[], at: string): Promise<void> {
    for (const [i, id] of orderedIds.entries()) {
      await db
        .updateTable('custom_field_definitions')
        .set({ position: i + 1, updated_at: at })
        .where('id', '=', id)
        .execute();
    }
  },

  /** Deletes a field and the Default Serial Q&A answers for it (callers refuse when serials have values). */
  async deleteDefinition(db: Executor, id: number): Promise<void> {
    await db.deleteFrom('item_custom_defaults').where('field_id', '=', id).execute();
    await db.deleteFrom('custom_field_definitions').where('id', '=', id).execute();
  },

  /** How many serials hold a value for the field (the (field_id, value) index answers it). */
  async countSerialValues(db: Executor, fieldId: number): Promise<number> {
    const row = await db
      .selectFrom('serial_custom_values')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('field_id', '=', fieldId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  async countDefaultValues(db: Executor, fieldId: number): Promise<number> {
    const row = await db
      .selectFrom('item_custom_defaults')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('field_id', '=', fieldId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  /** Stored values of a field that are not in `allowed` (serials and defaults), with how often each is used. */
  async valuesOutside(db: Executor, fieldId: number, allowed: string[]) {
    let serials = db
      .selectFrom('serial_custom_values')
      .select(['value', (eb) => eb.fn.countAll<number>().as('n')])
      .where('field_id', '=', fieldId)
      .groupBy('value');
    let defaults = db
      .selectFrom('item_custom_defaults')
      .select(['value', (eb) => eb.fn.countAll<number>().as('n')])
      .where('field_id', '=', fieldId)
      .groupBy('value');
    if (allowed.length > 0) {
      serials = serials.where('value', 'not in', allowed);
      defaults = defaults.where('value', 'not in', allowed);
    }
    const [s, d] = await Promise.all([serials.execute(), defaults.execute()]);
    return {
      serials: s.map((r) => ({ value: r.value, count: Number(r.n) })),
      defaults: d.map((r) => ({ value: r.value, count: Number(r.n) })),
    };
  },

  /** How many of the item's serials have `value` for the field, counting no further than `limit`. */
  async countItemMatchesUpTo(
    db: Executor,
    itemId: number,
    fieldId: number,
    value: string,
    limit: number,
  ): Promise<number> {
    const row = await db
      .selectFrom((eb) =>
        eb
          .selectFrom('serial_custom_values as v')
          .innerJoin('serials as s', 's.id', 'v.serial_id')
          .select('v.serial_id')
          .where('v.field_id', '=', fieldId)
          .where('v.value', '=', value)
          .where('s.item_id', '=', itemId)
          .limit(limit)
          .as('m'),
      )
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  valuesOfSerials(db: Executor, serialIds: number[]) {
    if (serialIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('serial_custom_values')
      .select(['serial_id', 'field_id', 'value'])
      .where('serial_id', 'in', serialIds)
      .execute();
  },

  /** Current values of one field on the given serials. */
  async valuesOfField(db: Executor, fieldId: number, serialIds: number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (const chunk of chunks(serialIds)) {
      const rows = await db
        .selectFrom('serial_custom_values')
        .select(['serial_id', 'value'])
        .where('field_id', '=', fieldId)
        .where('serial_id', 'in', chunk)
        .execute();
      for (const r of rows) out.set(r.serial_id, r.value);
    }
    return out;
  },

  async upsertSerialValues(
    db: Executor,
    rows: { serial_id: number; field_id: number; value: string }[],
  ): Promise<void> {
    for (const chunk of chunks(rows)) {
      await db
        .insertInto('serial_custom_values')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['serial_id', 'field_id']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
        )
        .execute();
    }
  },

  async deleteSerialValues(db: Executor, fieldId: number, serialIds: number[]): Promise<void> {
    for (const chunk of chunks(serialIds)) {
      await db
        .deleteFrom('serial_custom_values')
        .where('field_id', '=', fieldId)
        .where('serial_id', 'in', chunk)
        .execute();
    }
  },

  /**
   * Copies the item's Default Serial Q&A onto the given (new) serials in one INSERT … SELECT per chunk.
   * Only answers for fields of the item's current part type count, and a value already set (an explicit
   * value given at creation) is kept: explicit values win over defaults.
   */
  async seedDefaults(db: Executor, itemId: number, serialIds: number[]): Promise<void> {
    for (const chunk of chunks(serialIds)) {
      await db
        .insertInto('serial_custom_values')
        .columns(['serial_id', 'field_id', 'value'])
        .expression((eb) =>
          eb
            .selectFrom('serials')
            .innerJoin('items', 'items.id', 'serials.item_id')
            .innerJoin('item_custom_defaults as d', 'd.item_id', 'serials.item_id')
            .innerJoin('custom_field_definitions as f', (j) =>
              j.onRef('f.id', '=', 'd.field_id').onRef('f.part_type_id', '=', 'items.part_type_id'),
            )
            .select(['serials.id', 'd.field_id', 'd.value'])
            .where('serials.item_id', '=', itemId)
            .where('serials.id', 'in', chunk)
            .where((w) =>
              w.not(
                w.exists(
                  w
                    .selectFrom('serial_custom_values as v')
                    .select(sql.lit(1).as('one'))
                    .whereRef('v.serial_id', '=', 'serials.id')
                    .whereRef('v.field_id', '=', 'd.field_id'),
                ),
              ),
            ),
        )
        .execute();
    }
  },

  listDefaults(db: Executor, itemId: number) {
    return db
      .selectFrom('item_custom_defaults')
      .select(['field_id', 'value'])
      .where('item_id', '=', itemId)
      .execute();
  },

  async upsertDefault(db: Executor, itemId: number, fieldId: number, value: string): Promise<void> {
    await db
      .insertInto('item_custom_defaults')
      .values({ item_id: itemId, field_id: fieldId, value })
      .onConflict((oc) => oc.columns(['item_id', 'field_id']).doUpdateSet({ value }))
      .execute();
  },

  async deleteDefault(db: Executor, itemId: number, fieldId: number): Promise<void> {
    await db
      .deleteFrom('item_custom_defaults')
      .where('item_id', '=', itemId)
      .where('field_id', '=', fieldId)
      .execute();
  },

  /**
   * Row-locks the serials (PostgreSQL; SQLite writers are serialised) and returns those of the item, so
   * values read next cannot change underneath a bulk edit.
   */
  async lockSerialsOfItem(db: Executor, itemId: number, serialIds: number[]): Promise<number[]> {
    const found: number[] = [];
    for (const chunk of chunks(serialIds)) {
      const rows = await db
        .updateTable('serials')
        .set((eb) => ({ version: eb.ref('version') }))
        .where('item_id', '=', itemId)
        .where('id', 'in', chunk)
        .returning('id')
        .execute();
      for (const r of rows) found.push(r.id);
    }
    return found;
  },

  /** Marks serials changed: a new version, so optimistic edits made from an older read get 409. */
  async touchSerials(db: Executor, serialIds: number[], at: string, userId: number | null): Promise<void> {
    for (const chunk of chunks(serialIds)) {
      await db
        .updateTable('serials')
        .set((eb) => ({ version: eb('version', '+', 1), updated_at: at, updated_by: userId }))
        .where('id', 'in', chunk)
        .execute();
    }
  },

  /** Optimistic form of touchSerials for one serial: applies only at `version`; returns whether it did. */
  async touchSerialIfVersion(
    db: Executor,
    serialId: number,
    version: number,
    at: string,
    userId: number,
  ): Promise<boolean> {
    const result = await db
      .updateTable('serials')
      .set({ version: version + 1, updated_at: at, updated_by: userId })
      .where('id', '=', serialId)
      .where('version', '=', version)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },
};
