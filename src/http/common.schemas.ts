import { z } from 'zod';
import { MAX_SQL_INT } from '../shared/sql.js';
import { problemSchema } from './problem.js';

/** A row id: a positive whole number that fits the database's integer columns. */
export const idSchema = z.number().int().positive().max(MAX_SQL_INT);
/** A row id in a path or query string, where it arrives as text. */
export const idFromText = z.coerce.number().int().positive().max(MAX_SQL_INT);
export const idParams = z.object({ id: idFromText });
export const limitQuery = z.coerce.number().int().min(1).max(500).default(50);
export const cursorQuery = z.string().max(1000).optional();
export const okSchema = z.object({ ok: z.literal(true) });

/** Trimmed, non-empty text. */
export const text = (max: number) => z.string().trim().min(1).max(max);

/** Error responses every authenticated route can give, for the OpenAPI document. */
export const errorResponses = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
  422: problemSchema,
};
