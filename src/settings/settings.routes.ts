import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../app.js';
import { errorResponses } from '../http/common.schemas.js';
import { settingsSchema } from './settings.service.js';

export function registerSettingsRoutes(app: FastifyInstance, { settings }: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Settings'];
  const settingsOut = settingsSchema.meta({ id: 'Settings' });

  r.get('/api/settings', {
    config: { access: 'INV_VIEW' },
    schema: { tags, summary: 'System settings', response: { 200: settingsOut, ...errorResponses } },
    handler: () => settings.get(),
  });

  r.patch('/api/settings', {
    config: { access: 'SETTINGS_ADMIN' },
    schema: {
      tags,
      summary: 'Change settings',
      body: settingsSchema.partial().strict(),
      response: { 200: settingsOut, ...errorResponses },
    },
    handler: (req) => settings.update(req.body),
  });
}
