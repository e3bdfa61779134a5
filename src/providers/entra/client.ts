/**
 * Auth and HTTP for Microsoft Graph: the client-credentials grant (client secret, or a certificate
 * assertion signed PS256 with an `x5t#S256` header), a cached access token refreshed before it
 * expires and once on a 401, and a Graph HTTP client whose errors speak to the admin.
 * https://learn.microsoft.com/entra/identity-platform/certificate-credentials
 */
import { X509Certificate, createHash, createPrivateKey, randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import { createHttpClient } from '../http/http-client.js';
import type { HttpClient } from '../http/http-client.js';
import { configuredWindowMs, createRateLimiter } from '../http/rate-limiter.js';
import { ProviderError } from '../provider-error.js';
import type { ConnectorContext, ConnectorStats } from '../types.js';
import { entraEndpoints, graphUrlOf, tokenUrlOf } from './credentials.js';
import type { EntraCredentials } from './credentials.js';
import { graphError, tokenError } from './errors.js';
import { accessTokenClaimsGuard, tokenResponseGuard } from './wire.js';

/** Renew this long before `expires_in` runs out, so a page never leaves with a dying token. */
const RENEW_EARLY_MS = 5 * 60_000;
const ASSERTION_LIFETIME_S = 10 * 60;

export interface EntraClient {
  /** `https://graph.microsoft.com/v1.0` or the configured Graph base. */
  readonly graphBase: string;
  readonly stats: ConnectorStats;
  /** GET a Graph URL (absolute) and return its JSON body. */
  getJson(url: string): Promise<unknown>;
  /** A valid access token (cached). */
  accessToken(): Promise<string>;
  /** The app roles in the current access token, or null when the token is not a readable JWT. */
  grantedRoles(): Promise<string[] | null>;
}

export function createEntraClient(credentials: EntraCredentials, ctx: ConnectorContext = {}): EntraClient {
  const tokenUrl = tokenUrlOf(credentials);
  const scope = `${entraEndpoints(credentials).graph}/.default`;
  let cached: { token: string; renewAt: number } | null = null;
  let pending: Promise<string> | null = null;

  const tokenHttp = createHttpClient({ toError: tokenError }, ctx);

  async function fetchToken(): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, scope });
    if (credentials.clientSecret != null) form.set('client_secret', credentials.clientSecret);
    else {
      form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      form.set('client_assertion', await clientAssertion(credentials, tokenUrl));
    }
    const res = await tokenHttp.send({ method: 'POST', url: tokenUrl, body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const parsed = tokenResponseGuard.safeParse(res.json());
    if (!parsed.success)
      throw new ProviderError('invalid_response', 'The Microsoft Entra ID token endpoint answered without an access token.', { status: res.status, url: tokenUrl });
    const lifetimeMs = parsed.data.expires_in * 1000;
    cached = { token: parsed.data.access_token, renewAt: Date.now() + Math.max(lifetimeMs / 2, lifetimeMs - RENEW_EARLY_MS) };
    return parsed.data.access_token;
  }

  async function accessToken(): Promise<string> {
    if (cached && Date.now() < cached.renewAt) return cached.token;
    // one token request at a time, however many pages ask concurrently
    pending ??= fetchToken().finally(() => (pending = null));
    return pending;
  }

  const graphHttp: HttpClient = createHttpClient(
    {
      authorize: async () => ({ authorization: `Bearer ${await accessToken()}` }),
      refreshAuth: async () => {
        cached = null;
        try {
          await accessToken();
          return true;
        } catch {
          return false;
        }
      },
      toError: graphError,
      // Graph's budget is per app and tenant: one bucket, learned from the first 429 and its Retry-After
      rateLimit: { limiter: createRateLimiter({ windowMs: configuredWindowMs() }) },
    },
    ctx,
  );

  const stats: ConnectorStats = {
    get requests() {
      return tokenHttp.stats.requests + graphHttp.stats.requests;
    },
    get retries() {
      return tokenHttp.stats.retries + graphHttp.stats.retries;
    },
    get throttled() {
      return tokenHttp.stats.throttled + graphHttp.stats.throttled;
    },
  };

  return {
    graphBase: graphUrlOf(credentials),
    stats,
    accessToken,
    async getJson(url) {
      return (await graphHttp.getJson(url)).body;
    },
    async grantedRoles() {
      const token = await accessToken();
      try {
        const claims = accessTokenClaimsGuard.safeParse(decodeJwt(token));
        return claims.success ? (claims.data.roles ?? []) : null;
      } catch {
        return null; // an opaque token: nothing to preflight, the calls themselves will tell
      }
    },
  };
}

/** The certificate credential: a short-lived JWT signed with the certificate's private key. */
export async function clientAssertion(credentials: EntraCredentials, tokenUrl: string): Promise<string> {
  if (!credentials.certificate || !credentials.privateKey) throw new ProviderError('auth_failed', 'No client secret and no certificate are configured for this directory.');
  const der = new X509Certificate(credentials.certificate).raw;
  const thumbprint = createHash('sha256').update(der).digest('base64url');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'PS256', typ: 'JWT', 'x5t#S256': thumbprint })
    .setIssuer(credentials.clientId)
    .setSubject(credentials.clientId)
    .setAudience(tokenUrl)
    .setJti(randomUUID())
    .setNotBefore(now - 30) // tolerate a little clock skew between us and Entra
    .setIssuedAt(now)
    .setExpirationTime(now + ASSERTION_LIFETIME_S)
    .sign(createPrivateKey(credentials.privateKey));
}
