import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, forbidden } from '../shared/errors.js';
import type { AuthService, Principal } from '../auth/auth.service.js';
import type { Permission } from '../auth/permissions.js';

/**
 * The session cookie's name. Over HTTPS it carries the `__Host-` prefix, which browsers accept only with
 * Secure, Path=/ and no Domain, so a sibling subdomain cannot plant or overwrite it.
 */
export const sessionCookieName = (cookieSecure: boolean): string =>
  cookieSecure ? '__Host-st_session' : 'st_session';
export const CSRF_HEADER = 'x-csrf-token';

/** What a route needs: a permission, any signed-in user, or nothing (public). Every route declares one. */
export type RouteAccess = Permission | 'authenticated' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated', 'UNAUTHENTICATED', 'Sign in first.');
  return request.principal;
}

export function registerAuthHooks(app: FastifyInstance, auth: AuthService, sessionCookie: string): void {
  app.decorateRequest('principal', null);

  // onRequest, before the body is read: an anonymous client cannot make the server receive or parse
  // megabytes it would refuse anyway.
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === 'public') return;
    if (access === undefined) {
      // Fail closed: a route that forgot to declare its access is not reachable.
      if (request.routeOptions.url === undefined) return; // 404 handler
      throw forbidden('FORBIDDEN', 'This route has no access rule.');
    }

    const header = request.headers.authorization;
    let principal: Principal | null = null;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      principal = match ? await auth.authenticateToken(match[1]!) : null;
      if (!principal) {
        throw new AppError(
          'unauthenticated',
          'INVALID_TOKEN',
          'The API token is invalid or revoked. Create a new token.',
        );
      }
    } else {
      const sessionId = request.cookies[sessionCookie];
      if (sessionId) principal = await auth.authenticateSession(sessionId);
      if (!principal) {
        throw new AppError(
          'unauthenticated',
          sessionId ? 'SESSION_EXPIRED' : 'UNAUTHENTICATED',
          sessionId
            ? 'Your session has expired. Sign in again.'
            : 'Sign in, or send an API token as "Authorization: Bearer …".',
        );
      }
      // Cookie-authenticated writes must echo the session's CSRF token, which another site cannot read.
      if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== principal.csrfToken) {
        throw forbidden(
          'CSRF_FAILED',
          `Missing or wrong ${CSRF_HEADER} header. Reload the page and try again.`,
        );
      }
    }
    request.principal = principal;
    if (access !== 'authenticated' && !principal.permissions.has(access)) {
      throw forbidden(
        'FORBIDDEN',
        `This needs the ${access} permission, which your role does not have. Ask your administrator.`,
      );
    }
  });
}
