import { z } from 'zod';
import { cursorQuery, idFromText, idSchema, limitQuery, text } from '../http/common.schemas.js';

/** The largest change one stock adjustment makes, either way. */
export const MAX_ADJUSTMENT = 1_000_000;

export const itemSchema = z
  .object({
    id: z.number(),
    sku: z.string(),
    name: z.string(),
    description: z.string(),
    partTypeId: z.number().nullable(),
    primaryLocationId: z.number().nullable(),
    warrantyMonths: z.number().describe('0 = no warranty'),
    serialPattern: z.string().nullable(),
    trackSerials: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Item' });

const itemFields = {
  sku: text(100),
  name: text(300),
  description: z.string().trim().max(5000).optional(),
  partTypeId: idSchema.nullable().optional(),
  primaryLocationId: idSchema.nullable().optional(),
  warrantyMonths: z.number().int().min(0).max(1200).optional(),
  serialPattern: z
    .string()
    .trim()
    .max(100)
    .regex(/\{#+\}/, 'A serial pattern needs a counter like {#####}, e.g. SN-{#####}')
    .nullable()
    .optional(),
  trackSerials: z.boolean().optional(),
};

export const createItemBody = z.object(itemFields);
export const updateItemBody = z.object({
  ...itemFields,
  sku: itemFields.sku.optional(),
  name: itemFields.name.optional(),
  confirmHideSerials: z
    .boolean()
    .optional()
    .describe('Confirms turning Track Serials off under the "hide" setting'),
});

export const trackSerialsBody = z.object({
  trackSerials: z.boolean(),
  confirmHideSerials: z
    .boolean()
    .optional()
    .describe('Confirms turning Track Serials off under the "hide" setting'),
});

export const listItemsQuery = z.object({
  q: z.string().trim().max(200).optional(),
  cursor: cursorQuery,
  limit: limitQuery,
});

export const stockSummarySchema = z
  .object({
    itemId: z.number(),
    trackSerials: z.boolean(),
    quantityOnHand: z.number(),
    serialsPresent: z.number(),
    mismatch: z.number().describe('quantityOnHand − serialsPresent; 0 when they agree'),
    locations: z.array(
      z.object({
        locationId: z.number(),
        locationCode: z.string(),
        quantityOnHand: z.number(),
        serialsPresent: z.number(),
        mismatch: z.number(),
      }),
    ),
  })
  .meta({ id: 'StockSummary' });

export const adjustmentSchema = z
  .object({
    id: z.number(),
    number: z.string(),
    itemId: z.number(),
    locationId: z.number(),
    locationCode: z.string(),
    delta: z.number(),
    reason: z.string(),
    userId: z.number(),
    username: z.string(),
    at: z.string(),
  })
  .meta({ id: 'StockAdjustment' });

export const createAdjustmentBody = z.object({
  itemId: idSchema,
  locationId: idSchema,
  delta: z
    .number()
    .int()
    .min(-MAX_ADJUSTMENT)
    .max(MAX_ADJUSTMENT)
    .describe('Units to add (positive) or remove (negative)'),
  reason: z.string().max(500),
});

export const listAdjustmentsQuery = z.object({
  itemId: idFromText.optional(),
  cursor: cursorQuery,
  limit: limitQuery,
});

export const searchItemsQuery = z.object({
  q: z.string().trim().max(200).default('').describe('SKU or name starting with this text, ignoring case'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const ITEM_LIST_SORTS = ['sku', 'name', 'quantityOnHand', 'serialsPresent', 'mismatch'] as const;

export const listItemStockQuery = z.object({
  q: z.string().trim().max(200).optional().describe('SKU or name starting with this text, ignoring case'),
  mismatch: z
    .enum(['true', 'false'])
    .default('false')
    .describe('true: only the items whose serials do not match their quantity on hand'),
  sort: z.enum(ITEM_LIST_SORTS).default('sku'),
  dir: z.enum(['asc', 'desc']).default('asc'),
  cursor: cursorQuery,
  limit: limitQuery,
});

export const itemStockRowSchema = z
  .object({
    id: z.number(),
    sku: z.string(),
    name: z.string(),
    partTypeId: z.number().nullable(),
    primaryLocationId: z.number().nullable(),
    trackSerials: z.boolean(),
    quantityOnHand: z.number(),
    serialsPresent: z.number().nullable().describe('null when the item does not track serials'),
    mismatch: z
      .number()
      .describe('quantityOnHand − serialsPresent; 0 when they agree or serials are not tracked'),
  })
  .meta({ id: 'ItemStockRow' });
