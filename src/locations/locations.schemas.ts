import { z } from 'zod';

export const locationSchema = z
  .object({ id: z.number(), code: z.string(), name: z.string(), active: z.boolean() })
  .meta({ id: 'Location' });
// Codes are printed on shelf labels and typed at the counter: one word, e.g. R1-1A.
const code = z
  .string()
  .trim()
  .min(1, 'Enter a location code, e.g. R1-1A')
  .max(50, 'A location code is at most 50 characters')
  .regex(/^[^\s]+$/, 'A location code has no spaces, e.g. R1-1A');
export const createLocationBody = z.object({ code, name: z.string().trim().max(200).optional() });
export const updateLocationBody = z.object({
  code: code.optional(),
  name: z.string().trim().min(1, 'Enter a location name').max(200).optional(),
  active: z.boolean().optional(),
});
export const listLocationsQuery = z.object({ includeInactive: z.enum(['true', 'false']).default('false') });
export const searchLocationsQuery = z.object({
  q: z.string().trim().max(200).default('').describe('Code or name starting with this text, ignoring case'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
