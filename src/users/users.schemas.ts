import { z } from 'zod';
import { idSchema, text } from '../http/common.schemas.js';

export const userSchema = z
  .object({
    id: z.number(),
    username: z.string(),
    displayName: z.string(),
    active: z.boolean(),
    roleIds: z.array(z.number()),
    createdAt: z.string(),
  })
  .meta({ id: 'User' });

export const createUserBody = z.object({
  username: text(100).regex(/^[A-Za-z0-9._@-]+$/, 'Use letters, digits and . _ @ - only'),
  displayName: z.string().trim().max(200).optional(),
  password: z.string().max(2048),
  roleIds: z.array(idSchema).default([]),
});

export const updateUserBody = z.object({
  displayName: z.string().trim().min(1).max(200).optional(),
  password: z.string().max(2048).optional(),
  active: z.boolean().optional(),
  roleIds: z.array(idSchema).optional(),
});

export const roleSchema = z
  .object({
    id: z.number(),
    name: z.string(),
    description: z.string(),
    builtIn: z.boolean(),
    permissions: z.array(z.string()),
  })
  .meta({ id: 'Role' });

export const createRoleBody = z.object({
  name: text(100),
  description: z.string().trim().max(500).optional(),
  permissions: z.array(z.string()).default([]),
});

export const updateRoleBody = z.object({
  name: text(100).optional(),
  description: z.string().trim().max(500).optional(),
  permissions: z.array(z.string()).optional(),
});

export const permissionListSchema = z.object({
  permissions: z.array(z.object({ name: z.string(), description: z.string() })),
});
