/**
 * The console's own API: sign in and out (/session), first-admin setup (/setup), and API tokens
 * (/tokens). Declared with zod like every other route, so they appear in the OpenAPI document.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/app-context.js';
import { ApiError, notFound } from '../../app/api-error.js';
import * as s from '../schemas.js';
import { audit } from '../audit.js';
import type { AdminRepository } from './admin-repository.js';
import { SESSION_COOKIE, clearSessionCookies, readCookie, setSessionCookies } from './cookies.js';
import type { LoginThrottle } from './login-throttle.js';
import { MIN_PASSWORD_LENGTH, dummyHash, hashPassword, verifyPassword } from './passwords.js';
import type { SetupLink } from './setup-link.js';
import { defaultTenantId } from './default-tenant.js';
import { apiToken as token, createdApiToken, sessionState as sessionBody, signedIn } from './console-schemas.js';

const credentials = z.object({
  email: z.string().trim().min(1, 'enter your email').max(320),
  password: z.string().min(1, 'enter your password').max(1000),
}).strict();

export interface ConsoleRouteDeps {
  ctx: AppContext;
  admins: AdminRepository;
  throttle: LoginThrottle;
  setupLink: SetupLink;
  sessionTtlMs: number;
}

export async function consoleRoutes(app: FastifyInstance, deps: ConsoleRouteDeps) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { ctx, admins, throttle, setupLink } = deps;
  const err = { 400: s.errorBody, 401: s.errorBody, 403: s.errorBody };
  const pub = { public: true };

  async function describe(account: { id: string; email: string; tenant_id: string }) {
    const tenant = await ctx.repos.tenants.get(account.tenant_id);
    return { id: account.id, email: account.email, tenantId: account.tenant_id, tenantName: tenant?.name ?? account.tenant_id };
  }

  api.get('/session', {
    config: pub,
    schema: { tags: ['Console'], summary: 'Who is signed in to the console (admin null when nobody)', security: [], response: { 200: sessionBody } },
  }, async (req) => {
    const id = readCookie(req, SESSION_COOKIE);
    const session = id ? await admins.findSession(id) : undefined;
    return {
      admin: session ? await describe({ id: session.admin_id, email: session.email, tenant_id: session.tenant_id }) : null,
      setupRequired: setupLink.isOpen(),
    };
  });

  api.post('/session', {
    config: pub,
    schema: {
      tags: ['Console'], summary: 'Sign in: sets an HttpOnly session cookie and a CSRF cookie', security: [], body: credentials,
      response: { 200: signedIn, 429: s.errorBody, ...err },
    },
  }, async (req, reply) => {
    const { email, password } = req.body;
    const wait = throttle.retryAfterSeconds(email, req.ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new ApiError(429, 'rate_limited', `Too many failed sign-ins for ${email}. Try again in ${Math.ceil(wait / 60)} minute${wait > 60 ? 's' : ''}.`);
    }
    const account = await admins.findByEmail(email);
    const ok = await verifyPassword(password, account?.password_hash ?? (await dummyHash));
    if (!account || !ok) {
      throttle.fail(email, req.ip);
      throw new ApiError(401, 'invalid_credentials', 'The email or password is not right. Check both and try again.');
    }
    throttle.succeed(email, req.ip);
    const session = await admins.openSession(account, deps.sessionTtlMs);
    await audit(req, 'session.signed_in', { type: 'admin', id: account.id }, { email: account.email }, { tenantId: account.tenant_id, actor: `admin:${account.id}` });
    setSessionCookies(req, reply, { session: session.id, csrf: session.csrfToken, maxAgeSeconds: Math.floor(deps.sessionTtlMs / 1000) });
    return { admin: await describe(account), expiresAt: session.expiresAt };
  });

  api.delete('/session', {
    schema: { tags: ['Console'], summary: 'Sign out', response: { 204: z.null(), ...err } },
  }, async (req, reply) => {
    const id = readCookie(req, SESSION_COOKIE);
    const session = id ? await admins.findSession(id) : undefined;
    if (id) await admins.closeSession(id);
    if (session) await audit(req, 'session.signed_out', { type: 'admin', id: session.admin_id }, { email: session.email }, { tenantId: session.tenant_id, actor: `admin:${session.admin_id}` });
    clearSessionCookies(req, reply);
    return reply.status(204).send(null);
  });

  api.post('/setup', {
    config: pub,
    schema: {
      tags: ['Console'], summary: 'Create the first admin with the one-time setup link printed at first start', security: [],
      body: credentials.extend({
        token: z.string().min(1).max(200),
        email: z.email('enter a valid email address').max(320),
        password: z.string().min(MIN_PASSWORD_LENGTH, `use at least ${MIN_PASSWORD_LENGTH} characters`).max(1000),
      }).strict(),
      response: { 201: signedIn, 409: s.errorBody, ...err },
    },
  }, async (req, reply) => {
    if (!setupLink.isOpen()) throw new ApiError(409, 'setup_done', 'An admin exists already. Sign in instead.');
    if (!setupLink.consume(req.body.token)) throw new ApiError(403, 'invalid_setup_link', 'This setup link is not valid. Use the link printed in the service log at start.');
    const tenantId = await defaultTenantId(ctx);
    const created = await admins.create(tenantId, req.body.email, await hashPassword(req.body.password));
    await audit(req, 'admin.created', { type: 'admin', id: created.id }, { email: created.email, via: 'setup link' }, { tenantId, actor: `admin:${created.id}` });
    const session = await admins.openSession({ id: created.id, tenant_id: tenantId }, deps.sessionTtlMs);
    setSessionCookies(req, reply, { session: session.id, csrf: session.csrfToken, maxAgeSeconds: Math.floor(deps.sessionTtlMs / 1000) });
    ctx.logger.info({ adminId: created.id, tenantId }, 'first admin created with the setup link');
    return reply.status(201).send({ admin: await describe({ id: created.id, email: created.email, tenant_id: tenantId }), expiresAt: session.expiresAt });
  });

  api.get('/tokens', {
    schema: { tags: ['Console'], summary: 'API tokens of this tenant (never the tokens themselves)', response: { 200: z.object({ data: z.array(token) }), ...err } },
  }, async (req) => ({
    data: (await ctx.repos.tokens.list(req.tenantId)).map((t) => ({ id: t.id, name: t.name, prefix: t.token_prefix, createdAt: t.created_at, lastUsedAt: t.last_used_at, revokedAt: t.revoked_at })),
  }));

  api.post('/tokens', {
    schema: {
      tags: ['Console'], summary: 'Create an API token; the answer holds the token, shown this once',
      body: z.object({ name: z.string().trim().min(1, 'give the token a name, e.g. "CI pipeline"').max(100) }).strict(),
      response: { 201: createdApiToken, ...err },
    },
  }, async (req, reply) => {
    const created = await ctx.repos.tokens.create(req.tenantId, req.body.name);
    const row = (await ctx.repos.tokens.list(req.tenantId)).find((t) => t.id === created.id);
    if (!row) throw new ApiError(500, 'internal', 'The token was not stored.');
    await audit(req, 'api_token.created', { type: 'api_token', id: row.id }, { name: row.name, tokenPrefix: row.token_prefix });
    return reply.status(201).send({ id: row.id, name: row.name, prefix: row.token_prefix, createdAt: row.created_at, lastUsedAt: null, revokedAt: null, token: created.token });
  });

  api.delete('/tokens/:id', {
    schema: { tags: ['Console'], summary: 'Revoke an API token', params: s.idParam, response: { 204: z.null(), 404: s.errorBody, ...err } },
  }, async (req, reply) => {
    if (!(await ctx.repos.tokens.revoke(req.tenantId, req.params.id))) throw notFound('active API token', req.params.id);
    const row = (await ctx.repos.tokens.list(req.tenantId)).find((t) => t.id === req.params.id);
    await audit(req, 'api_token.revoked', { type: 'api_token', id: req.params.id }, { name: row?.name ?? null, tokenPrefix: row?.token_prefix ?? null });
    return reply.status(204).send(null);
  });
}
