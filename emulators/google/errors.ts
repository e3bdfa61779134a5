/**
 * Google's error bodies, as the Directory API and the OAuth token endpoint send them.
 * Directory API: `{"error":{"code","message","errors":[{"message","domain","reason",…}],"status"}}`;
 * token endpoint: RFC 6749 `{"error","error_description"}`.
 */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../shared/http.js';

export interface GoogleErrorDetail {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** What Google says for each reason the emulator produces (status, message, error domain). */
const CANONICAL: Record<string, { code: number; message: string; domain: string }> = {
  badRequest: { code: 400, message: 'Bad Request', domain: 'global' },
  invalid: { code: 400, message: 'Invalid Input', domain: 'global' },
  authError: { code: 401, message: 'Invalid Credentials', domain: 'global' },
  forbidden: { code: 403, message: 'Not Authorized to access this resource/api', domain: 'global' },
  insufficientPermissions: { code: 403, message: 'Request had insufficient authentication scopes.', domain: 'global' },
  userRateLimitExceeded: { code: 403, message: 'Quota exceeded for quota metric \'Queries\' and limit \'Queries per minute per user\' of service \'admin.googleapis.com\'.', domain: 'usageLimits' },
  quotaExceeded: { code: 403, message: 'Quota exceeded for quota group \'default\' and limit \'Concurrent requests\'.', domain: 'usageLimits' },
  rateLimitExceeded: { code: 429, message: 'Rate Limit Exceeded', domain: 'usageLimits' },
  notFound: { code: 404, message: 'Resource Not Found', domain: 'global' },
  backendError: { code: 503, message: 'The service is currently unavailable.', domain: 'global' },
  internalError: { code: 500, message: 'Internal error encountered.', domain: 'global' },
};

export const reasonForStatus = (status: number): string =>
  status === 400 ? 'badRequest' : status === 401 ? 'authError' : status === 403 ? 'forbidden' : status === 404 ? 'notFound' : status === 429 ? 'rateLimitExceeded' : status === 503 ? 'backendError' : 'internalError';

/** A Directory API error body; `message` defaults to Google's wording for the reason. */
export function googleErrorBody(reason: string, message?: string, code?: number, extra: Partial<GoogleErrorDetail> = {}) {
  const canonical = CANONICAL[reason] ?? { code: code ?? 400, message: reason, domain: 'global' };
  const status = code ?? canonical.code;
  const text = message ?? canonical.message;
  return {
    error: {
      code: status,
      message: text,
      errors: [{ message: text, domain: canonical.domain, reason, ...extra }],
      ...(STATUS_NAMES[status] ? { status: STATUS_NAMES[status] } : {}),
    },
  };
}

export function sendGoogleError(res: ServerResponse, reason: string, message?: string, code?: number, extra: Partial<GoogleErrorDetail> = {}): void {
  const body = googleErrorBody(reason, message, code, extra);
  sendJson(res, body.error.code, body, { vary: 'Origin, X-Origin, Referer' });
}

/** 401 as Google sends it for a missing, unknown or expired access token. */
export function sendAuthError(res: ServerResponse): void {
  sendGoogleError(
    res,
    'authError',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    401,
    // the real service keeps the short text in errors[0] and the long one at the top
    { message: 'Invalid Credentials', location: 'Authorization', locationType: 'header' },
  );
}

export function sendOAuthError(res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description }, { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' });
}
