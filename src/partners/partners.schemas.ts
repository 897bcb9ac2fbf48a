import { z } from 'zod';
import { cursorQuery, limitQuery } from '../http/common.schemas.js';

export const partnerSchema = z
  .object({ id: z.number(), name: z.string(), contact: z.string(), notes: z.string() })
  .meta({ id: 'Partner' });
export const createPartnerBody = z.object({
  // The message reaches the user as typed here: the forms show the server's words.
  name: z.string().trim().min(1, 'Enter a name.').max(200, 'Use at most 200 characters for the name.'),
  contact: z.string().trim().max(500).optional(),
  notes: z.string().trim().max(5000).optional(),
});
export const updatePartnerBody = createPartnerBody.partial();
export const listPartnersQuery = z.object({
  q: z.string().trim().max(200).optional().describe('Name or contact containing this text, ignoring case'),
  cursor: cursorQuery,
  limit: limitQuery,
});
