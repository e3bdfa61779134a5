/**
 * Access tokens for an OAuth 2.0 service app: client_credentials at the org authorization server
 * (`{org}/oauth2/v1/token`; a custom server such as /oauth2/default cannot mint `okta.*` scopes),
 * authenticated with a private_key_jwt client assertion. Tokens are cached until about a minute
 * before they expire and re-minted on demand (after a 401).
 * Reference: https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { createHttpClient, sleep, type HttpResponse } from '../http/http-client.js';
import { rateLimitResetMs, retryAfterMs } from '../http/retry-after.js';
import { ProviderError, isProviderError } from '../provider-error.js';
import type { ConnectorContext, ConnectorStats } from '../types.js';
import { DEFAULT_OKTA_SCOPES, type OktaServiceAppCredentials } from './credentials.js';
import { oauthTokenError } from './errors.js';
import { importSigningKey, type SigningKey } from './signing-key.js';
import { tokenResponseGuard } from './wire.js';

/** Re-mint this long before Okta's expiry so a token never dies mid-request. */
const EXPIRY_MARGIN_MS = 60_000;
/** Okta accepts assertions up to 1 h ahead; the official SDK uses 5 minutes. */
const ASSERTION_LIFETIME_S = 300;

export interface ServiceAppTokenSource {
  /** A valid access token, from the cache or freshly minted. */
  get(): Promise<string>;
  /** Drops the cached token and mints a new one. */
  refresh(): Promise<string>;
  /** Scopes Okta granted on the last token, when it said. */
  readonly grantedScope: string | null;
  readonly stats: ConnectorStats;
}

export function createServiceAppTokenSource(creds: OktaServiceAppCredentials, ctx: ConnectorContext = {}): ServiceAppTokenSource {
  const tokenUrl = `${creds.orgUrl}/oauth2/v1/token`;
  const scopes = creds.scopes ?? [...DEFAULT_OKTA_SCOPES];
  const attempts = ctx.retry?.attempts ?? 5;
  const baseDelayMs = ctx.retry?.baseDelayMs ?? 500;
  const maxDelayMs = ctx.retry?.maxDelayMs ?? 30_000;
  const last: { failure: HttpResponse | null } = { failure: null };
  // One attempt per send: every retry needs a new assertion, since Okta rejects a replayed jti.
  const http = createHttpClient(
    {
      retryDelay: () => null,
      toError: (res) => {
        last.failure = res;
        return oauthTokenError(res, creds.clientId, scopes);
      },
    },
    { ...ctx, retry: { ...ctx.retry, attempts: 1 } },
  );
  const ownStats = { retries: 0, throttled: 0 };
  let signingKey: Promise<SigningKey> | null = null;
  let cached: { token: string; refreshAt: number } | null = null;
  let pending: Promise<string> | null = null;
  let grantedScope: string | null = null;

  async function assertion(): Promise<string> {
    signingKey ??= importSigningKey(creds.privateKey, creds.keyId).catch((e: unknown) => {
      signingKey = null;
      throw new ProviderError('auth_failed', `The service app's private key cannot be used: ${(e as Error).message}`);
    });
    const { key, alg, kid } = await signingKey;
    return new SignJWT({})
      .setProtectedHeader({ alg, ...(kid ? { kid } : {}) })
      .setIssuer(creds.clientId)
      .setSubject(creds.clientId)
      .setAudience(tokenUrl) // must be the exact token URL
      .setIssuedAt()
      .setExpirationTime(`${ASSERTION_LIFETIME_S}s`)
      .setJti(randomUUID())
      .sign(key);
  }

  async function requestToken(): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        scope: scopes.join(' '),
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await assertion(),
      });
      try {
        return await http.send({ method: 'POST', url: tokenUrl, body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      } catch (e) {
        const retryable = isProviderError(e) && (e.code === 'transient' || e.code === 'rate_limited');
        if (!retryable || attempt >= attempts) throw e;
        const failed = last.failure;
        last.failure = null;
        const serverWait = failed ? (rateLimitResetMs(failed.headers) ?? retryAfterMs(failed.headers)) : null;
        if (failed?.status === 429) ownStats.throttled++;
        ownStats.retries++;
        const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
        await sleep(serverWait ?? Math.round(exp / 2 + Math.random() * (exp / 2)), ctx.signal);
      }
    }
  }

  async function mint(): Promise<string> {
    const res = await requestToken();
    let json: unknown;
    try {
      json = res.json();
    } catch {
      throw new ProviderError('invalid_response', `Okta's token endpoint at ${creds.orgUrl} sent a body that is not JSON.`, { status: res.status });
    }
    const parsed = tokenResponseGuard.safeParse(json);
    if (!parsed.success)
      throw new ProviderError('invalid_response', `Okta's token endpoint at ${creds.orgUrl} sent an unexpected token response (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''}).`, { status: res.status });
    if (parsed.data.token_type.toLowerCase() !== 'bearer')
      throw new ProviderError(
        'auth_failed',
        `Okta issued a ${parsed.data.token_type} token; AccessIQ sends Bearer tokens only. Turn off DPoP for the service app ${creds.clientId}.`,
      );
    const lifetimeMs = parsed.data.expires_in * 1000;
    cached = { token: parsed.data.access_token, refreshAt: Date.now() + Math.max(lifetimeMs - EXPIRY_MARGIN_MS, lifetimeMs / 2) };
    grantedScope = parsed.data.scope ?? null;
    return parsed.data.access_token;
  }

  function mintOnce(): Promise<string> {
    // concurrent callers share one token request
    pending ??= mint().finally(() => {
      pending = null;
    });
    return pending;
  }

  return {
    async get() {
      if (cached && Date.now() < cached.refreshAt) return cached.token;
      return mintOnce();
    },
    refresh() {
      cached = null;
      return mintOnce();
    },
    get grantedScope() {
      return grantedScope;
    },
    stats: {
      get requests() {
        return http.stats.requests;
      },
      get retries() {
        return ownStats.retries;
      },
      get throttled() {
        return ownStats.throttled;
      },
    },
  };
}
