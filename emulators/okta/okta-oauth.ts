/**
 * The org authorization server's client-credentials flow (`POST /oauth2/v1/token`) for service
 * apps: private_key_jwt client assertions verified against the registered public key, scopes
 * checked against the app's grants, RFC 6749 error bodies. Issued tokens are opaque to clients
 * (JWT-shaped like Okta's), carry their scopes and expire.
 * https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/
 */
import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { CryptoKey, JWK, JWTHeaderParameters } from 'jose';
import { base64url, decodeJwt, errors as joseErrors, importJWK, jwtVerify } from 'jose';
import { OAuthError } from './okta-errors.js';

export interface OktaOAuthClient {
  clientId: string;
  publicKey: CryptoKey | KeyObject | JWK;
  /** Granted `okta.*` scopes ("Okta API Scopes" tab). */
  scopes: string[];
}

export interface IssuedToken {
  clientId: string;
  scopes: ReadonlySet<string>;
  expiresAt: number;
}

export interface OktaTokenService {
  /** Handles a token request body; returns the RFC 6749 success body or throws OAuthError. */
  issue(form: URLSearchParams, tokenUrls: readonly string[]): Promise<Record<string, unknown>>;
  /** The issued token, or undefined when unknown or expired. */
  lookup(accessToken: string): IssuedToken | undefined;
  /** Forget every issued token (tests: force re-authentication). */
  revokeAll(): void;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_ASSERTION_LIFETIME_S = 3600;
const isJwk = (k: OktaOAuthClient['publicKey']): k is JWK => typeof k === 'object' && k !== null && 'kty' in k && typeof k.kty === 'string';

export function createOktaTokenService(options: { clients: OktaOAuthClient[]; ttlSeconds: number; now?: () => number }): OktaTokenService {
  const now = options.now ?? Date.now;
  const clients = new Map(options.clients.map((c) => [c.clientId, c]));
  const tokens = new Map<string, IssuedToken>();
  const seenJti = new Map<string, number>(); // jti -> expiry (ms)

  const purge = () => {
    const t = now();
    for (const [k, v] of seenJti) if (v < t) seenJti.delete(k);
    for (const [k, v] of tokens) if (v.expiresAt < t) tokens.delete(k);
  };

  const keyFor = (client: OktaOAuthClient) => async (header: JWTHeaderParameters) => {
    if (!isJwk(client.publicKey)) return client.publicKey;
    if (client.publicKey.kid && header.kid && client.publicKey.kid !== header.kid) {
      throw new OAuthError(401, 'invalid_client', 'The client_assertion token has a kid that does not match any registered key.');
    }
    return importJWK(client.publicKey, client.publicKey.alg ?? header.alg);
  };

  return {
    async issue(form, tokenUrls) {
      purge();
      const grantType = form.get('grant_type');
      if (!grantType) throw new OAuthError(400, 'invalid_request', "The 'grant_type' parameter is required.");
      if (form.get('client_secret')) throw new OAuthError(401, 'invalid_client', 'Client authentication with client_secret is not allowed for this client.');
      const assertion = form.get('client_assertion');
      if (!assertion) throw new OAuthError(401, 'invalid_client', 'Client authentication failed. Either the client or the client credentials are invalid.');
      if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
        throw new OAuthError(400, 'invalid_request', "The 'client_assertion_type' parameter must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.");
      }
      let claims;
      try {
        claims = decodeJwt(assertion);
      } catch {
        throw new OAuthError(401, 'invalid_client', 'The client_assertion token is malformed.');
      }
      const client = typeof claims.iss === 'string' ? clients.get(claims.iss) : undefined;
      if (!client || (form.get('client_id') && form.get('client_id') !== client.clientId)) {
        throw new OAuthError(401, 'invalid_client', 'The client_id is invalid or the client is not registered.');
      }
      let payload;
      try {
        ({ payload } = await jwtVerify(assertion, keyFor(client), {
          issuer: client.clientId,
          subject: client.clientId,
          audience: [...tokenUrls],
          algorithms: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'],
          requiredClaims: ['exp', 'jti'],
          currentDate: new Date(now()),
          clockTolerance: 5,
        }));
      } catch (err) {
        if (err instanceof OAuthError) throw err;
        const why =
          err instanceof joseErrors.JWTClaimValidationFailed
            ? `The client_assertion token is invalid: '${err.claim}' claim check failed.`
            : err instanceof joseErrors.JWTExpired
              ? 'The client_assertion token is expired.'
              : 'The client_assertion signature is invalid.';
        throw new OAuthError(401, 'invalid_client', why);
      }
      const exp = payload.exp!;
      const iat = payload.iat ?? Math.floor(now() / 1000);
      if (exp - Math.min(iat, Math.floor(now() / 1000)) > MAX_ASSERTION_LIFETIME_S) {
        throw new OAuthError(401, 'invalid_client', 'The client_assertion token has an expiration too far in the future.');
      }
      const jti = `${client.clientId}:${String(payload.jti)}`;
      if (seenJti.has(jti)) throw new OAuthError(401, 'invalid_client', "The client_assertion token has already been used: 'jti' replay.");
      seenJti.set(jti, exp * 1000 + 5000);

      if (grantType !== 'client_credentials') {
        throw new OAuthError(400, 'unsupported_grant_type', `The authorization grant type is not supported by the authorization server. Configured grant types: [client_credentials].`);
      }
      const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
      if (requested.length === 0) {
        throw new OAuthError(400, 'invalid_scope', "The authorization server resource does not have any configured default scopes, 'scope' must be provided.");
      }
      const denied = requested.filter((s) => !client.scopes.includes(s));
      if (denied.length) throw new OAuthError(400, 'invalid_scope', `The following scopes are not allowed: ${denied.join(', ')}`);

      const header = base64url.encode(JSON.stringify({ kid: 'emulator', alg: 'RS256' }));
      const body = base64url.encode(JSON.stringify({ ver: 1, jti: `AT.${base64url.encode(randomBytes(12))}`, cid: client.clientId, scp: requested }));
      const accessToken = `${header}.${body}.${base64url.encode(randomBytes(32))}`;
      tokens.set(accessToken, { clientId: client.clientId, scopes: new Set(requested), expiresAt: now() + options.ttlSeconds * 1000 });
      return { token_type: 'Bearer', expires_in: options.ttlSeconds, access_token: accessToken, scope: requested.join(' ') };
    },
    lookup(accessToken) {
      const t = tokens.get(accessToken);
      if (!t) return undefined;
      if (t.expiresAt <= now()) {
        tokens.delete(accessToken);
        return undefined;
      }
      return t;
    },
    revokeAll: () => tokens.clear(),
  };
}
