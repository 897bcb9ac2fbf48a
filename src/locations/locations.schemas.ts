import { z } from 'zod';
import { text } from '../http/common.schemas.js';

export const locationSchema = z
  .object({ id: z.number(), code: z.string(), name: z.string(), active: z.boolean() })
  .meta({ id: 'Location' });
const code = text(50).regex(/^[^\s]+$/, 'A location code has no spaces, e.g. R1-1A');
export const createLocationBody = z.object({ code, name: z.string().trim().max(200).optional() });
export const updateLocationBody = z.object({
  code: code.optional(),
  name: text(200).optional(),
  active: z.boolean().optional(),
});
export const listLocationsQuery = z.object({ includeInactive: z.enum(['true', 'false']).default('false') });
