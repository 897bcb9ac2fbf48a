import { z } from 'zod';
import { cursorQuery, limitQuery } from '../http/common.schemas.js';
import { SALE_STATUSES } from './sales.service.js';
import { RETURN_DISPOSITIONS } from './return-views.js';

const id = z.number().int().positive().max(2147483647);

export const saleSummarySchema = z
  .object({
    id: z.number(),
    number: z.string(),
    customerId: z.number(),
    customerName: z.string(),
    status: z.enum(SALE_STATUSES),
    saleDate: z.string().nullable(),
    notes: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'SaleSummary' });

const returnSerialSchema = z.object({
  id: z.number(),
  serialNumber: z.string(),
  itemId: z.number(),
  conditionNotes: z.string(),
  status: z.string().describe("The unit's status now"),
  statusLabel: z.string(),
  disposition: z
    .enum(RETURN_DISPOSITIONS)
    .nullable()
    .describe('What this return decided for the unit; null while it waits for a disposition'),
  awaitingDisposition: z
    .boolean()
    .describe('Still Returned on this return: Restock, Damaged or Scrapped can be given'),
});

const returnFields = {
  id: z.number(),
  number: z.string(),
  locationId: z.number(),
  locationCode: z.string(),
  at: z.string(),
  username: z.string(),
  notes: z.string(),
  serials: z.array(returnSerialSchema),
};

export const saleSchema = saleSummarySchema
  .extend({
    lines: z.array(
      z.object({
        id: z.number(),
        lineNo: z.number(),
        itemId: z.number(),
        itemSku: z.string(),
        itemName: z.string(),
        quantity: z.number(),
        locationId: z.number().nullable(),
        unitPrice: z.number(),
        serials: z.array(z.object({ id: z.number(), serialNumber: z.string(), status: z.string() })),
      }),
    ),
    returns: z
      .array(z.object(returnFields))
      .describe('Customer returns taken against this sale, oldest first'),
  })
  .meta({ id: 'Sale' });

export const createSaleBody = z.object({
  customerId: id,
  notes: z.string().max(5000).optional(),
  complete: z
    .boolean()
    .optional()
    .describe('Complete at once (Sold); otherwise the sale stays open with its serials Reserved'),
  lines: z
    .array(
      z.object({
        itemId: id,
        serialIds: z.array(id).max(10_000).optional(),
        serialNumbers: z.array(z.string().max(1000)).max(10_000).optional(),
        quantity: z
          .number()
          .int()
          .min(1)
          .max(1_000_000)
          .optional()
          .describe(
            'Items without serials: how many. Serialized items: optional, must equal the serials given',
          ),
        locationId: id.optional().describe('Items without serials: where the units leave from'),
        unitPrice: z.number().min(0).max(100_000_000).optional(),
      }),
    )
    .max(500),
});

export const listSalesQuery = z.object({
  status: z.enum(SALE_STATUSES).optional(),
  cursor: cursorQuery,
  limit: limitQuery,
});

export const returnSchema = z
  .object({ ...returnFields, saleId: z.number(), saleNumber: z.string(), customerName: z.string() })
  .meta({ id: 'CustomerReturn' });

export const createReturnBody = z.object({
  saleId: id,
  locationId: id,
  notes: z.string().max(5000).optional(),
  serials: z.array(z.object({ serialId: id, conditionNotes: z.string().max(5000).optional() })).max(10_000),
});

export const disposeReturnBody = z.object({
  serials: z
    .array(
      z.object({
        serialId: id,
        disposition: z
          .enum(RETURN_DISPOSITIONS)
          .describe('restock: In Stock; damaged: Damaged; scrapped: Scrapped and the quantity on hand drops'),
        note: z.string().max(5000).optional().describe("Why, kept in the serial's history"),
      }),
    )
    .max(10_000),
});
