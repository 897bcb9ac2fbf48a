import { z } from 'zod';
import { cursorQuery, limitQuery } from '../http/common.schemas.js';
import { SERIAL_STATUSES } from '../serials/serial-status.js';

export const partnerSchema = z
  .object({ id: z.number(), name: z.string(), contact: z.string(), notes: z.string() })
  .meta({ id: 'Partner' });
export const createPartnerBody = z.object({
  // The message reaches the user as typed here: the forms show the server's words.
  name: z.string().trim().min(1, 'Enter a name.').max(200, 'Use at most 200 characters for the name.'),
  contact: z.string().trim().max(500).optional(),
  notes: z.string().trim().max(5000).optional(),
});
export const createPartnerWithCheckBody = createPartnerBody.extend({
  allowDuplicateName: z
    .boolean()
    .optional()
    .describe(
      'Create it even though a partner with the same name (ignoring case and spaces) exists; without it that answers 409 DUPLICATE_NAME',
    ),
});
export const updatePartnerBody = createPartnerBody.partial();
export const searchPartnersQuery = z.object({
  q: z
    .string()
    .trim()
    .max(200)
    .default('')
    .describe('Name starting with this text, ignoring case and spaces'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export const listPartnersQuery = z.object({
  q: z.string().trim().max(200).optional().describe('Name or contact containing this text, ignoring case'),
  cursor: cursorQuery,
  limit: limitQuery,
});

export const customerSerialsQuery = z.object({
  cursor: cursorQuery,
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const customerSerialSchema = z
  .object({
    id: z.number(),
    serialNumber: z.string(),
    itemId: z.number(),
    itemSku: z.string(),
    itemName: z.string(),
    status: z.enum(SERIAL_STATUSES),
    statusLabel: z.string(),
    statusColor: z.string(),
    warrantyEndDate: z.string().nullable(),
    warrantyStatus: z.enum(['under_warranty', 'expired', 'no_warranty']),
    usedOn: z
      .object({ type: z.string(), number: z.string().nullable() })
      .nullable()
      .describe('The most recent document that used the serial: the sale, or a later return'),
    locationId: z.number(),
    locationCode: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'CustomerSerial' });
export const customerSerialPageSchema = z
  .object({
    serials: z.array(customerSerialSchema),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  })
  .meta({ id: 'CustomerSerialPage' });
