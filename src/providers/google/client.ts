/**
 * Auth and HTTP for Google Workspace: a service account signs a JWT (RS256) naming the admin it acts
 * as (`sub`, domain-wide delegation), swaps it at the key's `token_uri` for an access token, and
 * calls the Directory API with it. There is no refresh token: a new JWT is minted when the cached
 * token nears expiry or the API answers 401.
 * https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { createHttpClient, type HttpClient, type HttpResponse } from '../http/http-client.js';
import { configuredWindowMs, createRateLimiter } from '../http/rate-limiter.js';
import { retryAfterMs } from '../http/retry-after.js';
import { ProviderError } from '../provider-error.js';
import type { ConnectorContext, ConnectorStats } from '../types.js';
import { customerOf, directoryRootOf, type GoogleCredentials } from './credentials.js';
import { directoryError, isQuotaError, READ_ONLY_SCOPES, tokenError, type DelegationInfo } from './errors.js';
import { tokenResponseGuard } from './wire.js';

/** Google asks for truncated exponential backoff starting near 1 s; quota errors carry no Retry-After. */
const GOOGLE_RETRY = { attempts: 6, baseDelayMs: 1000, maxDelayMs: 32_000 };
/** Google caps an assertion's lifetime at one hour. */
const ASSERTION_LIFETIME_S = 3600;
/** Renew this long before the token's stated expiry, so a page is never sent with a dying token. */
const EXPIRY_MARGIN_MS = 60_000;

export interface GoogleClient {
  /** The Directory API root (`…/admin/directory/v1`). */
  readonly root: string;
  readonly customer: string;
  /** GET a Directory API path (relative to root) with query params; 2xx JSON or ProviderError. */
  get(path: string, params?: Record<string, string | number | undefined>): Promise<unknown>;
  /** A valid access token (cached). */
  accessToken(): Promise<string>;
  readonly stats: ConnectorStats;
}

export function createGoogleClient(credentials: GoogleCredentials, ctx: ConnectorContext = {}): GoogleClient {
  const key = credentials.serviceAccountKey;
  const root = directoryRootOf(credentials);
  const customer = customerOf(credentials);
  const delegation: DelegationInfo = { clientEmail: key.client_email, clientId: key.client_id, adminEmail: credentials.adminEmail };
  const httpCtx: ConnectorContext = { ...ctx, retry: { ...GOOGLE_RETRY, ...ctx.retry } };
  let signingKey: KeyObject | undefined;
  let cached: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const tokenHttp = createHttpClient({ toError: (res) => tokenError(res, delegation) }, httpCtx);

  async function mintToken(): Promise<string> {
    signingKey ??= createPrivateKey(key.private_key);
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ scope: READ_ONLY_SCOPES.join(' ') })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(key.client_email)
      .setSubject(credentials.adminEmail)
      .setAudience(key.token_uri)
      .setIssuedAt(now)
      .setExpirationTime(now + ASSERTION_LIFETIME_S)
      .sign(signingKey);
    const res = await tokenHttp.send({
      method: 'POST',
      url: key.token_uri,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
    });
    const parsed = tokenResponseGuard.safeParse(res.json());
    if (!parsed.success)
      throw new ProviderError('invalid_response', `The token endpoint ${key.token_uri} answered without an access_token.`, { status: res.status });
    const lifetimeMs = (parsed.data.expires_in ?? 3600) * 1000;
    cached = { token: parsed.data.access_token, renewAt: Date.now() + Math.max(lifetimeMs - EXPIRY_MARGIN_MS, lifetimeMs / 2) };
    return parsed.data.access_token;
  }

  function accessToken(): Promise<string> {
    if (cached && Date.now() < cached.renewAt) return Promise.resolve(cached.token);
    // concurrent pages share one token request
    pending ??= mintToken().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  const api: HttpClient = createHttpClient(
    {
      authorize: async () => ({ authorization: `Bearer ${await accessToken()}` }),
      refreshAuth: async () => {
        cached = undefined;
        await accessToken();
        return true;
      },
      retryDelay: (res: HttpResponse, attempt: number, backoffMs: number) => {
        if (isQuotaError(res)) {
          // a 403 quota error that will be retried counts as throttled (the client counts 429 itself)
          if (res.status !== 429 && attempt < (httpCtx.retry?.attempts ?? GOOGLE_RETRY.attempts)) api.stats.throttled++;
          return retryAfterMs(res.headers) ?? backoffMs;
        }
        if (res.status >= 500) return retryAfterMs(res.headers) ?? backoffMs;
        return null;
      },
      toError: (res) => directoryError(res, { ...delegation, customer }),
      // the per-minute quota: one bucket, learned from the first quota error (403 or 429, no Retry-After)
      rateLimit: { limiter: createRateLimiter({ windowMs: configuredWindowMs() }), isThrottle: isQuotaError },
    },
    httpCtx,
  );

  return {
    root,
    customer,
    accessToken,
    async get(path, params = {}) {
      const url = new URL(root + path);
      for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, String(v));
      // a 2xx whose body is cut or empty is asked for again by the shared client (getJson)
      return (await api.getJson(url.toString())).body;
    },
    get stats(): ConnectorStats {
      return {
        requests: api.stats.requests + tokenHttp.stats.requests,
        retries: api.stats.retries + tokenHttp.stats.retries,
        throttled: api.stats.throttled + tokenHttp.stats.throttled,
      };
    },
  };
}
