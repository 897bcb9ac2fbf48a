import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { AppConfig } from './config.js';
import type { Database } from './db/database.js';
import { createAuthService } from './auth/auth.service.js';
import { registerAuthRoutes } from './auth/auth.routes.js';
import { createUsersService } from './users/users.service.js';
import { registerUsersRoutes } from './users/users.routes.js';
import { createLocationsService } from './locations/locations.service.js';
import { registerLocationsRoutes } from './locations/locations.routes.js';
import { createPartTypesService } from './part-types/part-types.service.js';
import { registerPartTypesRoutes } from './part-types/part-types.routes.js';
import { createItemsService } from './items/items.service.js';
import { registerItemsRoutes } from './items/items.routes.js';
import { createStockService } from './stock/stock.service.js';
import { createSerialsService } from './serials/serials.service.js';
import { registerSerialsRoutes } from './serials/serials.routes.js';
import { createTransfersService } from './transfers/transfers.service.js';
import { registerTransfersRoutes } from './transfers/transfers.routes.js';
import { createSettingsService } from './settings/settings.service.js';
import { registerSettingsRoutes } from './settings/settings.routes.js';
import { registerHealthRoutes } from './health/health.routes.js';
import { registerDocumentsRoutes } from './documents/documents.routes.js';
import { createPartnersService } from './partners/partners.service.js';
import { registerPartnersRoutes } from './partners/partners.routes.js';
import { createPurchasingService } from './purchasing/purchasing.service.js';
import { createReceivingService } from './purchasing/receiving.service.js';
import { registerPurchasingRoutes } from './purchasing/purchasing.routes.js';
import { createSalesService } from './sales/sales.service.js';
import { createReturnsService } from './sales/returns.service.js';
import { registerSalesRoutes } from './sales/sales.routes.js';
import { createSerialExpressionsService } from './serial-expressions/serial-expressions.service.js';
import { registerSerialExpressionRoutes } from './serial-expressions/serial-expressions.routes.js';
import { createLabelsService } from './labels/labels.service.js';
import { registerLabelsRoutes } from './labels/labels.routes.js';
import { createCustomFieldsService } from './custom-fields/custom-fields.service.js';
import { createSerialCustomValuesService } from './custom-fields/serial-custom-values.service.js';
import { registerCustomFieldsRoutes } from './custom-fields/custom-fields.routes.js';
import { createImportsService } from './imports/imports.service.js';
import { registerImportsRoutes } from './imports/imports.routes.js';
import { createSerialExportService } from './serial-export/serial-export.service.js';
import { registerSerialExportRoutes } from './serial-export/serial-export.routes.js';
import { createCountsService } from './counts/counts.service.js';
import { createCountReconcileService } from './counts/count-reconcile.service.js';
import { registerCountsRoutes } from './counts/counts.routes.js';
import { registerAuthHooks, sessionCookieName } from './http/auth-hooks.js';
import { registerUnstorableCharacterCheck } from './http/unstorable-characters.js';
import { registerRequestLimits } from './http/request-limits.js';
import {
  collectRoutesForMethodNotAllowed,
  handleClientError,
  handleFrameworkError,
  registerStrictJsonParser,
} from './http/framework-errors.js';
import { handleError, sendProblem } from './http/problem.js';
import { finishOpenApiDocument, type OpenApiDocument } from './http/openapi-document.js';
import { registerWebUi } from './http/web-ui.js';
import { requestIdFor } from './http/request-id.js';
import { closeOnlyIdleConnections } from './http/graceful-shutdown.js';

/** The composition root: database → services. The HTTP app, the CLI and the tests all use these. */
export function createServices(database: Database, config: Pick<AppConfig, 'sessionTtlHours'>) {
  const { db } = database;
  const users = createUsersService(db);
  const purchasing = createPurchasingService(db);
  return {
    users,
    auth: createAuthService(db, users, { sessionTtlHours: config.sessionTtlHours }),
    locations: createLocationsService(db),
    partTypes: createPartTypesService(db),
    items: createItemsService(db),
    stock: createStockService(db),
    serials: createSerialsService(db),
    transfers: createTransfersService(db),
    settings: createSettingsService(db),
    suppliers: createPartnersService(db, 'suppliers'),
    customers: createPartnersService(db, 'customers'),
    purchasing,
    receiving: createReceivingService(db, purchasing),
    sales: createSalesService(db),
    returns: createReturnsService(db),
    serialExpressions: createSerialExpressionsService(db),
    labels: createLabelsService(db),
    customFields: createCustomFieldsService(db),
    serialCustomValues: createSerialCustomValuesService(db),
    imports: createImportsService(db),
    serialExport: createSerialExportService(db),
    counts: createCountsService(db),
    countReconcile: createCountReconcileService(db),
  };
}

export type Services = ReturnType<typeof createServices>;

export async function buildApp(
  config: AppConfig,
  database: Database,
  services: Services,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: 8 * 1024 * 1024,
    trustProxy: config.trustProxy,
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: handleClientError,
    genReqId: requestIdFor,
    // Close keep-alive connections that are idle when the server starts closing (see graceful-shutdown.ts).
    forceCloseConnections: 'idle',
  });
  closeOnlyIdleConnections(app.server);
  const addMethodNotAllowedRoutes = collectRoutesForMethodNotAllowed(app);
  registerStrictJsonParser(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  // The API speaks JSON only: a text/plain body gets 415, not a confusing validation error.
  app.removeContentTypeParser('text/plain');
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      404,
      'ROUTE_NOT_FOUND',
      `There is no ${request.method} ${request.url.split('?')[0]}. See /api/docs.`,
    ),
  );

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Serialtrack API',
        version: '0.1.0',
        description: 'Per-unit serial tracking for inventory items.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      // Relative: the document describes whichever server serves it.
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API token created at POST /api/tokens' },
          session: { type: 'apiKey', in: 'cookie', name: sessionCookieName(config.cookieSecure) },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (input) =>
      finishOpenApiDocument(jsonSchemaTransformObject(input) as OpenApiDocument) as ReturnType<
        typeof jsonSchemaTransformObject
      >,
  });
  // The docs UI cannot set a route config; mark its routes public, or fail-closed access blocks them.
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
    });
    await docs.register(fastifySwaggerUi, {
      routePrefix: '/api/docs',
      // No call to swagger.io's online validator: the docs page fetches nothing from elsewhere.
      uiConfig: { docExpansion: 'list', validatorUrl: null },
      // The plugin's CSP (hashes of its own scripts and styles), without upgrade-insecure-requests,
      // which would break the docs on a plain-HTTP install, and without the online validator's host.
      staticCSP: true,
      transformStaticCSP: (header) =>
        header.replace(' upgrade-insecure-requests;', '').replace(' validator.swagger.io', ''),
    });
  });
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, () => app.swagger());

  // Every answer names its request, so a user's report can be matched to the log lines (reqId).
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onSend', async (req, reply) => {
    // API answers are private (the session answer even carries the CSRF token): no cache keeps them.
    if (req.url.startsWith('/api/') && !req.url.startsWith('/api/docs/static/')) {
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    }
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (!reply.hasHeader('x-frame-options')) reply.header('x-frame-options', 'DENY');
  });
  await registerWebUi(app);
  registerAuthHooks(app, services.auth, sessionCookieName(config.cookieSecure));
  registerUnstorableCharacterCheck(app);
  await registerRequestLimits(app, config.rateLimitScale);
  registerHealthRoutes(app, database);
  registerAuthRoutes(app, services, config);
  registerUsersRoutes(app, services);
  registerLocationsRoutes(app, services);
  registerPartTypesRoutes(app, services);
  registerItemsRoutes(app, services);
  registerSerialsRoutes(app, services);
  registerTransfersRoutes(app, services);
  registerSettingsRoutes(app, services);
  registerPartnersRoutes(app, services);
  registerPurchasingRoutes(app, services);
  registerSalesRoutes(app, services);
  registerSerialExpressionRoutes(app, services);
  registerLabelsRoutes(app, services);
  registerCustomFieldsRoutes(app, services);
  await registerImportsRoutes(app, services);
  registerSerialExportRoutes(app, services);
  registerCountsRoutes(app, services);
  registerDocumentsRoutes(app, database);
  addMethodNotAllowedRoutes();
  return app;
}
