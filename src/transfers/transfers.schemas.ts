import { z } from 'zod';
import { idSchema } from '../http/common.schemas.js';

/** The most serials one transfer document moves. */
export const MAX_TRANSFER_SERIALS = 10_000;

export const transferSchema = z
  .object({
    id: z.number(),
    number: z.string(),
    at: z.string(),
    userId: z.number(),
    username: z.string(),
    fromLocationId: z.number(),
    fromLocationCode: z.string(),
    toLocationId: z.number(),
    toLocationCode: z.string(),
    note: z.string(),
  })
  .meta({ id: 'Transfer' });

export const transferDetailSchema = transferSchema
  .extend({
    serials: z.array(
      z.object({ id: z.number(), serialNumber: z.string(), itemId: z.number(), itemSku: z.string() }),
    ),
  })
  .meta({ id: 'TransferDetail' });

/** What the multi-source form answers: one transfer per source location, in the order they were numbered. */
export const transferBatchSchema = z
  .object({
    transfers: z
      .array(transferDetailSchema)
      .describe('One transfer document per source location, each holding the serials that left it.'),
  })
  .meta({ id: 'TransferBatch' });

export const createTransferBody = z.object({
  fromLocationId: idSchema
    .optional()
    .describe(
      'Where every serial is now; the answer is one TransferDetail. Leave it out to move serials from ' +
        'wherever each one is: one transfer per source location, all or nothing, answered as a TransferBatch.',
    ),
  toLocationId: idSchema,
  serialIds: z.array(idSchema).max(MAX_TRANSFER_SERIALS),
  note: z.string().max(1000).optional(),
});
