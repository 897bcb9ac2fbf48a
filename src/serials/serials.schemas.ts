import { z } from 'zod';
import { cursorQuery, idSchema, limitQuery } from '../http/common.schemas.js';
import { SERIAL_STATUSES } from './serial-status.js';
import { customFieldValueSchema } from '../custom-fields/custom-fields.schemas.js';

const documentRef = z.object({ type: z.string(), number: z.string().nullable() });

export const serialSchema = z
  .object({
    id: z.number(),
    itemId: z.number(),
    serialNumber: z.string(),
    status: z.enum(SERIAL_STATUSES),
    statusLabel: z.string(),
    statusColor: z.string(),
    locationId: z.number(),
    locationCode: z.string(),
    customerId: z.number().nullable(),
    customerName: z.string().nullable(),
    warrantyEndDate: z.string().nullable(),
    warrantyStatus: z.enum(['under_warranty', 'expired', 'no_warranty']),
    dateReceived: z.string(),
    conditionNotes: z.string(),
    source: documentRef.describe('The document that created the serial'),
    usedOn: documentRef.nullable().describe('The most recent document that used the serial'),
    version: z.number().describe('Send back as `version` to make an edit conditional'),
    createdAt: z.string(),
    createdBy: z.number().nullable(),
    updatedAt: z.string(),
    updatedBy: z.number().nullable(),
    customValues: z
      .record(z.string(), z.string())
      .optional()
      .describe('Custom field id → value; in the serial list only with `fields=1`'),
  })
  .meta({ id: 'Serial' });

export const serialEventSchema = z
  .object({
    id: z.number(),
    kind: z.string().describe('created, status_changed, notes_changed, transferred, …'),
    at: z.string(),
    userId: z.number().nullable(),
    username: z.string().nullable(),
    document: documentRef.nullable(),
    fromLocationId: z.number().nullable(),
    fromLocationCode: z.string().nullable(),
    toLocationId: z.number().nullable(),
    toLocationCode: z.string().nullable(),
    fromStatus: z.string().nullable(),
    toStatus: z.string().nullable(),
    customerId: z.number().nullable(),
    customerName: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'SerialEvent' });

export const serialDetailSchema = z
  .object({
    serial: serialSchema,
    item: z.object({
      id: z.number(),
      sku: z.string(),
      name: z.string(),
      warrantyMonths: z.number(),
      trackSerials: z.boolean(),
    }),
    history: z.array(serialEventSchema),
    customFields: z
      .array(customFieldValueSchema)
      .describe("The custom fields of the item's part type with this serial's values"),
  })
  .meta({ id: 'SerialDetail' });

const statusCounts = z.object(
  Object.fromEntries(SERIAL_STATUSES.map((s) => [s, z.number()])) as Record<
    (typeof SERIAL_STATUSES)[number],
    z.ZodNumber
  >,
);

export const serialPageSchema = z
  .object({
    serials: z.array(serialSchema),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
    counts: z.object({ total: z.number(), byStatus: statusCounts }),
  })
  .meta({ id: 'SerialPage' });

// Loose: `cf.<fieldId>=value` parameters (custom field filters) pass through to the route.
export const listSerialsQuery = z.looseObject({
  status: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) =>
      v === undefined
        ? undefined
        : (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean),
    )
    .describe('One status or a comma-separated list'),
  locationId: z.coerce.number().int().positive().optional(),
  q: z.string().max(100).optional().describe('Serial numbers starting with this text (case-sensitive)'),
  warrantyExpiringWithinDays: z.coerce
    .number()
    .int()
    .min(0)
    .max(3650)
    .optional()
    .describe('Only serials whose warranty ends between today and today + N days'),
  sort: z.enum(['serialNumber', 'dateReceived', 'status']).default('serialNumber'),
  direction: z.enum(['asc', 'desc']).default('asc'),
  cursor: cursorQuery,
  limit: limitQuery,
  fields: z
    .enum(['0', '1'])
    .optional()
    .describe(
      "1 adds each serial's custom values (`customValues`). Filter by a custom field with `cf.<fieldId>=value` (exact match; empty = no value)",
    ),
});

/** The `cf.<fieldId>=value` filters of a serial list query, keyed by field id. */
export function customFieldFiltersOf(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    const m = /^cf\.(\d{1,10})$/.exec(key);
    if (m) out[m[1]!] = typeof value === 'string' ? value : String(value);
  }
  return out;
}

export const addSerialsBody = z.object({
  serials: z
    .array(
      z.object({
        serialNumber: z.string().max(1000),
        locationId: idSchema.optional().describe("Defaults to the item's primary location"),
        conditionNotes: z.string().max(5000).optional(),
        customValues: z
          .record(z.string().regex(/^\d{1,10}$/, 'Use the custom field id as the key'), z.string().max(1000))
          .optional()
          .describe("Custom field id → value as typed; these win over the item's Default Serial Q&A"),
      }),
    )
    .max(10_000)
    .describe('All are created or none is'),
});

export const addSerialsFromExpressionBody = z.object({
  expression: z
    .string()
    .max(1_000_000)
    .describe('Serials as typed: a list, ranges A..B or A - B, S+N, S+ (with quantity), ~ (README grammar)'),
  quantity: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .optional()
    .describe('The number of serials the user confirmed; another count is refused. Needed for S+'),
  locationId: idSchema.optional().describe("Defaults to the item's primary location"),
  conditionNotes: z.string().max(5000).optional(),
});

export const updateSerialBody = z.object({
  conditionNotes: z.string().max(5000).optional(),
  status: z.string().optional(),
  note: z.string().max(1000).optional().describe('Why the status changes; kept in the history row'),
  warrantyEndDate: z
    .string()
    .nullable()
    .optional()
    .describe('Correct the warranty end date (YYYY-MM-DD, null = none)'),
  version: z.number().int().positive().optional(),
});

export const lookupQuery = z.object({
  // Room for a label's QR payload (labels/label-payload.ts): SKU and serial, percent-encoded.
  q: z.string().max(2000),
  mode: z.enum(['exact', 'prefix']).default('exact'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const lookupResultSchema = z.object({
  matches: z.array(
    z.object({
      id: z.number(),
      serialNumber: z.string(),
      status: z.string(),
      statusLabel: z.string(),
      itemId: z.number(),
      itemSku: z.string(),
      itemName: z.string(),
      itemTracksSerials: z.boolean(),
      locationCode: z.string(),
      renumberedFrom: z
        .string()
        .nullable()
        .describe('Set when the serial matched by a number it had before it was renumbered'),
    }),
  ),
});

export const voidReason = z
  .string()
  .trim()
  .min(1, 'Say why the serial is voided (kept in its history), e.g. "Entered in error".')
  .max(1000);

export const voidSerialsBody = z.object({
  serialIds: z.array(idSchema).min(1).max(10_000),
  reason: voidReason,
});

export const voidSerialBody = z.object({
  reason: voidReason,
  version: z.number().int().positive().optional(),
});

export const voidResultSchema = z.object({
  voided: z.number(),
  batch: z.string().describe('One id shared by every history row of this void'),
  serials: z.array(z.object({ id: z.number(), serialNumber: z.string() })),
});

export const renumberSerialBody = z.object({
  serialNumber: z.string().max(1000),
  reason: z.string().max(1000).optional().describe('Why; kept in the history row'),
  version: z.number().int().positive().optional(),
});

export const statusesSchema = z.object({
  statuses: z.array(
    z.object({
      status: z.string(),
      label: z.string(),
      color: z.string(),
      present: z.boolean(),
      movable: z.boolean(),
      next: z.array(z.string()),
      manualNext: z.array(z.string()).describe('Moves a user may make by hand; the rest belong to documents'),
    }),
  ),
});

export const nextSerialsBody = z.object({
  count: z.number().int().min(1).max(10_000),
  locationId: z.number().int().positive().max(2147483647).optional(),
  conditionNotes: z.string().max(5000).optional(),
});
