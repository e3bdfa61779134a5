/**
 * `POST /token`: Google's OAuth 2.0 JWT bearer grant for service accounts
 * (https://developers.google.com/identity/protocols/oauth2/service-account#httprest). Checks what
 * Google checks: RS256 signature with the service account's key, issuer, audience, a lifetime of at
 * most one hour, a `sub` that exists in the domain, and scopes within the delegated allow-list.
 * Error texts are Google's.
 */
import { randomBytes, verify } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readBody, sendJson } from '../shared/http.js';
import { sendOAuthError } from './errors.js';
import type { ServiceAccount } from './service-account.js';

export const READ_ONLY_SCOPES = [
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
  'https://www.googleapis.com/auth/admin.directory.group.readonly',
  'https://www.googleapis.com/auth/admin.directory.group.member.readonly',
  'https://www.googleapis.com/auth/admin.directory.orgunit.readonly',
];

const GOOGLE_TOKEN_AUD = 'https://oauth2.googleapis.com/token';
const TOKEN_LIFETIME_S = 3599;
/** Google tolerates a little clock skew on iat. */
const SKEW_S = 300;
const TIMEFRAME_MESSAGE =
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.';

const headerGuard = z.looseObject({ alg: z.string() });
const claimsGuard = z.looseObject({
  iss: z.string(),
  sub: z.string().optional(),
  scope: z.string().optional(),
  aud: z.union([z.string(), z.array(z.string())]),
  iat: z.number(),
  exp: z.number(),
});

export interface IssuedToken {
  /** The impersonated user (`sub`); undefined when the service account acts as itself. */
  subject: string | undefined;
  scopes: Set<string>;
  expiresAt: number;
}

export interface TokenEndpointOptions {
  account: ServiceAccount;
  /** URLs accepted as `aud`: this emulator's token_uri (and Google's, which its Node library always sends). */
  audiences: () => string[];
  /** The delegated allow-list (Admin console > Security > API controls > Domain-wide delegation). */
  grantedScopes: Set<string>;
  /** Is this email a user of the emulated domain? (an unknown `sub` is `invalid_grant`) */
  userExists: (email: string) => boolean;
  now?: () => number;
}

export interface TokenEndpoint {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** The issued token behind an `Authorization: Bearer` value, when valid and unexpired. */
  lookup(accessToken: string): IssuedToken | undefined;
  /** Forgets every issued token (an admin revoking sessions). */
  revokeAll(): void;
}

function decodePart(part: string): unknown {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
}

export function createTokenEndpoint(options: TokenEndpointOptions): TokenEndpoint {
  const now = options.now ?? Date.now;
  const issued = new Map<string, IssuedToken>();
  const clientEmail = options.account.key.client_email;

  return {
    lookup(accessToken) {
      const t = issued.get(accessToken);
      if (!t) return undefined;
      if (t.expiresAt <= now()) {
        issued.delete(accessToken);
        return undefined;
      }
      return t;
    },
    revokeAll: () => issued.clear(),
    async handle(req, res) {
      const form = new URLSearchParams(await readBody(req, 64 * 1024));
      const grantType = form.get('grant_type');
      if (grantType !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
        return sendOAuthError(res, 400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
      const assertion = form.get('assertion') ?? '';
      const parts = assertion.split('.');
      if (parts.length !== 3) return sendOAuthError(res, 400, 'invalid_request', 'Invalid JWT: could not be parsed.');
      let header: z.infer<typeof headerGuard>;
      let claims: z.infer<typeof claimsGuard>;
      try {
        header = headerGuard.parse(decodePart(parts[0]!));
        claims = claimsGuard.parse(decodePart(parts[1]!));
      } catch {
        return sendOAuthError(res, 400, 'invalid_request', 'Invalid JWT: could not be parsed.');
      }
      if (header.alg !== 'RS256') return sendOAuthError(res, 400, 'invalid_grant', 'Invalid JWT Signature.');
      if (claims.iss !== clientEmail) return sendOAuthError(res, 401, 'invalid_client', 'The OAuth client was not found.');
      const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
      const signature = Buffer.from(parts[2]!, 'base64url');
      if (!verify('RSA-SHA256', signed, options.account.publicKey, signature))
        return sendOAuthError(res, 400, 'invalid_grant', 'Invalid JWT Signature.');
      const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!audiences.some((a) => options.audiences().includes(a)))
        return sendOAuthError(res, 400, 'invalid_grant', 'Invalid JWT: Failed audience check.');
      const nowS = Math.floor(now() / 1000);
      if (claims.exp - claims.iat > 3600 || claims.exp <= claims.iat || claims.iat > nowS + SKEW_S || claims.exp < nowS - SKEW_S)
        return sendOAuthError(res, 400, 'invalid_grant', TIMEFRAME_MESSAGE);
      const scopes = (claims.scope ?? '').split(/\s+/).filter(Boolean);
      if (scopes.length === 0) return sendOAuthError(res, 400, 'invalid_scope', 'Empty or missing scope not allowed.');
      if (claims.sub !== undefined) {
        if (!options.userExists(claims.sub)) return sendOAuthError(res, 400, 'invalid_grant', 'Invalid email or User ID');
        // delegation only covers what the admin allow-listed for this client id
        if (!scopes.every((s) => options.grantedScopes.has(s)))
          return sendOAuthError(
            res,
            401,
            'unauthorized_client',
            'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
          );
      }
      const accessToken = `ya29.a0${randomBytes(48).toString('base64url')}`;
      issued.set(accessToken, { subject: claims.sub, scopes: new Set(scopes), expiresAt: now() + TOKEN_LIFETIME_S * 1000 });
      sendJson(res, 200, { access_token: accessToken, expires_in: TOKEN_LIFETIME_S, token_type: 'Bearer' }, { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' });
    },
  };
}

export { GOOGLE_TOKEN_AUD };
