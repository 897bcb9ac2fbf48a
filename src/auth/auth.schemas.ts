import { z } from 'zod';
import { text } from '../http/common.schemas.js';

export const credentialsBody = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(2048),
});
export const setupBody = z.object({
  username: text(100),
  displayName: z.string().trim().max(200).optional(),
  password: z.string().max(2048),
});
export const changePasswordBody = z.object({
  currentPassword: z.string().min(1).max(2048),
  newPassword: z.string().max(2048),
});
export const setupStatusSchema = z.object({ setupNeeded: z.boolean() });
export const sessionSchema = z
  .object({
    user: z.object({ id: z.number(), username: z.string(), displayName: z.string() }),
    permissions: z.array(z.string()),
    csrfToken: z
      .string()
      .nullable()
      .describe('Echo in the X-CSRF-Token header on writes made with the session cookie'),
    via: z.enum(['session', 'token']),
  })
  .meta({ id: 'Session' });

export const tokenSchema = z
  .object({
    id: z.number(),
    userId: z.number(),
    name: z.string(),
    prefix: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });
export const createTokenBody = z.object({ name: text(100) });
export const createdTokenSchema = z.object({
  token: z.string().describe('Shown once; store it now'),
  apiToken: tokenSchema,
});
export const listTokensQuery = z.object({ all: z.enum(['true', 'false']).default('false') });
