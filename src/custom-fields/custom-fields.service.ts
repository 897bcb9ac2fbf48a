import type { Db } from '../db/database.js';
import { conflict, invalid, notFound, type FieldError } from '../shared/errors.js';
import { isUniqueViolation } from '../shared/db-errors.js';
import { nowIso } from '../shared/time.js';
import { partTypesRepository } from '../part-types/part-types.repository.js';
import { MAX_TEXT_VALUE, type CustomFieldType } from './custom-field-values.js';
import { customFieldsRepository } from './custom-fields.repository.js';
import { toCustomFieldView, type CustomFieldView } from './custom-field-ledger.js';

export interface CustomFieldInput {
  name: string;
  type: CustomFieldType;
  required?: boolean | undefined;
  choices?: string[] | null | undefined;
}

const MAX_FIELDS_PER_PART_TYPE = 100;

function isForeignKeyViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}

const nameTaken = (name: string) =>
  conflict('CUSTOM_FIELD_NAME_TAKEN', `This part type already has a custom field named "${name}".`, [
    { field: 'name', code: 'taken', message: 'Already taken' },
  ]);

/** Choices are required for a choice list, distinct and trimmed; other types take none. */
function checkChoices(type: CustomFieldType, choices: string[] | null | undefined): string[] | null {
  if (type !== 'choice') {
    if (choices && choices.length > 0) {
      throw invalid('CHOICES_NOT_ALLOWED', `Only a choice list has choices; this field is ${type}.`, [
        { field: 'choices', code: 'not_allowed', message: 'Only for type choice' },
      ]);
    }
    return null;
  }
  const list = (choices ?? []).map((c) => c.trim());
  const errors: FieldError[] = [];
  if (list.length === 0)
    errors.push({ field: 'choices', code: 'required', message: 'Enter at least one choice' });
  const seen = new Set<string>();
  list.forEach((c, i) => {
    if (c === '') errors.push({ field: `choices[${i}]`, code: 'empty', message: 'A choice cannot be empty' });
    else if (seen.has(c))
      errors.push({ field: `choices[${i}]`, code: 'duplicate', message: `"${c}" is listed twice` });
    else if (c.length > MAX_TEXT_VALUE)
      errors.push({
        field: `choices[${i}]`,
        code: 'too_long',
        message: 'A choice is limited to 1000 characters',
      });
    seen.add(c);
  });
  if (errors.length > 0) throw invalid('INVALID_CHOICES', 'Fix the choices of this choice list.', errors);
  return list;
}

/** Custom fields per part type: define, rename, retype, reorder, delete. */
export function createCustomFieldsService(db: Db) {
  async function requirePartType(partTypeId: number) {
    const pt = await partTypesRepository.findById(db, partTypeId);
    if (!pt) throw notFound('Part type', partTypeId);
    return pt;
  }

  async function requireField(partTypeId: number, fieldId: number) {
    const row = await customFieldsRepository.findDefinition(db, fieldId);
    if (row?.part_type_id !== partTypeId) throw notFound('Custom field', fieldId);
    return toCustomFieldView(row);
  }

  const service = {
    async list(partTypeId: number): Promise<CustomFieldView[]> {
      await requirePartType(partTypeId);
      return (await customFieldsRepository.listDefinitions(db, partTypeId)).map(toCustomFieldView);
    },

    async create(partTypeId: number, input: CustomFieldInput): Promise<CustomFieldView> {
      await requirePartType(partTypeId);
      const choices = checkChoices(input.type, input.choices);
      try {
        const id = await db.transaction().execute(async (tx) => {
          const position = await customFieldsRepository.nextPosition(tx, partTypeId);
          if (position > MAX_FIELDS_PER_PART_TYPE) {
            throw invalid(
              'TOO_MANY_FIELDS',
              `A part type can have at most ${MAX_FIELDS_PER_PART_TYPE} custom fields.`,
            );
          }
          return customFieldsRepository.insertDefinition(tx, {
            partTypeId,
            name: input.name,
            type: input.type,
            required: input.required ?? false,
            position,
            choices,
            at: nowIso(),
          });
        });
        return await requireField(partTypeId, id);
      } catch (err) {
        if (isUniqueViolation(err)) throw nameTaken(input.name);
        throw err;
      }
    },

    /**
     * Renaming and required on/off are always allowed (required applies from the next edit on). Changing
     * the type, or dropping a choice, is refused while stored values would no longer fit: values are never
     * silently converted or lost. Clear them first (bulk action) or keep the field.
     */
    async update(
      partTypeId: number,
      fieldId: number,
      patch: Partial<CustomFieldInput>,
    ): Promise<CustomFieldView> {
      const current = await requireField(partTypeId, fieldId);
      const type = patch.type ?? current.type;
      const choicesGiven = patch.choices !== undefined || patch.type !== undefined;
      const choices = choicesGiven
        ? checkChoices(type, patch.choices ?? (type === current.type ? current.choices : null))
        : undefined;
      try {
        await db.transaction().execute(async (tx) => {
          if (type !== current.type) {
            const [serials, defaults] = await Promise.all([
              customFieldsRepository.countSerialValues(tx, fieldId),
              customFieldsRepository.countDefaultValues(tx, fieldId),
            ]);
            if (serials + defaults > 0) {
              throw conflict(
                'CUSTOM_FIELD_IN_USE',
                `"${current.name}" holds values (${serials} serial(s), ${defaults} Default Serial Q&A answer(s)); its type cannot change. Clear those values first or add a new field.`,
                [{ field: 'type', code: 'in_use', message: 'The field has values' }],
              );
            }
          } else if (type === 'choice' && choices) {
            const outside = await customFieldsRepository.valuesOutside(tx, fieldId, choices);
            const used = [...outside.serials, ...outside.defaults];
            if (used.length > 0) {
              const names = [...new Set(used.map((u) => u.value))];
              throw conflict(
                'CHOICE_IN_USE',
                `Choice(s) ${names.map((n) => `"${n}"`).join(', ')} are in use and cannot be removed. Change those values first.`,
                names.map((n) => ({ field: 'choices', code: 'in_use', message: `"${n}" is in use` })),
              );
            }
          }
          await customFieldsRepository.updateDefinition(tx, fieldId, {
            name: patch.name,
            type: patch.type,
            required: patch.required,
            choices,
            at: nowIso(),
          });
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw nameTaken(patch.name ?? '');
        throw err;
      }
      return requireField(partTypeId, fieldId);
    },

    /** Sets the order of all of a part type's fields at once. */
    async reorder(partTypeId: number, fieldIds: number[]): Promise<CustomFieldView[]> {
      const fields = await service.list(partTypeId);
      const given = new Set(fieldIds);
      if (
        given.size !== fieldIds.length ||
        fields.length !== fieldIds.length ||
        fields.some((f) => !given.has(f.id))
      ) {
        throw invalid(
          'BAD_FIELD_ORDER',
          'List every custom field of this part type exactly once, in the new order.',
          [
            {
              field: 'fieldIds',
              code: 'mismatch',
              message: `Expected the ids ${fields.map((f) => f.id).join(', ')}`,
            },
          ],
        );
      }
      await db.transaction().execute((tx) => customFieldsRepository.setPositions(tx, fieldIds, nowIso()));
      return service.list(partTypeId);
    },

    /**
     * Deletes a field that no serial has a value for (with the Default Serial Q&A answers for it, which
     * only describe future serials). A field with serial values is refused: those values are history.
     */
    async remove(partTypeId: number, fieldId: number): Promise<void> {
      const field = await requireField(partTypeId, fieldId);
      const inUse = (n: number | null) =>
        conflict(
          'CUSTOM_FIELD_IN_USE',
          `${n === null ? 'Serials now' : `${n} serial(s)`} have a value for "${field.name}", so it cannot be deleted. Clear those values first.`,
        );
      try {
        await db.transaction().execute(async (tx) => {
          const n = await customFieldsRepository.countSerialValues(tx, fieldId);
          if (n > 0) throw inUse(n);
          await customFieldsRepository.deleteDefinition(tx, fieldId);
        });
      } catch (err) {
        // A value written concurrently, after the count: the foreign key refuses the delete.
        if (isForeignKeyViolation(err)) throw inUse(null);
        throw err;
      }
    },
  };
  return service;
}

export type CustomFieldsService = ReturnType<typeof createCustomFieldsService>;
