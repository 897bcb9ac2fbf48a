import { z } from 'zod';
import { cursorQuery, idFromText, limitQuery } from '../http/common.schemas.js';
import { PO_STATUSES } from './purchasing.service.js';

const id = z.number().int().positive().max(2147483647);

export const purchaseOrderSummarySchema = z
  .object({
    id: z.number(),
    number: z.string(),
    supplierId: z.number(),
    supplierName: z.string(),
    status: z.enum(PO_STATUSES),
    notes: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'PurchaseOrderSummary' });

export const purchaseOrderSchema = purchaseOrderSummarySchema
  .extend({
    lines: z.array(
      z.object({
        id: z.number(),
        lineNo: z.number(),
        itemId: z.number(),
        itemSku: z.string(),
        itemName: z.string(),
        trackSerials: z.boolean(),
        quantityOrdered: z.number(),
        quantityReceived: z.number(),
        unitCost: z.number(),
      }),
    ),
    receipts: z.array(
      z.object({
        id: z.number(),
        number: z.string(),
        at: z.string(),
        username: z.string(),
        lines: z.array(
          z.object({
            lineId: z.number(),
            locationId: z.number(),
            locationCode: z.string(),
            quantity: z.number(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'PurchaseOrder' });

const orderLines = z
  .array(
    z.object({
      itemId: id,
      quantityOrdered: z.number().int().min(1).max(1_000_000),
      unitCost: z.number().min(0).max(100_000_000).optional(),
    }),
  )
  .max(1000);

export const createPurchaseOrderBody = z.object({
  supplierId: id,
  notes: z.string().max(5000).optional(),
  status: z.enum(['draft', 'open']).optional().describe('Default open'),
  lines: orderLines,
});

export const updatePurchaseOrderBody = z.object({
  status: z.enum(PO_STATUSES).optional(),
  notes: z.string().max(5000).optional(),
  lines: orderLines.optional().describe('Replaces every line; only while the order is a draft'),
});

export const listPurchaseOrdersQuery = z.object({
  status: z.enum(PO_STATUSES).optional(),
  supplierId: idFromText.optional().describe("Only this supplier's purchase orders"),
  cursor: cursorQuery,
  limit: limitQuery,
});

export const receiveBody = z.object({
  lines: z
    .array(
      z.object({
        lineId: id,
        allocations: z
          .array(
            z.object({
              locationId: id,
              quantity: z.number().int().min(1).max(100_000),
              serials: z.array(z.string().max(1000)).max(100_000).optional().describe('One serial per unit'),
              autoNumber: z.boolean().optional().describe("Number the units from the item's serial pattern"),
              serialExpression: z
                .string()
                .max(1_000_000)
                .optional()
                .describe(
                  'Or an expression making one serial per unit (README grammar); `~` continues from the latest serial when the receipt is written',
                ),
            }),
          )
          .max(100),
      }),
    )
    .max(1000),
});

export const receiptResultSchema = z.object({
  receipt: z.object({ id: z.number(), number: z.string() }),
  serials: z.array(
    z.object({ id: z.number(), serialNumber: z.string(), itemId: z.number(), locationId: z.number() }),
  ),
  purchaseOrder: purchaseOrderSchema,
});
