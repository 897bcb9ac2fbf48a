import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { AppError } from '../shared/errors.js';
import { connectionErrorReason } from '../shared/db-errors.js';

/** A database that does not answer within this is reported unavailable, so the health check never hangs. */
const HEALTH_TIMEOUT_MS = 3000;

export function registerHealthRoutes(app: FastifyInstance, database: Database): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/health', {
    config: { access: 'public' },
    schema: {
      tags: ['Health'],
      summary: 'Liveness and database reachability',
      response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['sqlite', 'postgres']) }) },
    },
    handler: async (request) => {
      try {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(Object.assign(new Error('health check timed out'), { code: 'ETIMEDOUT' })),
            HEALTH_TIMEOUT_MS,
          );
        });
        await Promise.race([sql`select 1`.execute(database.db), timeout]).finally(() => clearTimeout(timer));
      } catch (err) {
        // A load balancer reads the status: 503 takes this server out of rotation; a 500 would say "bug".
        request.log.error({ err }, 'health check: database unreachable');
        throw new AppError(
          'unavailable',
          'DATABASE_UNAVAILABLE',
          `This server cannot reach its ${database.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'} database: ${connectionErrorReason(err)}. Check that the database is running and reachable; this server reconnects by itself.`,
        );
      }
      return { status: 'ok' as const, database: database.dialect };
    },
  });
}
