import { z } from 'zod';
import { idSchema } from '../http/common.schemas.js';
import { SCAN_RESULTS } from './count-scan.js';

export const createCountBody = z.object({
  locationIds: z.array(idSchema).min(1).max(100).describe('The locations to count'),
  itemIds: z.array(idSchema).max(10_000).optional().describe('Count only these items (default: every item)'),
  note: z.string().max(1000).optional(),
});

export const scanBody = z.object({
  text: z
    .string()
    .min(1)
    .max(1000)
    .describe('What the scanner typed: a serial number, or a QR label payload ST1/<SKU>/<serial>'),
  locationId: idSchema
    .optional()
    .describe('Where the unit is (required when the count has several locations)'),
});

export const reconcileBody = z.object({
  misplaced: z.enum(['transfer', 'leave']),
  notFound: z.enum(['mark_missing', 'leave']),
  foundMissing: z.enum(['mark_found', 'leave']),
  addUnknown: z.array(z.object({ serialNumber: z.string().min(1).max(100), itemId: idSchema })).max(10_000),
  quantity: z.enum(['set_to_counted', 'leave']),
});

export const markFoundBody = z.object({ locationId: idSchema });

const locationRef = z.object({ id: z.number(), code: z.string(), name: z.string() });

const reconcileResultSchema = z.object({
  transfers: z.array(z.string()),
  markedMissing: z.number(),
  markedFound: z.number(),
  added: z.number(),
  adjustments: z.array(
    z.object({ number: z.string(), sku: z.string(), locationCode: z.string(), delta: z.number() }),
  ),
  skipped: z.array(
    z.object({ serialNumber: z.string(), sku: z.string().nullable(), code: z.string(), reason: z.string() }),
  ),
  skippedTotal: z.number(),
});

export const countSchema = z
  .object({
    id: z.number(),
    number: z.string(),
    status: z.enum(['open', 'closed']),
    note: z.string(),
    allItems: z.boolean(),
    locations: z.array(locationRef),
    items: z.array(z.object({ id: z.number(), sku: z.string(), name: z.string() })),
    createdAt: z.string(),
    createdBy: z.string(),
    closedAt: z.string().nullable(),
    closedBy: z.string().nullable(),
    result: reconcileResultSchema.nullable(),
  })
  .meta({ id: 'Count' });

export const countDetailSchema = countSchema
  .extend({
    tallies: z.object({
      scans: z.number(),
      expected: z.number(),
      foundExpected: z.number(),
      misplaced: z.number(),
      foundMissing: z.number(),
      notInStock: z.number(),
      notInCount: z.number(),
      unknown: z.number(),
    }),
    recentScans: z.array(
      z.object({
        id: z.number(),
        text: z.string(),
        result: z.enum(SCAN_RESULTS),
        at: z.string(),
        username: z.string(),
        locationCode: z.string(),
      }),
    ),
  })
  .meta({ id: 'CountDetail' });

export const scanResultSchema = z
  .object({
    result: z.enum(SCAN_RESULTS),
    good: z.boolean().describe('A result the person counting is glad of (expected, a Missing unit found)'),
    message: z.string(),
    serialNumber: z.string(),
    serial: z
      .object({
        id: z.number(),
        itemId: z.number(),
        sku: z.string(),
        status: z.string(),
        locationId: z.number(),
        locationCode: z.string(),
      })
      .nullable(),
    locationId: z.number(),
    locationCode: z.string(),
    at: z.string(),
  })
  .meta({ id: 'CountScanResult' });

const reviewSerial = z.object({
  serialId: z.number().nullable(),
  serialNumber: z.string(),
  sku: z.string().nullable(),
  recordedLocationCode: z.string().nullable(),
  foundLocationCode: z.string().nullable(),
  status: z.string().nullable(),
  result: z.string(),
  username: z.string().nullable(),
  at: z.string().nullable(),
});
const reviewList = z.object({ total: z.number(), serials: z.array(reviewSerial) });

export const reviewSchema = z
  .object({
    count: countSchema,
    lines: z.array(
      z.object({
        itemId: z.number(),
        sku: z.string(),
        locationId: z.number(),
        locationCode: z.string(),
        expected: z.number(),
        found: z.number(),
        missing: z.number(),
        misplaced: z.number(),
        quantityOnHand: z.number(),
        difference: z.number(),
      }),
    ),
    missing: reviewList,
    misplaced: reviewList,
    unexpected: reviewList,
    foundMissing: reviewList,
    unknown: reviewList,
  })
  .meta({ id: 'CountReview' });

export const countPdfResponse = z.any().meta({
  description: 'The review as a PDF report',
  content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
});
