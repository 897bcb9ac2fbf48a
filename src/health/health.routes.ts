import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { AppError } from '../shared/errors.js';

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
        await sql`select 1`.execute(database.db);
      } catch (err) {
        // A load balancer reads the status: 503 takes this server out of rotation; a 500 would say "bug".
        request.log.error({ err }, 'health check: database unreachable');
        throw new AppError(
          'unavailable',
          'DATABASE_UNAVAILABLE',
          `This server cannot reach its ${database.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'} database. Check that the database is running and reachable, then try again.`,
        );
      }
      return { status: 'ok' as const, database: database.dialect };
    },
  });
}
