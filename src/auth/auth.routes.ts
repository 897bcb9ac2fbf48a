import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppConfig } from '../config.js';
import type { Principal } from './auth.service.js';
import type { Services } from '../app.js';
import { errorResponses, idParams, okSchema } from '../http/common.schemas.js';
import { principalOf, sessionCookieName } from '../http/auth-hooks.js';
import { userSchema } from '../users/users.schemas.js';
import {
  changePasswordBody,
  createdTokenSchema,
  createTokenBody,
  credentialsBody,
  listTokensQuery,
  sessionSchema,
  setupBody,
  setupStatusSchema,
  tokenSchema,
} from './auth.schemas.js';

const toSession = (p: Principal) => ({
  user: { id: p.userId, username: p.username, displayName: p.displayName },
  permissions: [...p.permissions].sort(),
  csrfToken: p.csrfToken ?? null,
  via: p.via,
});

export function registerAuthRoutes(app: FastifyInstance, { auth }: Services, config: AppConfig): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Auth'];
  const cookieFlags = { path: '/', httpOnly: true, sameSite: 'strict', secure: config.cookieSecure } as const;
  const SESSION_COOKIE = sessionCookieName(config.cookieSecure);

  r.get('/api/setup', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Whether the first administrator still has to be created',
      response: { 200: setupStatusSchema },
    },
    handler: async () => ({ setupNeeded: await auth.setupNeeded() }),
  });

  r.post('/api/setup', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Create the first administrator (only on an empty database)',
      body: setupBody,
      response: { 201: userSchema, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await auth.setupFirstAdmin(req.body)),
  });

  r.post('/api/auth/login', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Sign in; sets an HttpOnly session cookie',
      body: credentialsBody,
      response: { 200: sessionSchema, ...errorResponses },
    },
    handler: async (req, reply) => {
      const result = await auth.login(req.body.username, req.body.password, req.ip);
      void reply.setCookie(SESSION_COOKIE, result.sessionId, {
        ...cookieFlags,
        expires: new Date(result.expiresAt),
      });
      return toSession(result.principal);
    },
  });

  r.post('/api/auth/logout', {
    config: { access: 'authenticated' },
    schema: { tags, summary: 'Sign out', response: { 200: okSchema, ...errorResponses } },
    handler: async (req, reply) => {
      const sessionId = req.cookies[SESSION_COOKIE];
      if (sessionId) await auth.logout(sessionId);
      void reply.clearCookie(SESSION_COOKIE, cookieFlags);
      return { ok: true as const };
    },
  });

  r.post('/api/auth/password', {
    config: { access: 'authenticated' },
    schema: {
      tags,
      summary: 'Change your own password (ends your other sessions)',
      body: changePasswordBody,
      response: { 200: okSchema, ...errorResponses },
    },
    handler: async (req) => {
      await auth.changeOwnPassword(
        principalOf(req),
        req.body.currentPassword,
        req.body.newPassword,
        req.cookies[SESSION_COOKIE],
      );
      return { ok: true as const };
    },
  });

  r.get('/api/auth/session', {
    config: { access: 'authenticated' },
    schema: {
      tags,
      summary: 'Who is signed in, with permissions and the CSRF token',
      response: { 200: sessionSchema, ...errorResponses },
    },
    handler: (req) => toSession(principalOf(req)),
  });

  r.get('/api/tokens', {
    config: { access: 'authenticated' },
    schema: {
      tags,
      summary: "List your API tokens (all=true: everyone's, needs USERS_ADMIN)",
      querystring: listTokensQuery,
      response: { 200: z.object({ tokens: z.array(tokenSchema) }), ...errorResponses },
    },
    handler: async (req) => ({ tokens: await auth.listTokens(principalOf(req), req.query.all === 'true') }),
  });

  r.post('/api/tokens', {
    config: { access: 'authenticated' },
    schema: {
      tags,
      summary: 'Create an API token for yourself',
      body: createTokenBody,
      response: { 201: createdTokenSchema, ...errorResponses },
    },
    handler: async (req, reply) => {
      const { token, view } = await auth.createToken(principalOf(req).userId, req.body.name);
      return reply.status(201).send({ token, apiToken: view });
    },
  });

  r.delete('/api/tokens/:id', {
    config: { access: 'authenticated' },
    schema: {
      tags,
      summary: "Revoke a token (yours, or anyone's with USERS_ADMIN)",
      params: idParams,
      response: { 200: okSchema, ...errorResponses },
    },
    handler: async (req) => {
      await auth.revokeToken(principalOf(req), req.params.id);
      return { ok: true as const };
    },
  });
}
