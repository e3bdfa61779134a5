/**
 * The Okta emulator: a node:http server speaking the Okta Management API over the shared
 * directory state. Auth (SSWS or OAuth bearer with scopes), rate-limit headers on every response,
 * Okta error bodies, fault injection, and the shared `/__admin` endpoint.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAdminHandler, ADMIN_PREFIX } from '../shared/admin-routes.js';
import { generateCompany } from '../shared/company.js';
import { createDirectoryState } from '../shared/directory-state.js';
import type { DirectoryState } from '../shared/directory-state.js';
import { closeServer, listen } from '../shared/emulator-handle.js';
import type { EmulatorBaseOptions, EmulatorHandle } from '../shared/emulator-handle.js';
import { createFaultList, PAGING_FAULT_KINDS, sendWithTransportFault } from '../shared/faults.js';
import type { ActiveFault, FaultKind } from '../shared/faults.js';
import { createRouter, readBody, requestOrigin } from '../shared/http.js';
import { createRequestStats } from '../shared/request-stats.js';
import type { OktaRoute, OktaRouteContext } from './okta-context.js';
import { OAuthError, OKTA_ERRORS, OktaApiError, oktaErrorBody } from './okta-errors.js';
import { createOktaIds } from './okta-ids.js';
import { createLoginIndex } from './okta-login-index.js';
import { oktaGroupRoutes } from './okta-groups-routes.js';
import { oktaLogRoutes } from './okta-logs-routes.js';
import type { OktaOAuthClient } from './okta-oauth.js';
import { createOktaTokenService } from './okta-oauth.js';
import { createPageTracker } from './okta-paging.js';
import { createOktaRateLimiter, rateLimitBucket } from './okta-rate-limit.js';
import { createOktaRenderer } from './okta-render.js';
import { oktaUserRoutes } from './okta-users-routes.js';

export interface OktaEmulatorOptions extends EmulatorBaseOptions {
  /** API token accepted as `Authorization: SSWS <token>`; default `emulator-token`. */
  token?: string;
  /** Service apps allowed to use client-credentials with private_key_jwt. */
  oauthClients?: OktaOAuthClient[];
  /** Enforce per-endpoint per-minute buckets (429 E0000047); headers are always sent. `windowMs`
   * (default 60 000) shortens the window to scale a throttled run down in time. */
  rateLimit?: { perMinute: number; windowMs?: number };
  /** Lifetime of issued access tokens; default 3600 (as Okta). */
  tokenTtlSeconds?: number;
  /** Use an existing state instead of generating one (users/groups/seed then only shape ids). */
  state?: DirectoryState;
}

export interface OktaEmulatorHandle extends EmulatorHandle {
  /** The OAuth token endpoint URL (the `aud` client assertions must carry). */
  tokenUrl: string;
  /** Invalidate every issued access token (the next API call answers 401). */
  revokeTokens(): void;
}

const RESPONSE_FAULTS: readonly FaultKind[] = ['status', 'rate_limit', 'expired_token'];
const NON_PAGING_FAULTS: readonly FaultKind[] = ['status', 'rate_limit', 'expired_token', 'slow', 'drop', 'cut', 'truncated_json', 'invalid_json', 'empty_200'];
const ERROR_BY_STATUS: Record<number, keyof typeof OKTA_ERRORS> = { 400: 'validation', 401: 'invalidToken', 403: 'forbidden', 404: 'notFound', 405: 'methodNotAllowed', 429: 'rateLimited' };

/** Thrown by `takeFault` to short-circuit a handler with a response-level fault. */
class FaultResponse extends Error {
  constructor(readonly fault: ActiveFault) {
    super(fault.kind);
  }
}

export async function startOktaEmulator(options: OktaEmulatorOptions = {}): Promise<OktaEmulatorHandle> {
  const seed = options.seed ?? 1;
  const apiToken = options.token ?? 'emulator-token';
  const state = options.state ?? createDirectoryState(generateCompany({ users: options.users ?? 100, groups: options.groups ?? 10, seed }));
  const ids = createOktaIds(seed);
  const render = createOktaRenderer(state, ids);
  const faults = createFaultList();
  const stats = createRequestStats();
  const pages = createPageTracker();
  const userByLogin = createLoginIndex(state);
  const limiter = createOktaRateLimiter({ perMinute: options.rateLimit?.perMinute, windowMs: options.rateLimit?.windowMs });
  const tokens = createOktaTokenService({ clients: options.oauthClients ?? [], ttlSeconds: options.tokenTtlSeconds ?? 3600 });
  const idOfPerson = (key: string) => {
    const index = state.indexOfPersonKey(key);
    if (index === undefined) throw new Error(`unknown person key ${key}`);
    return ids.user(index);
  };
  const idOfGroup = (key: string) => {
    const index = state.indexOfGroupKey(key);
    if (index === undefined) throw new Error(`unknown group key ${key}`);
    return ids.group(index);
  };
  const admin = createAdminHandler({ state, faults, stats, idOfPerson, idOfGroup });

  const router = createRouter();
  const routes = new Map<unknown, OktaRoute>();
  for (const route of [...oktaUserRoutes, ...oktaGroupRoutes, ...oktaLogRoutes]) {
    const handler = () => undefined;
    router.on(route.method, route.pattern, handler);
    routes.set(handler, route);
  }
  let baseUrl = '';

  const errorBody = (kind: keyof typeof OKTA_ERRORS, summary: string, causes: string[] = []) =>
    JSON.stringify(oktaErrorBody(OKTA_ERRORS[kind].code, summary, ids.opaque('oae', 23), causes));

  const bearerChallenge = (origin: string, error: string, description: string, scope?: string) =>
    `Bearer authorization_uri="${origin}/oauth2/v1/authorize", realm="${origin}", ${scope ? `scope="${scope}", ` : ''}error="${error}", error_description="${description}", resource="${origin}"`;

  /** Status, headers and body of a response-level fault, in Okta's shapes. */
  const faultReply = (fault: ActiveFault, origin: string, isBearer: boolean, headers: Record<string, string | string[]>) => {
    if (fault.kind === 'status') {
      const kind = ERROR_BY_STATUS[fault.status] ?? 'internal';
      const body = fault.body === undefined ? errorBody(kind, OKTA_ERRORS[kind].summary.replace(/: \{0\}.*$/, '')) : typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body);
      return { status: fault.status, body };
    }
    if (fault.kind === 'rate_limit') {
      const seconds = fault.oktaResetSeconds ?? fault.retryAfterSeconds ?? 1;
      headers['X-Rate-Limit-Remaining'] = '0';
      headers['X-Rate-Limit-Reset'] = String(Math.ceil(Date.now() / 1000 + seconds));
      if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
      if (fault.retryAfterHttpDate !== undefined) headers['Retry-After'] = fault.retryAfterHttpDate;
      return { status: 429, body: errorBody('rateLimited', OKTA_ERRORS.rateLimited.summary) };
    }
    // expired_token: Okta answers an expired token exactly like an invalid one
    if (isBearer) headers['WWW-Authenticate'] = bearerChallenge(origin, 'invalid_token', 'The token is expired.');
    return { status: 401, body: errorBody('invalidToken', OKTA_ERRORS.invalidToken.summary) };
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = requestOrigin(req, baseUrl);
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';
    stats.count(url.pathname);
    if (url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`)) return admin(req, res, url);

    const headers: Record<string, string | string[]> = {
      'Content-Type': 'application/json',
      'X-Okta-Request-Id': ids.opaque('', 27),
      'Cache-Control': 'no-cache, no-store',
      Pragma: 'no-cache',
      Expires: '0',
    };
    const decision = limiter.consume(rateLimitBucket(url.pathname));
    headers['X-Rate-Limit-Limit'] = String(decision.limit);
    headers['X-Rate-Limit-Remaining'] = String(decision.remaining);
    headers['X-Rate-Limit-Reset'] = String(decision.reset);
    const authHeader = req.headers.authorization ?? '';
    const isBearer = /^(Bearer|DPoP) /i.test(authHeader);
    let transport: ActiveFault | undefined;
    const send = (status: number, body: string) => sendWithTransportFault(res, transport, status, headers, body);

    try {
      if (decision.exceeded) {
        return await send(429, errorBody('rateLimited', OKTA_ERRORS.rateLimited.summary));
      }
      const takeFault = (page: number | undefined, kinds: readonly FaultKind[]) => {
        const fault = faults.takeKind({ method, pathname: url.pathname, page }, kinds);
        if (!fault) return undefined;
        if (RESPONSE_FAULTS.includes(fault.kind)) throw new FaultResponse(fault);
        if (PAGING_FAULT_KINDS.includes(fault.kind)) return fault;
        transport = fault;
        return undefined;
      };

      if (url.pathname === '/oauth2/v1/token') {
        takeFault(undefined, NON_PAGING_FAULTS);
        return await tokenEndpoint(req, origin, headers, send);
      }

      const found = router.match(method, url.pathname);
      const route = found && routes.get(found.handler);
      if (!found || !route) {
        if (router.hasPath(url.pathname)) throw new OktaApiError('methodNotAllowed', OKTA_ERRORS.methodNotAllowed.summary);
        throw new OktaApiError('notFound', `Not found: Resource not found: ${url.pathname} (Resource)`);
      }
      authorize(authHeader, route.scope, origin);
      if (!route.listing) takeFault(undefined, NON_PAGING_FAULTS);
      const ctx: OktaRouteContext = {
        req,
        url,
        params: found.params,
        origin,
        state,
        ids,
        render,
        pages,
        userByLogin,
        takeFault: (page) => takeFault(page, [...NON_PAGING_FAULTS, ...PAGING_FAULT_KINDS]),
      };
      const reply = await route.handle(ctx);
      Object.assign(headers, reply.headers);
      return await send(reply.status, typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    } catch (err) {
      if (res.headersSent || res.destroyed) return;
      if (err instanceof FaultResponse) {
        const { status, body } = faultReply(err.fault, origin, isBearer, headers);
        return await send(status, body);
      }
      if (err instanceof OktaApiError) {
        Object.assign(headers, err.headers);
        return await send(err.status, errorBody(err.kind, err.summary, err.causes));
      }
      if (err instanceof OAuthError) {
        return await send(err.status, JSON.stringify({ error: err.error, error_description: err.description }));
      }
      return await send(500, errorBody('internal', OKTA_ERRORS.internal.summary));
    }
  }

  /** SSWS acts as a super admin; bearer tokens need the route's scope. Throws 401/403 otherwise. */
  function authorize(authHeader: string, scope: string | undefined, origin: string): void {
    const ssws = /^SSWS (.+)$/.exec(authHeader);
    if (ssws) {
      if (ssws[1] === apiToken) return;
      throw new OktaApiError('invalidToken', OKTA_ERRORS.invalidToken.summary);
    }
    const bearer = /^(?:Bearer|DPoP) (.+)$/i.exec(authHeader);
    const issued = bearer ? tokens.lookup(bearer[1]!) : undefined;
    if (!issued) {
      const challenge: Record<string, string> = bearer ? { 'WWW-Authenticate': bearerChallenge(origin, 'invalid_token', 'The token is not valid as it was issued for a different audience or has expired.') } : {};
      throw new OktaApiError('invalidToken', OKTA_ERRORS.invalidToken.summary, [], challenge);
    }
    if (scope && !issued.scopes.has(scope)) {
      throw new OktaApiError('forbidden', OKTA_ERRORS.forbidden.summary, [], {
        'WWW-Authenticate': bearerChallenge(origin, 'insufficient_scope', 'The access token provided does not contain the required scopes.', scope),
      });
    }
  }

  async function tokenEndpoint(
    req: IncomingMessage,
    origin: string,
    headers: Record<string, string | string[]>,
    send: (status: number, body: string) => Promise<void>,
  ): Promise<void> {
    if (req.method !== 'POST') throw new OAuthError(405, 'invalid_request', 'The token endpoint only accepts POST.');
    const contentType = String(req.headers['content-type'] ?? '');
    if (!contentType.startsWith('application/x-www-form-urlencoded')) {
      throw new OAuthError(400, 'invalid_request', "The 'Content-Type' must be 'application/x-www-form-urlencoded'.");
    }
    // an unsolicited DPoP proof (the Node SDK always sends one) is tolerated: DPoP is not required here
    const form = new URLSearchParams(await readBody(req, 64 * 1024));
    const tokenUrls = [...new Set([`${origin}/oauth2/v1/token`, `${baseUrl}/oauth2/v1/token`])];
    const body = await tokens.issue(form, tokenUrls);
    headers['Cache-Control'] = 'no-store';
    return send(200, JSON.stringify(body));
  }

  const server = createServer({ keepAlive: true }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.destroy();
    });
  });
  server.keepAliveTimeout = 10_000;
  baseUrl = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');

  return {
    url: baseUrl,
    tokenUrl: `${baseUrl}/oauth2/v1/token`,
    close: () => closeServer(server),
    state,
    faults,
    stats: () => stats.snapshot(),
    idOfPerson,
    idOfGroup,
    revokeTokens: () => tokens.revokeAll(),
  };
}
