/**
 * Serves the built console (vite build → dist/web) at `/`. The file list is read once at start
 * (no wildcard route), so unknown paths still get the API's JSON 404. Hashed assets are cached for
 * good; index.html never, so a new build is picked up on reload.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

// the console loads only its own scripts and styles; React sets styles through the DOM, not markup
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export async function serveConsole(app: FastifyInstance, staticDir: string) {
  await app.register(async (scope) => {
    scope.addHook('onSend', async (request, reply, payload) => {
      reply.header('content-security-policy', CSP);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      reply.header('x-frame-options', 'DENY');
      reply.header('cache-control', request.url.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      return payload;
    });
    if (!fs.existsSync(path.join(staticDir, 'index.html'))) {
      app.log.warn({ staticDir }, 'the console is not built; run `npm run build:web`');
      scope.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>AccessIQ</title><body><h1>The console is not built</h1><p>Run <code>npm run build:web</code> and restart. The API is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p></body></html>',
      ));
      return;
    }
    await scope.register(fastifyStatic, { root: staticDir, prefix: '/', wildcard: false, index: ['index.html'], cacheControl: false, schemaHide: true });
  });
}
