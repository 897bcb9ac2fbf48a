import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { sendProblem } from './problem.js';

/** Where `npm run build:web` writes the web UI. */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/**
 * The web UI's Content-Security-Policy: everything from this server only. `'wasm-unsafe-eval'` lets the
 * camera scanner compile its barcode decoder (WebAssembly served from our own assets); it allows no `eval`
 * of JavaScript.
 */
export const WEB_UI_CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * Serves the built web UI at / from the same server (no second process). Unknown non-API paths get
 * index.html so the browser router can handle deep links such as /items/42.
 */
export function webUiBuilt(): boolean {
  return fs.existsSync(path.join(WEB_DIST, 'index.html'));
}

export async function registerWebUi(app: FastifyInstance): Promise<boolean> {
  if (!webUiBuilt()) {
    // A plain 404 at / reads as a broken server; say what is missing instead.
    app.get('/', { config: { access: 'public' }, schema: { hide: true } }, (request, reply) =>
      sendProblem(
        reply,
        request,
        503,
        'WEB_UI_NOT_BUILT',
        'The web UI is not built on this server: run `npm run build` (`npm start` does it), then restart the server. The API at /api works.',
      ),
    );
    return false;
  }
  await app.register(async (web) => {
    web.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
      route.schema = { ...route.schema, hide: true };
    });
    await web.register(fastifyStatic, {
      root: WEB_DIST,
      wildcard: false,
      index: false,
      setHeaders: (res, file) => {
        if (file.includes(`${path.sep}assets${path.sep}`))
          res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      },
    });
    const sendIndex = (reply: FastifyReply) =>
      reply
        .header('content-security-policy', WEB_UI_CSP)
        .header('cache-control', 'no-cache')
        .sendFile('index.html');
    web.get('/', (_req, reply) => sendIndex(reply));
    web.get('/*', (req, reply) => {
      if (req.url.startsWith('/api/') || req.url === '/api') return reply.callNotFound();
      return sendIndex(reply);
    });
  });
  return true;
}
