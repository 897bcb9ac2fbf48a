import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem, type Problem } from './problem.js';

/**
 * Fastify's `frameworkErrors`: a URL that cannot be decoded (`/api/items/%zz`) or a path parameter over the
 * router's length limit is answered as a problem, like every other error, not with Fastify's own body.
 */
export function handleFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void sendProblem(reply, request, 414, 'URI_TOO_LONG', 'A part of the path is too long. Check the link.');
    return;
  }
  void sendProblem(
    reply,
    request,
    400,
    'BAD_URL',
    'The address is not valid: it has a % that does not start an escape such as %20. Check the link.',
  );
}

const CLIENT_ERRORS: Record<string, { status: number; title: string; code: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    title: 'Request Header Fields Too Large',
    code: 'HEADERS_TOO_LARGE',
    detail:
      'The request line or headers are too large (at most 16 KiB). Use a shorter address or fewer cookies.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    title: 'Request Timeout',
    code: 'REQUEST_TIMEOUT',
    detail: 'The request took too long to arrive. Try again.',
  },
  HPE_INVALID_METHOD: {
    status: 400,
    title: 'Bad Request',
    code: 'UNKNOWN_METHOD',
    detail: 'The HTTP method is not one this server knows. Use GET, POST, PUT, PATCH or DELETE.',
  },
};

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (headers too large, an unknown method,
 * malformed HTTP). Fastify's `clientErrorHandler` writes the answer straight to the socket: a problem body too.
 */
export function handleClientError(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const known = CLIENT_ERRORS[err.code ?? ''] ?? {
    status: 400,
    title: 'Bad Request',
    code: 'MALFORMED_REQUEST',
    detail: 'The request is not valid HTTP/1.1. Check the client sending it.',
  };
  const problem: Problem = {
    type: 'about:blank',
    title: known.title,
    status: known.status,
    code: known.code,
    detail: known.detail,
  };
  const body = JSON.stringify(problem);
  this.log.debug({ err }, 'client error');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${known.status} ${known.title}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/problem+json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks the routes that only answer 405 for a path's missing methods. */
    methodNotAllowed?: boolean;
  }
}

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * A known path asked with a method it does not have answers 405 with `Allow` (RFC 9110), not 404: after all
 * routes are registered, each path gets one more route taking the methods it lacks. Call just before ready.
 */
export function collectRoutesForMethodNotAllowed(app: FastifyInstance): () => void {
  const methodsByUrl = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.url.startsWith('/api/docs') || route.url.includes('*'))
      return;
    const methods = methodsByUrl.get(route.url) ?? new Set<string>();
    for (const m of Array.isArray(route.method) ? route.method : [route.method]) methods.add(m);
    methodsByUrl.set(route.url, methods);
  });
  return () => {
    for (const [url, methods] of [...methodsByUrl]) {
      if (methods.has('GET')) methods.add('HEAD');
      const allow = ALL_METHODS.filter((m) => methods.has(m));
      const missing = ALL_METHODS.filter((m) => !methods.has(m));
      if (missing.length === 0) continue;
      app.route({
        method: [...missing],
        url,
        // Public: the answer names only the methods the path takes, which the API docs list anyway.
        config: { access: 'public', methodNotAllowed: true },
        schema: { hide: true },
        handler: (request, reply) => {
          void reply.header('allow', allow.join(', '));
          return sendProblem(
            reply,
            request,
            405,
            'METHOD_NOT_ALLOWED',
            `${url.replace(/:(\w+)/g, '{$1}')} does not take ${request.method}; it takes ${allow.join(', ')}.`,
          );
        },
      });
    }
  };
}

/**
 * JSON bodies must be UTF-8 (RFC 8259): bytes that are not valid UTF-8 are refused with 400, where the
 * default parser would silently store U+FFFD in their place.
 */
export function registerStrictJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = decoder.decode(body as Buffer);
    } catch {
      const err = Object.assign(
        new Error('The request body is not valid UTF-8. Send JSON encoded as UTF-8.'),
        { statusCode: 400, code: 'FST_ERR_CTP_INVALID_UTF8' },
      );
      return done(err, undefined);
    }
    void parseJson(request, text, done);
  });
}
