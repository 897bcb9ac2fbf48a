import { z } from 'zod';
import { cursorQuery, limitQuery, text } from '../http/common.schemas.js';

export const partnerSchema = z
  .object({ id: z.number(), name: z.string(), contact: z.string(), notes: z.string() })
  .meta({ id: 'Partner' });
export const createPartnerBody = z.object({
  name: text(200),
  contact: z.string().trim().max(500).optional(),
  notes: z.string().trim().max(5000).optional(),
});
export const updatePartnerBody = createPartnerBody.partial();
export const listPartnersQuery = z.object({
  q: z.string().trim().max(200).optional(),
  cursor: cursorQuery,
  limit: limitQuery,
});
