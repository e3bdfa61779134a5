/**
 * The Microsoft Entra ID emulator: the token endpoint at `/{tenant}/oauth2/v2.0/token`, OIDC
 * metadata, Microsoft Graph v1.0 under `/v1.0` (users, groups, members, transitive members,
 * delta) and the shared `/__admin` endpoint, over the shared sample company.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { generateCompany } from '../shared/company.js';
import { createDirectoryState } from '../shared/directory-state.js';
import { createFaultList } from '../shared/faults.js';
import { createAdminHandler, ADMIN_PREFIX } from '../shared/admin-routes.js';
import { closeServer, listen } from '../shared/emulator-handle.js';
import type { EmulatorBaseOptions, EmulatorHandle } from '../shared/emulator-handle.js';
import { requestOrigin, sendJson } from '../shared/http.js';
import { createRequestStats } from '../shared/request-stats.js';
import { deterministicGuid } from '../shared/ids.js';
import { createAccessTokens } from './access-tokens.js';
import { createGraphHandler } from './graph-handler.js';
import { newExchange, sendGraphError } from './graph-http.js';
import { createEntraIds } from './graph-render.js';
import { createTokenEndpoint } from './token-endpoint.js';

export const DEFAULT_ENTRA_PERMISSIONS = ['User.Read.All', 'Group.Read.All', 'GroupMember.Read.All'];

export interface EntraEmulatorOptions extends EmulatorBaseOptions {
  /** Directory (tenant) id; default a GUID derived from the seed. */
  tenantId?: string;
  /** Application (client) id; default a GUID derived from the seed. */
  clientId?: string;
  /** Accepted client secret; default "emulator-secret" when no certificate is given. */
  clientSecret?: string;
  /** PEM certificate registered for the app: client assertions must be signed by its key. */
  certificate?: string;
  /** Application permissions in issued tokens (`roles`); default the three read permissions. */
  permissions?: string[];
  /** Requests allowed per window under /v1.0 before 429 (default: unlimited). */
  rateLimit?: { limit: number; windowMs?: number };
  /** Access token lifetime (default 3599 s, as Entra). */
  tokenLifetimeSeconds?: number;
  /** Delta tokens older than this are answered with 400 syncStateNotFound (default 7 days). */
  deltaTokenMaxAgeMs?: number;
  /** Company email domain (default example.test); the tenant also answers to it in token URLs. */
  domain?: string;
}

export interface EntraEmulatorHandle extends EmulatorHandle {
  tenantId: string;
  clientId: string;
  /** `${url}/${tenantId}/oauth2/v2.0/token` */
  tokenUrl: string;
  /** Answer every delta token issued so far with 410 Gone + Location (a forced resync). */
  invalidateDeltaTokens(): void;
  /** Change the app's granted permissions for tokens issued from now on. */
  setPermissions(permissions: string[]): void;
}

export async function startEntraEmulator(options: EntraEmulatorOptions = {}): Promise<EntraEmulatorHandle> {
  const seed = options.seed ?? 1;
  const company = generateCompany({ users: options.users ?? 100, groups: options.groups ?? 20, seed, domain: options.domain });
  const state = createDirectoryState(company);
  const faults = createFaultList();
  const stats = createRequestStats();
  const ids = createEntraIds(seed);
  const tenantId = options.tenantId ?? deterministicGuid(seed, 'entra-tenant', 0);
  const clientId = options.clientId ?? deterministicGuid(seed, 'entra-app', 0);
  const clientSecret = options.clientSecret ?? (options.certificate ? undefined : 'emulator-secret');
  let permissions = options.permissions ?? DEFAULT_ENTRA_PERMISSIONS;
  let deltaEpoch = 0;

  const tokens = createAccessTokens({ tenantId, clientId, permissions: () => permissions });
  const handleToken = createTokenEndpoint({
    tenantId,
    tenantAliases: [company.domain.toLowerCase(), `${company.domain.split('.')[0]}.onmicrosoft.com`],
    clientId,
    clientSecret,
    certificate: options.certificate,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
    tokens,
  });
  const handleGraph = createGraphHandler({
    state,
    faults,
    ids,
    tokens,
    instanceId: randomUUID(),
    deltaEpoch: () => deltaEpoch,
    deltaTokenMaxAgeMs: options.deltaTokenMaxAgeMs ?? 7 * 86_400_000,
    rateLimit: options.rateLimit ? { limit: options.rateLimit.limit, windowMs: options.rateLimit.windowMs ?? 10_000 } : undefined,
  });
  const admin = createAdminHandler({ state, faults, stats, idOfPerson: ids.user, idOfGroup: ids.group });

  let baseUrl = '';
  const server = createServer({ keepAlive: true }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const origin = requestOrigin(req, baseUrl);
    const done = (p: Promise<void>) =>
      p.catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: { code: 'UnknownError', message: err instanceof Error ? err.message : 'internal error' } });
        else res.destroy();
      });
    if (url.pathname.startsWith(ADMIN_PREFIX)) return void done(admin(req, res, url));
    stats.count(url.pathname);
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (token) {
      const fault = faults.take({ method: req.method ?? 'GET', pathname: url.pathname });
      if (fault?.kind === 'status' || fault?.kind === 'rate_limit') {
        const status = fault.kind === 'status' ? fault.status : 429;
        const headers: Record<string, string> = fault.kind === 'rate_limit' ? { 'Retry-After': fault.retryAfterHttpDate ?? String(fault.retryAfterSeconds ?? 1) } : {};
        const body = fault.kind === 'status' && fault.body !== undefined ? fault.body : { error: 'temporarily_unavailable', error_description: `AADSTS50196: The server is temporarily unavailable (HTTP ${status}).`, error_codes: [50196] };
        return void sendJson(res, status, body, headers);
      }
      return void done(handleToken(req, res, decodeURIComponent(token[1]!), origin, fault));
    }
    const oidc = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (oidc) {
      return void sendJson(res, 200, {
        issuer: `${origin}/${tenantId}/v2.0`,
        token_endpoint: `${origin}/${tenantId}/oauth2/v2.0/token`,
        authorization_endpoint: `${origin}/${tenantId}/oauth2/v2.0/authorize`,
        jwks_uri: `${origin}/${tenantId}/discovery/v2.0/keys`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
      });
    }
    const x = newExchange(req, res, url, origin);
    if (url.pathname === '/v1.0' || url.pathname.startsWith('/v1.0/')) return void done(handleGraph(x));
    done(sendGraphError(x, 404, 'BadRequest', `Invalid version or path: ${url.pathname}`));
  });
  server.keepAliveTimeout = 65_000;
  baseUrl = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');

  return {
    url: baseUrl,
    tenantId,
    clientId,
    tokenUrl: `${baseUrl}/${tenantId}/oauth2/v2.0/token`,
    close: () => closeServer(server),
    state,
    faults,
    stats: () => stats.snapshot(),
    idOfPerson: ids.user,
    idOfGroup: ids.group,
    invalidateDeltaTokens: () => void deltaEpoch++,
    setPermissions: (p) => void (permissions = p),
  };
}

export { createSelfSignedCertificate } from './self-signed-cert.js';
