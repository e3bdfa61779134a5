/**
 * Google's answers → ProviderError, written for the Workspace admin who has to fix them. Directory
 * API errors are classified by `errors[0].reason`, not the status alone: Google sends quota errors
 * as 403 as well as 429 (https://developers.google.com/admin-sdk/directory/v1/limits).
 */
import { ProviderError } from '../provider-error.js';
import { redact, type HttpResponse } from '../http/http-client.js';
import { googleErrorGuard, oauthErrorGuard } from './wire.js';

export const READ_ONLY_SCOPES = [
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
  'https://www.googleapis.com/auth/admin.directory.group.readonly',
  'https://www.googleapis.com/auth/admin.directory.group.member.readonly',
  'https://www.googleapis.com/auth/admin.directory.orgunit.readonly',
];

/** 403 reasons that mean "slow down", not "forbidden". */
const QUOTA_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);

export interface DelegationInfo {
  clientEmail: string;
  clientId?: string | undefined;
  adminEmail: string;
}

export function delegationHint(d: DelegationInfo): string {
  const client = d.clientId ? `client ID ${d.clientId}` : `the client ID of ${d.clientEmail}`;
  return (
    `Authorize the service account's client ID for domain-wide delegation with the scopes ${READ_ONLY_SCOPES.join(',')} ` +
    `in Admin console > Security > API controls > Domain-wide delegation (${client}), and make sure adminEmail (${d.adminEmail}) is a super admin.`
  );
}

export function googleErrorOf(res: HttpResponse): { reason?: string; message?: string } {
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return {};
  }
  const parsed = googleErrorGuard.safeParse(body);
  if (!parsed.success) return {};
  const reason = parsed.data.error.errors?.[0]?.reason;
  const message = parsed.data.error.message;
  return { ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

export const isQuotaError = (res: HttpResponse): boolean =>
  res.status === 429 || (res.status === 403 && QUOTA_REASONS.has(googleErrorOf(res).reason ?? ''));

/** A final (non-retried or retried-out) Directory API error. */
export function directoryError(res: HttpResponse, d: DelegationInfo & { customer: string }): ProviderError {
  const { reason, message } = googleErrorOf(res);
  const details = { status: res.status, url: redact(res.url), ...(reason ? { providerCode: reason } : {}) };
  const said = message ? ` Google said: "${message}".` : '';
  if (isQuotaError(res))
    return new ProviderError('rate_limited', `Google's Directory API quota is still exhausted after every retry (${reason ?? res.status}). The next run will try again; a large domain may need a higher quota in the Google Cloud console.`, details);
  if (res.status === 401)
    return new ProviderError('auth_failed', `Google rejected the access token for the Directory API even after a new one was issued.${said}`, details);
  if (res.status === 403) {
    const hint = delegationHint(d);
    return new ProviderError('permission_denied', `Google refused access to the Directory API as ${d.adminEmail}.${said} ${hint}`, { ...details, hint });
  }
  if (res.status === 404) return new ProviderError('not_found', `Google has no such resource (${redact(res.url)}).${said}`, details);
  // A customer id Google does not know is answered with a bare 400 "Bad Request".
  if (res.status === 400 && (message === 'Bad Request' || reason === 'badRequest') && /\/(users|groups|orgunits)$/.test(new URL(res.url).pathname))
    return new ProviderError(
      'not_found',
      `Google does not know the customer "${d.customer}". Leave customerId empty (my_customer, the admin's own account) or copy the ID from Admin console > Account > Account settings.`,
      details,
    );
  if (res.status >= 500) return new ProviderError('transient', `Google's Directory API kept failing (HTTP ${res.status}) after every retry.${said}`, details);
  return new ProviderError('bad_request', `Google rejected the request (HTTP ${res.status}).${said}`, details);
}

/** A final error of the token endpoint (RFC 6749 error JSON). */
export function tokenError(res: HttpResponse, d: DelegationInfo): ProviderError {
  let body: unknown = null;
  try {
    body = JSON.parse(res.text);
  } catch {
    // not JSON: handled by status below
  }
  const parsed = oauthErrorGuard.safeParse(body);
  const code = parsed.success ? parsed.data.error : undefined;
  const description = parsed.success ? (parsed.data.error_description ?? '') : '';
  const details = { status: res.status, url: redact(res.url), ...(code ? { providerCode: code } : {}) };
  const said = description ? ` Google said: "${description}".` : '';
  if (code === 'unauthorized_client' || code === 'access_denied') {
    const hint = delegationHint(d);
    return new ProviderError('permission_denied', `Google will not issue a token for ${d.clientEmail} acting as ${d.adminEmail}.${said} ${hint}`, { ...details, hint });
  }
  if (code === 'invalid_grant') {
    if (/signature/i.test(description))
      return new ProviderError('auth_failed', `Google rejected the service account key's signature: the key was deleted, disabled or belongs to another service account. Create a new JSON key for ${d.clientEmail} and save it here.${said}`, details);
    if (/email|user id|subject|sub\b/i.test(description))
      return new ProviderError('auth_failed', `Google does not accept adminEmail ${d.adminEmail} (no such user in the Workspace, or not allowed to be impersonated). Use the email of an existing super admin.${said}`, details);
    if (/iat|exp|time|clock|short-lived/i.test(description))
      return new ProviderError('auth_failed', `Google rejected the sign-in as outside its time window: this server's clock is probably wrong. Sync it (NTP) and try again.${said}`, details);
    return new ProviderError('auth_failed', `Google rejected the service account sign-in (invalid_grant).${said} Check the key file and adminEmail.`, details);
  }
  if (code === 'invalid_client')
    return new ProviderError('auth_failed', `Google does not accept the service account ${d.clientEmail}: the account or its key was deleted or disabled. Create a new JSON key and save it here.${said}`, details);
  if (res.status === 429) return new ProviderError('rate_limited', 'Google\'s token endpoint is still throttling after every retry.', details);
  if (res.status >= 500) return new ProviderError('transient', `Google's token endpoint kept failing (HTTP ${res.status}) after every retry.`, details);
  if (res.status === 404)
    return new ProviderError('unreachable', `There is no token endpoint at ${redact(res.url)} (HTTP 404): check token_uri in the key file.`, details);
  return new ProviderError('auth_failed', `Google's token endpoint refused the sign-in (HTTP ${res.status}${code ? `, ${code}` : ''}).${said}`, details);
}
