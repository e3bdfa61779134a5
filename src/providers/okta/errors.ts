/**
 * Turns Okta's final non-2xx answers into the ProviderError an admin reads: what failed, the Okta
 * error code, and where in the Okta admin console to fix it.
 * Reference: https://developer.okta.com/docs/reference/error-codes/
 */
import type { HttpResponse } from '../http/http-client.js';
import { redact } from '../http/http-client.js';
import { ProviderError } from '../provider-error.js';
import { oauthErrorGuard, oktaErrorGuard, type OktaErrorBody } from './wire.js';

export type OktaAuthKind = 'api_token' | 'service_app';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function oktaBody(res: HttpResponse): OktaErrorBody | null {
  const r = oktaErrorGuard.safeParse(parseJson(res.text));
  return r.success ? r.data : null;
}

/** "E0000011 Invalid token provided" plus the causes Okta lists, for the message. */
function describe(body: OktaErrorBody | null, status: number): string {
  if (!body) return `HTTP ${status}`;
  const causes = (body.errorCauses ?? []).map((c) => c.errorSummary).filter(Boolean);
  return `${body.errorCode} ${body.errorSummary}${causes.length ? `: ${causes.join('; ')}` : ''}`;
}

/** Reads one auth-param (`scope="okta.users.read"`) of a WWW-Authenticate challenge. */
export function authParam(header: string | null, name: string): string | null {
  if (!header) return null;
  const m = new RegExp(`(?:^|[\\s,])${name}="([^"]*)"`, 'i').exec(header) ?? new RegExp(`(?:^|[\\s,])${name}=([^\\s,]+)`, 'i').exec(header);
  return m?.[1] ?? null;
}

/** The scope an API path needs, for a 403 without a WWW-Authenticate scope. */
function scopeForPath(url: string): string | null {
  const path = new URL(url).pathname;
  if (/^\/api\/v1\/groups/.test(path)) return 'okta.groups.read';
  if (/^\/api\/v1\/users/.test(path)) return 'okta.users.read';
  if (/^\/api\/v1\/logs/.test(path)) return 'okta.logs.read';
  return null;
}

export function oktaApiError(res: HttpResponse, authKind: OktaAuthKind): ProviderError {
  const body = oktaBody(res);
  const u = new URL(res.url);
  const host = u.host;
  const details = { status: res.status, url: redact(res.url), ...(body ? { providerCode: body.errorCode } : {}) };
  const what = describe(body, res.status);
  switch (res.status) {
    case 401:
      return authKind === 'api_token'
        ? new ProviderError(
            'auth_failed',
            `Okta rejected the API token (${body ? what : 'E0000011 Invalid token provided'}). Create a new token in Okta Admin > Security > API > Tokens.`,
            { ...details, hint: 'API tokens expire after 30 days unused and stop working when the admin who created them is deactivated.' },
          )
        : new ProviderError(
            'auth_failed',
            `Okta rejected the service app's access token (${what}) even after a new one was requested. Check that the app is active in Okta Admin > Applications.`,
            details,
          );
    case 403: {
      const challenge = res.headers.get('www-authenticate');
      const insufficientScope = authParam(challenge, 'error') === 'insufficient_scope';
      const scope = authParam(challenge, 'scope') ?? (authKind === 'service_app' ? scopeForPath(res.url) : null);
      if (authKind === 'service_app' && (insufficientScope || scope)) {
        const named = scope ?? 'okta.users.read and okta.groups.read';
        return new ProviderError(
          'permission_denied',
          `Okta denied ${u.pathname} (${what}): the service app lacks the ${named} scope. Grant it in Okta Admin > Applications > your app > Okta API Scopes, and give the app an admin role such as Read-only Administrator.`,
          { ...details, hint: `missing scope: ${named}` },
        );
      }
      return new ProviderError(
        'permission_denied',
        authKind === 'api_token'
          ? `Okta denied ${u.pathname} (${what}): the admin who created the API token needs an admin role that can read users and groups, such as Read-only Administrator.`
          : `Okta denied ${u.pathname} (${what}): give the service app an admin role that can read users and groups, such as Read-only Administrator (Okta Admin > Applications > your app > Admin roles).`,
        details,
      );
    }
    case 404: {
      const group = /^\/api\/v1\/groups\/([^/]+)\/users/.exec(u.pathname);
      if (group && body)
        return new ProviderError('not_found', `The Okta group ${group[1]} no longer exists (${what}).`, details);
      return new ProviderError(
        'not_found',
        `There is no Okta org at ${u.origin}: ${u.pathname} returned 404 (${what}). Check the org URL, e.g. https://acme.okta.com.`,
        details,
      );
    }
    case 429:
      return new ProviderError(
        'rate_limited',
        `Okta kept throttling requests to ${u.pathname} (${body ? what : 'E0000047 API call exceeded rate limit'}) after every retry. Try again later, or raise the API rate limits of ${host}.`,
        details,
      );
    default:
      if (res.status >= 500)
        return new ProviderError('transient', `Okta (${host}) kept failing with ${what} on ${u.pathname} after every retry.`, details);
      return new ProviderError('bad_request', `Okta rejected the request to ${u.pathname} (${what}).`, details);
  }
}

/** Errors of the org authorization server's /oauth2/v1/token (RFC 6749 §5.2 bodies). */
export function oauthTokenError(res: HttpResponse, clientId: string, scopes: string[]): ProviderError {
  const parsed = oauthErrorGuard.safeParse(parseJson(res.text));
  const u = new URL(res.url);
  const details = { status: res.status, url: redact(res.url), ...(parsed.success ? { providerCode: parsed.data.error } : {}) };
  if (!parsed.success) {
    if (res.status === 404)
      return new ProviderError('not_found', `There is no Okta org at ${u.origin}: the token endpoint returned 404. Check the org URL, e.g. https://acme.okta.com.`, details);
    if (res.status === 429)
      return new ProviderError('rate_limited', `Okta kept throttling token requests at ${u.origin} after every retry. Try again later.`, details);
    if (res.status >= 500)
      return new ProviderError('transient', `Okta's token endpoint at ${u.origin} kept failing with HTTP ${res.status}.`, details);
    return new ProviderError('auth_failed', `Okta's token endpoint at ${u.origin} answered HTTP ${res.status} without an OAuth error.`, details);
  }
  const { error, error_description: description } = parsed.data;
  const said = `${error}${description ? `: ${description}` : ''}`;
  switch (error) {
    case 'invalid_client':
      return new ProviderError(
        'auth_failed',
        `Okta rejected the service app ${clientId} (${said}). Check the client ID, that the app's client authentication is "Public key / Private key", and that privateKey matches a public key registered on the app (and keyId its KID).`,
        details,
      );
    case 'invalid_scope':
      return new ProviderError(
        'permission_denied',
        `Okta refused the scopes ${scopes.join(' ')} for the service app ${clientId} (${said}). Grant them in Okta Admin > Applications > your app > Okta API Scopes.`,
        { ...details, hint: `scopes: ${scopes.join(' ')}` },
      );
    case 'unauthorized_client':
      return new ProviderError(
        'permission_denied',
        `The app ${clientId} may not use the client credentials grant (${said}). Use an API Services app, or allow "Client Credentials" in the app's grant types.`,
        details,
      );
    case 'use_dpop_nonce':
    case 'invalid_dpop_proof':
      return new ProviderError(
        'auth_failed',
        `The service app ${clientId} requires DPoP-bound tokens (${said}), which AccessIQ does not send yet. Turn off "Require Demonstrating Proof of Possession (DPoP) header in token requests" in the app's General settings.`,
        details,
      );
    default:
      if (res.status >= 500) return new ProviderError('transient', `Okta's token endpoint kept failing (${said}).`, details);
      return new ProviderError('auth_failed', `Okta refused to issue an access token for the service app ${clientId} (${said}).`, details);
  }
}
