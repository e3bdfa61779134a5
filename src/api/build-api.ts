/**
 * Builds the HTTP application: Fastify with zod validation, the OpenAPI document at
 * /api/v1/openapi.json, bearer-token auth, one error shape for every failure, and the routes.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import helmet from '@fastify/helmet';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { AppContext } from '../app/app-context.js';
import { ApiError } from '../app/api-error.js';
import { InvalidCursorError } from '../store/pagination.js';
import { registerAuth, type Authenticator } from './auth.js';
import { directoryRoutes } from './routes/directory-routes.js';
import { runRoutes } from './routes/run-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { organizationRoutes } from './routes/organization-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { registerAuditLog } from './audit.js';
import { refuseNulCharacters } from './refuse-nul.js';
import { answerClientError } from './client-errors.js';
import { createDirectoryService } from '../app/directory-service.js';
import { createRunService } from '../app/run-service.js';
import { DATABASE_BUSY_RETRY_AFTER_S, isDatabaseBusy } from '../store/database-busy.js';

export interface ApiOptions {
  authenticators?: Authenticator[];
  /** Extra plugins (the console) registered after the API. */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
}

export async function buildApi(ctx: AppContext, options: ApiOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast only drops pino's extra generic
    // request lines only at debug level: an API polled by consoles would drown the sync log
    loggerInstance: ctx.logger.child({ component: 'http' }, { level: ctx.config.logLevel === 'debug' ? 'debug' : 'warn' }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    // sync runs can keep the loop busy for a moment; don't drop kept-alive sockets under clients
    keepAliveTimeout: 30_000,
    // ids are checked by each route's zod schema (max 200, with a message naming the parameter);
    // the router's own limit (100) would answer first, without one
    routerOptions: { maxParamLength: 1000 },
    // what Node's HTTP parser refuses (headers over 16 KiB, malformed HTTP) answers in the API's error shape
    clientErrorHandler: answerClientError,
    // errors the router raises before any route runs (a malformed %-escape in the path) get the
    // API's error shape too, not Fastify's default body
    frameworkErrors: (error, _request, reply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 400;
      const message = error.code === 'FST_ERR_BAD_URL' ? 'path: not a valid URL (a malformed %-escape?); percent-encode ids with encodeURIComponent' : `path: ${error.message}`;
      // the framework types this reply with an unresolved route generic; it is a plain reply
      void (reply as FastifyReply).status(status >= 400 && status < 500 ? status : 400).send({ error: { code: status === 414 ? 'uri_too_long' : 'invalid_request', message } });
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // security headers on every answer (API, errors, console). The API serves only JSON, so its CSP
  // allows nothing; the console replaces it with its own policy (api/console/serve-console.ts)
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } },
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'AccessIQ Directory Sync API', version: '1.0.0', description: 'Directories, sync runs, users, organizations and roles. Authenticate with "Authorization: Bearer <token>".' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  app.setErrorHandler((error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => {
        const where = (error.validationContext ?? 'body') as string;
        const path = [where === 'querystring' ? 'query' : where, ...String(v.instancePath ?? '').split('/').filter(Boolean)].join('.');
        return { path, message: v.message ?? 'is not valid' };
      });
      const first = issues[0]!;
      return reply.status(400).send({ error: { code: 'invalid_request', message: `${first.path}: ${first.message}`, details: { issues } } });
    }
    if (error instanceof ApiError) {
      return reply.status(error.status).send({ error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } });
    }
    if (error instanceof InvalidCursorError) {
      return reply.status(400).send({ error: { code: 'invalid_request', message: `query.cursor: ${error.message}` } });
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error.message, url: request.url }, 'response did not match its schema');
      return reply.status(500).send({ error: { code: 'internal', message: 'The server built an invalid response; this is a bug.' } });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = status === 415 ? 'unsupported_media_type' : status === 413 ? 'payload_too_large' : status === 404 ? 'not_found' : status === 429 ? 'rate_limited' : 'invalid_request';
      const message = (error as Error).message?.startsWith('Body') || (error as { code?: string }).code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
        ? `body: not valid JSON (${(error as Error).message}); send a JSON object with Content-Type: application/json`
        : (error as Error).message;
      return reply.status(status).send({ error: { code, message } });
    }
    if (isDatabaseBusy(error)) {
      request.log.warn({ err: (error as Error).message, url: request.url }, 'database busy (a sync is applying); request refused with 503');
      return reply.status(503).header('retry-after', String(DATABASE_BUSY_RETRY_AFTER_S)).send({ error: {
        code: 'database_busy', message: `The database is busy applying a sync; nothing was changed. Retry in ${DATABASE_BUSY_RETRY_AFTER_S} seconds.`,
      } });
    }
    request.log.error({ err: (error as Error).message, stack: (error as Error).stack }, 'request failed');
    return reply.status(500).send({ error: { code: 'internal', message: 'Something went wrong on our side; the request was not applied. Try again.' } });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` } });
  });

  registerAuth(app, ctx, options.authenticators ?? []);
  registerAuditLog(app, ctx.repos.audit);
  refuseNulCharacters(app);
  const directories = createDirectoryService(ctx);
  const runs = createRunService(ctx);
  await app.register(async (api) => {
    await directoryRoutes(api, { ctx, directories, runs });
    await runRoutes(api, { ctx, runs });
    await userRoutes(api, { ctx });
    await organizationRoutes(api, { ctx });
    await auditRoutes(api, { ctx });
  }, { prefix: '/api/v1' });

  app.get('/api/v1/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  for (const plugin of options.plugins ?? []) await plugin(app);
  return app;
}
