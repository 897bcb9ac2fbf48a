import { z } from 'zod';
import { idSchema } from '../http/common.schemas.js';
import { labelSizeSchema } from './label-sizes.js';

const size = labelSizeSchema.optional().describe('Label size; the labelSize setting when left out');
const copies = z.number().int().min(1).max(20).default(1).describe('Labels per serial');

export const labelQuery = z.object({
  size,
  copies: z.coerce.number().int().min(1).max(20).default(1).describe('Labels per serial'),
});

export const labelsBody = z.object({
  // The real cap (5,000 labels, copies included) is checked by the service, with its own message.
  serialIds: z.array(idSchema).max(100_000).describe('Serials to print, in this order'),
  size,
  copies,
});

export const receiptRefParams = z.object({
  ref: z.string().trim().min(1).max(100).describe('The receipt id, or its number (RC-12)'),
});

export const labelSizesSchema = z
  .object({
    presets: z.array(z.object({ id: z.string(), label: z.string() })),
    defaultSize: z.string().describe('The labelSize setting'),
  })
  .meta({ id: 'LabelSizes' });

/**
 * The 200 answer of the label routes is a PDF, not JSON: `content` tells the OpenAPI document so. Fastify
 * sends a stream as it is, so this schema never serializes anything.
 */
export const labelsPdfResponse = z.any().meta({
  description: 'A PDF with one page per label, each page exactly the label size',
  content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
});
