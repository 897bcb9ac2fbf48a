import { z } from 'zod';

export const partTypeSchema = z
  .object({ id: z.number(), name: z.string(), description: z.string() })
  .meta({ id: 'PartType' });
const name = z
  .string()
  .trim()
  .min(1, 'Enter the part type name')
  .max(100, 'A part type name is at most 100 characters');
const description = z.string().trim().max(500, 'A description is at most 500 characters');
export const createPartTypeBody = z.object({ name, description: description.optional() });
export const updatePartTypeBody = z.object({ name: name.optional(), description: description.optional() });
