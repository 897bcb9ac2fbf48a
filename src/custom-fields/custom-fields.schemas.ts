import { z } from 'zod';
import { idFromText, idSchema, text } from '../http/common.schemas.js';
import { CUSTOM_FIELD_TYPES } from './custom-field-values.js';

export const customFieldSchema = z
  .object({
    id: z.number(),
    partTypeId: z.number(),
    name: z.string(),
    type: z.enum(CUSTOM_FIELD_TYPES).describe('boolean is shown as yes/no; choice is a choice list'),
    required: z.boolean(),
    position: z.number().describe('Order of the field, 1 first'),
    choices: z.array(z.string()).nullable().describe('The allowed values of a choice list; null otherwise'),
  })
  .meta({ id: 'CustomField' });

export const customFieldValueSchema = customFieldSchema
  .extend({
    value: z
      .string()
      .nullable()
      .describe(
        'Canonical text: number as a decimal, date YYYY-MM-DD, boolean true/false, choice as defined; null = no value',
      ),
  })
  .meta({ id: 'CustomFieldValue' });

export const partTypeFieldParams = z.object({ id: idFromText, fieldId: idFromText });

const choicesInput = z.array(z.string().max(1000)).max(200);

export const createCustomFieldBody = z.object({
  name: text(100),
  type: z.enum(CUSTOM_FIELD_TYPES),
  required: z.boolean().optional(),
  choices: choicesInput.nullable().optional().describe('Required for type choice'),
});

export const updateCustomFieldBody = z.object({
  name: text(100).optional(),
  type: z.enum(CUSTOM_FIELD_TYPES).optional().describe('Refused (409) while the field holds values'),
  required: z.boolean().optional(),
  choices: choicesInput
    .nullable()
    .optional()
    .describe('For a choice list; removing a choice that is in use is refused (409)'),
});

export const reorderCustomFieldsBody = z.object({
  fieldIds: z.array(idSchema).max(100).describe('Every field of the part type, once, in the new order'),
});

export const customFieldListSchema = z.object({ fields: z.array(customFieldSchema) });

/** Values keyed by custom field id; null or '' clears a value, fields not named stay as they are. */
const valuesInput = z
  .record(
    z.string().regex(/^\d{1,10}$/, 'Use the custom field id as the key'),
    z.string().max(1000).nullable(),
  )
  .refine((v) => Object.keys(v).length <= 100, 'At most 100 fields at once')
  .describe('Custom field id → value as typed (e.g. "1,234.5", "yes", "2026-03-14"); null or "" clears');

export const setSerialValuesBody = z.object({
  values: valuesInput,
  version: z.number().int().positive().optional().describe("The serial's version from the last read"),
});

export const serialCustomFieldsSchema = z
  .object({
    serialId: z.number(),
    serialNumber: z.string(),
    itemId: z.number(),
    partTypeId: z.number().nullable(),
    version: z.number(),
    fields: z.array(customFieldValueSchema).describe('Empty when the part type has no custom fields'),
  })
  .meta({ id: 'SerialCustomFields' });

export const setDefaultsBody = z.object({ values: valuesInput });

export const itemDefaultsSchema = z
  .object({
    itemId: z.number(),
    partTypeId: z.number().nullable(),
    fields: z.array(customFieldValueSchema),
  })
  .meta({ id: 'DefaultSerialQA' });

export const bulkSetBody = z.object({
  serialIds: z.array(idSchema).min(1).max(10_000),
  fieldId: idSchema,
  value: z.string().max(1000).nullable().describe('As typed; null or "" clears'),
});

export const bulkSetResultSchema = z.object({
  changed: z.number().describe('Serials whose value changed (one history row each)'),
  unchanged: z.number().describe('Serials that already had this value'),
});
