import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import { rateLimited } from '../shared/errors.js';

/** Routes anyone may call (sign-in, setup) take a small body: nothing they accept is large. */
export const PUBLIC_BODY_LIMIT = 16 * 1024;
/** Other JSON bodies: an item, a note, a purchase order of many lines fit many times over. */
export const JSON_BODY_LIMIT = 1024 * 1024;
/**
 * Routes that take up to 10,000 or 100,000 serials in one body (a receipt, Add Serial, a sale, labels, a
 * transfer, voiding, a bulk custom value) keep the server's 8 MiB; imports stream their file past any
 * body limit and keep their own (1 GiB).
 */
const BULK_BODY_ROUTES: readonly RegExp[] = [
  /^\/api\/items\/:id\/serials(\/from-expression|\/custom-fields\/bulk)?$/,
  /^\/api\/purchase-orders(\/:id)?(\/receipts)?$/,
  /^\/api\/(sales|returns|transfers|labels)(\/:id\/(complete|disposition))?$/,
  /^\/api\/serials\/void$/,
  /^\/api\/imports/,
];

interface ExpensiveRoute {
  method: string;
  url: RegExp;
  /** Requests per user per minute. */
  max: number;
  what: string;
}

/**
 * Endpoints that cost real CPU or I/O per request (a label PDF of 5,000 labels is ~15 s of CPU), limited per
 * signed-in user so one account cannot starve the others. Counted per app server.
 */
export const EXPENSIVE_ROUTES: readonly ExpensiveRoute[] = [
  { method: 'POST', url: /^\/api\/labels$/, max: 30, what: 'label PDFs' },
  { method: 'GET', url: /^\/api\/(serials|receipts)\/:\w+\/labels$/, max: 30, what: 'label PDFs' },
  { method: 'GET', url: /\.(csv|xlsx|pdf)$/, max: 30, what: 'exports' },
  { method: 'POST', url: /^\/api\/imports(\/inspect|\/:id\/commit)?$/, max: 30, what: 'imports' },
  { method: 'POST', url: /^\/api\/serial-expressions\/expand$/, max: 600, what: 'serial previews' },
  // Sorted by a stock figure or filtered to mismatches, the Items list reads every item's counters.
  { method: 'GET', url: /^\/api\/items\/stock-list$/, max: 300, what: 'item lists' },
];

const limitKey = (request: FastifyRequest): string =>
  request.principal ? `user:${request.principal.userId}` : `ip:${request.ip}`;

/**
 * Registers the limits that apply before and around work: body limits by route (small for public routes,
 * 1 MiB for ordinary JSON, 8 MiB for the bulk routes), and per-user
 * rate limits (a maintained plugin, @fastify/rate-limit) for the expensive routes above. Must be registered
 * before the routes, so its onRoute hook sees each of them.
 */
export async function registerRequestLimits(app: FastifyInstance, scale = 1): Promise<void> {
  app.addHook('onRoute', (route) => {
    if (route.bodyLimit === undefined) {
      if (route.config?.access === 'public') route.bodyLimit = PUBLIC_BODY_LIMIT;
      else if (!BULK_BODY_ROUTES.some((r) => r.test(route.url))) route.bodyLimit = JSON_BODY_LIMIT;
    }
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const expensive = EXPENSIVE_ROUTES.find((e) => methods.includes(e.method) && e.url.test(route.url));
    if (expensive) {
      const max = Math.round(expensive.max * scale);
      route.config = {
        ...route.config,
        rateLimit: {
          max,
          timeWindow: 60_000,
          keyGenerator: limitKey,
          errorResponseBuilder: (_req, context) =>
            rateLimited(
              'RATE_LIMITED',
              `You asked for ${expensive.what} more than ${max} times in a minute. Wait ${Math.ceil(context.ttl / 1000)} seconds and try again; for more at once, put them in one request.`,
              context.ttl / 1000,
            ),
        },
      };
    }
  });
  // preHandler: after the access check, so the limit counts per signed-in user and anonymous calls
  // are refused (401) before they count.
  await app.register(fastifyRateLimit, { global: false, hook: 'preHandler' });
}
