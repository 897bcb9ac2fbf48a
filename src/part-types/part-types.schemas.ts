import { z } from 'zod';
import { text } from '../http/common.schemas.js';

export const partTypeSchema = z
  .object({ id: z.number(), name: z.string(), description: z.string() })
  .meta({ id: 'PartType' });
export const createPartTypeBody = z.object({
  name: text(100),
  description: z.string().trim().max(500).optional(),
});
export const updatePartTypeBody = z.object({
  name: text(100).optional(),
  description: z.string().trim().max(500).optional(),
});
