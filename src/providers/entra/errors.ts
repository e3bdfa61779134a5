/**
 * Turns Microsoft's error answers into ProviderErrors an IT admin can act on: AADSTS codes from the
 * token endpoint, `{error:{code,message}}` bodies from Graph. Graph puts the reason in `code`,
 * never in `message` (https://learn.microsoft.com/graph/errors).
 */
import { ProviderError } from '../provider-error.js';
import { redact } from '../http/http-client.js';
import type { HttpResponse } from '../http/http-client.js';
import { graphErrorGuard, tokenErrorGuard } from './wire.js';

export const REQUIRED_PERMISSIONS = ['User.Read.All', 'Group.Read.All', 'GroupMember.Read.All'] as const;

export const GRANT_HINT =
  'Grant the application permissions User.Read.All, Group.Read.All and GroupMember.Read.All (Application) and admin consent in Entra admin center > App registrations > API permissions.';

const SECRETS = 'Entra admin center > App registrations > your app > Certificates & secrets';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The token endpoint's answer: `{error, error_description: "AADSTS7000215: ...", error_codes}`. */
export function tokenError(res: HttpResponse): ProviderError {
  const parsed = tokenErrorGuard.safeParse(parseJson(res.text));
  const base = { status: res.status, url: redact(res.url) };
  if (!parsed.success) {
    if (res.status === 429) return new ProviderError('rate_limited', 'Microsoft Entra ID kept throttling token requests; the sync will try again later.', base);
    if (res.status >= 500) return new ProviderError('transient', `The Microsoft Entra ID sign-in service failed (HTTP ${res.status}); try again later.`, base);
    if (res.status === 404) return new ProviderError('not_found', `No token endpoint at ${redact(res.url)}: check the login endpoint and the tenant ID.`, base);
    return new ProviderError('invalid_response', `The Microsoft Entra ID token endpoint answered HTTP ${res.status} with a body that is not an OAuth error.`, base);
  }
  const e = parsed.data;
  const aadsts = e.error_codes?.[0] ?? Number(/AADSTS(\d+)/.exec(e.error_description ?? '')?.[1] ?? NaN);
  const details = { ...base, providerCode: Number.isNaN(aadsts) ? e.error : `AADSTS${aadsts}`, hint: e.trace_id ? `Trace ID ${e.trace_id}` : undefined };
  switch (aadsts) {
    case 7000215:
      return new ProviderError('auth_failed', `The client secret is wrong. Paste the secret's Value (not its Secret ID) from ${SECRETS}, or create a new secret there.`, details);
    case 7000222:
      return new ProviderError('auth_failed', `The client secret has expired. Create a new secret in ${SECRETS} and update this directory.`, details);
    case 700016:
      return new ProviderError('auth_failed', 'No application with this client ID exists in the tenant. Check the Application (client) ID in Entra admin center > App registrations, and that the app lives in this tenant.', details);
    case 90002:
    case 90033:
      return new ProviderError('not_found', 'This tenant does not exist. Check the Directory (tenant) ID in Entra admin center > Overview, and the cloud (global, US Government, China).', details);
    case 700027:
      return new ProviderError('auth_failed', `Entra ID did not accept the certificate assertion: upload this certificate (its public part, .cer/.pem) in ${SECRETS} > Certificates, and check that the private key belongs to it.`, details);
    case 700024:
      return new ProviderError('auth_failed', 'Entra ID rejected the certificate assertion as outside its validity time: check the clock of the server running AccessIQ.', details);
    case 70011:
      return new ProviderError('bad_request', 'Entra ID rejected the requested scope. Check the Graph endpoint for the chosen cloud.', details);
    case 7000229:
    case 500011:
      return new ProviderError('permission_denied', `The application has no service principal or no consent in this tenant. ${GRANT_HINT}`, details);
    default: {
      const code = e.error === 'invalid_client' || res.status === 401 ? 'auth_failed' : res.status >= 500 ? 'transient' : 'auth_failed';
      const first = (e.error_description ?? e.error).split(/\r?\n/)[0] ?? e.error;
      return new ProviderError(code, `Microsoft Entra ID refused the sign-in: ${first}`, details);
    }
  }
}

/** Graph's `{error:{code,message,innerError:{request-id}}}` (and the 410 of a reset delta round). */
export function graphError(res: HttpResponse): ProviderError {
  const parsed = graphErrorGuard.safeParse(parseJson(res.text));
  const status = res.status;
  const graphCode = parsed.success ? parsed.data.error.code : undefined;
  const graphMessage = parsed.success ? parsed.data.error.message : '';
  const requestId = (parsed.success ? parsed.data.error.innerError?.['request-id'] : undefined) ?? res.headers.get('request-id') ?? undefined;
  const details = { status, providerCode: graphCode, url: redact(res.url), hint: requestId ? `Graph request-id ${requestId}` : undefined };
  const said = graphMessage ? ` Microsoft Graph said: "${graphMessage}"` : '';

  // Graph spells these codes in either case (`SyncStateNotFound` on some workloads)
  const lowerCode = graphCode?.toLowerCase() ?? '';
  if (status === 410 || lowerCode === 'syncstatenotfound' || lowerCode === 'resyncrequired' || lowerCode === 'syncstateinvalid')
    return new ProviderError('delta_expired', 'The stored Microsoft Graph delta link is no longer valid; a full read is needed.', details);
  if (status === 401)
    return new ProviderError('auth_failed', `Microsoft Graph rejected the access token (${graphCode ?? 'HTTP 401'}). Check the tenant, the cloud and the app's credentials.${said}`, details);
  if (status === 403 || graphCode === 'Authorization_RequestDenied')
    return new ProviderError('permission_denied', `Microsoft Graph denied access (${graphCode ?? 'HTTP 403'}). ${GRANT_HINT}`, details);
  if (status === 404)
    return new ProviderError('not_found', `Microsoft Graph has no such object (${graphCode ?? 'HTTP 404'}) at ${redact(res.url)}.${said}`, details);
  if (status === 429)
    return new ProviderError('rate_limited', `Microsoft Graph kept throttling this app (${graphCode ?? 'TooManyRequests'}); the sync will try again later.`, details);
  if (status >= 500)
    return new ProviderError('transient', `Microsoft Graph failed with HTTP ${status} (${graphCode ?? 'no error code'}); try again later.${said}`, details);
  if (!parsed.success)
    return new ProviderError('invalid_response', `Microsoft Graph answered HTTP ${status} with a body that is not a Graph error, for ${redact(res.url)}.`, details);
  return new ProviderError('bad_request', `Microsoft Graph rejected the request (${graphCode}).${said}`, details);
}
