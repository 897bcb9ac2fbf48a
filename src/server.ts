import type { FastifyInstance } from 'fastify';
import type { AppConfig } from './config.js';
import { createDatabase, type Database } from './db/database.js';
import { migrateToLatest } from './db/migrator.js';
import { buildApp, createServices, type Services } from './app.js';
import { setBusinessTimeZone } from './shared/time.js';

export interface Runtime {
  config: AppConfig;
  database: Database;
  services: Services;
  close(): Promise<void>;
}

/** Opens the database, brings its schema up to date and seeds the built-in roles. */
export async function openRuntime(config: AppConfig): Promise<Runtime> {
  setBusinessTimeZone(config.timeZone);
  const database = createDatabase(config.database);
  try {
    await migrateToLatest(database);
    const services = createServices(database, config);
    await services.users.ensureBuiltInRoles();
    return { config, database, services, close: () => database.destroy() };
  } catch (err) {
    await database.destroy();
    throw err;
  }
}

export async function startServer(config: AppConfig): Promise<{ app: FastifyInstance; runtime: Runtime }> {
  const runtime = await openRuntime(config);
  await runtime.services.imports.cleanupAtStart();
  const app = await buildApp(config, runtime.database, runtime.services);
  app.addHook('onClose', () => runtime.close());
  await app.listen({ host: config.host, port: config.port });
  return { app, runtime };
}
