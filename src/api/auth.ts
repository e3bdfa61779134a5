/**
 * Bearer-token authentication. Every API request resolves to exactly one tenant; handlers read it
 * from `request.tenantId` and pass it to every repository call (DESIGN invariant 5).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../app/app-context.js';
import { ApiError } from '../app/api-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    tenantId: string;
    /** Who acts: `token:<id>` or `admin:<id>` (for the audit log). */
    actor: string;
  }
}

/** Hook for other authentication schemes (the console's session cookie). */
export type Authenticator = (request: FastifyRequest) => Promise<{ tenantId: string; actor: string } | null>;

const TOUCH_EVERY_MS = 60_000;

export function registerAuth(app: FastifyInstance, ctx: AppContext, extra: Authenticator[] = []) {
  app.decorateRequest('tenantId', '');
  app.decorateRequest('actor', '');
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/v1/') || request.url.startsWith('/api/v1/openapi.json') || request.routeOptions.config?.public) return;
    const header = request.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new ApiError(401, 'unauthorized', 'The Authorization header must be "Bearer <token>".');
      const token = await ctx.repos.tokens.findActive(match[1]!);
      if (!token) throw new ApiError(401, 'unauthorized', 'The API token is not valid or was revoked. Create a new one with `accessiq tenant create` or in the console under API tokens.');
      request.tenantId = token.tenant_id;
      request.actor = `token:${token.id}`;
      const now = new Date();
      // last-used is bookkeeping: a write that cannot happen now (SQLite busy with a sync's apply)
      // neither waits nor fails the request; a later request records it
      if (!token.last_used_at || now.getTime() - Date.parse(token.last_used_at) > TOUCH_EVERY_MS)
        await ctx.repos.tokens.touch(token.id, now.toISOString()).catch((err: unknown) => request.log.debug({ err: String(err) }, 'could not record the API token\'s last use now'));
      return;
    }
    for (const auth of extra) {
      const who = await auth(request);
      if (who) {
        request.tenantId = who.tenantId;
        request.actor = who.actor;
        return;
      }
    }
    throw new ApiError(401, 'unauthorized', 'Sign in, or send an API token as "Authorization: Bearer <token>".');
  });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    public?: boolean;
  }
}
