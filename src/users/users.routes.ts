import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../app.js';
import { PERMISSIONS } from '../auth/permissions.js';
import { errorResponses, idParams, okSchema } from '../http/common.schemas.js';
import {
  createRoleBody,
  createUserBody,
  permissionListSchema,
  roleSchema,
  updateRoleBody,
  updateUserBody,
  userSchema,
} from './users.schemas.js';

export function registerUsersRoutes(app: FastifyInstance, { users }: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Users and roles'];
  const access = 'USERS_ADMIN' as const;

  r.get('/api/users', {
    config: { access },
    schema: {
      tags,
      summary: 'List users',
      response: { 200: z.object({ users: z.array(userSchema) }), ...errorResponses },
    },
    handler: async () => ({ users: await users.listUsers() }),
  });

  r.post('/api/users', {
    config: { access },
    schema: {
      tags,
      summary: 'Create a user',
      body: createUserBody,
      response: { 201: userSchema, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await users.createUser(req.body)),
  });

  r.get('/api/users/:id', {
    config: { access },
    schema: { tags, summary: 'One user', params: idParams, response: { 200: userSchema, ...errorResponses } },
    handler: (req) => users.getUser(req.params.id),
  });

  r.patch('/api/users/:id', {
    config: { access },
    schema: {
      tags,
      summary: 'Edit a user: name, password, active, roles',
      params: idParams,
      body: updateUserBody,
      response: { 200: userSchema, ...errorResponses },
    },
    handler: (req) => users.updateUser(req.params.id, req.body),
  });

  r.get('/api/permissions', {
    config: { access },
    schema: {
      tags,
      summary: 'Every permission a role can hold',
      response: { 200: permissionListSchema, ...errorResponses },
    },
    handler: () => ({
      permissions: Object.entries(PERMISSIONS).map(([name, description]) => ({ name, description })),
    }),
  });

  r.get('/api/roles', {
    config: { access },
    schema: {
      tags,
      summary: 'List roles with their permissions',
      response: { 200: z.object({ roles: z.array(roleSchema) }), ...errorResponses },
    },
    handler: async () => ({ roles: await users.listRoles() }),
  });

  r.post('/api/roles', {
    config: { access },
    schema: {
      tags,
      summary: 'Create a custom role',
      body: createRoleBody,
      response: { 201: roleSchema, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await users.createRole(req.body)),
  });

  r.patch('/api/roles/:id', {
    config: { access },
    schema: {
      tags,
      summary: 'Edit a custom role',
      params: idParams,
      body: updateRoleBody,
      response: { 200: roleSchema, ...errorResponses },
    },
    handler: (req) => users.updateRole(req.params.id, req.body),
  });

  r.delete('/api/roles/:id', {
    config: { access },
    schema: {
      tags,
      summary: 'Delete an unused custom role',
      params: idParams,
      response: { 200: okSchema, ...errorResponses },
    },
    handler: async (req) => {
      await users.deleteRole(req.params.id);
      return { ok: true as const };
    },
  });
}
