/**
 * Okta error bodies (`{errorCode, errorSummary, errorLink, errorId, errorCauses}`) and the
 * RFC 6749 bodies of the token endpoint. Summaries follow developer.okta.com/docs/reference/error-codes/.
 */
export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: Array<{ errorSummary: string }>;
}

export const OKTA_ERRORS = {
  validation: { status: 400, code: 'E0000001', summary: 'Api validation failed: {0}' },
  invalidToken: { status: 401, code: 'E0000011', summary: 'Invalid token provided' },
  forbidden: { status: 403, code: 'E0000006', summary: 'You do not have permission to perform the requested action' },
  notFound: { status: 404, code: 'E0000007', summary: 'Not found: Resource not found: {0} ({1})' },
  methodNotAllowed: { status: 405, code: 'E0000022', summary: 'The endpoint does not support the provided HTTP method' },
  rateLimited: { status: 429, code: 'E0000047', summary: 'API call exceeded rate limit due to too many requests.' },
  internal: { status: 500, code: 'E0000009', summary: 'Internal Server Error' },
} as const;

export type OktaErrorKind = keyof typeof OKTA_ERRORS;

export function oktaErrorBody(code: string, summary: string, errorId: string, causes: string[] = []): OktaErrorBody {
  return { errorCode: code, errorSummary: summary, errorLink: code, errorId, errorCauses: causes.map((errorSummary) => ({ errorSummary })) };
}

/** A typed failure thrown by route handlers and rendered by the server in one place. */
export class OktaApiError extends Error {
  constructor(
    readonly kind: OktaErrorKind,
    readonly summary: string,
    readonly causes: string[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(summary);
    this.name = 'OktaApiError';
  }
  get status(): number {
    return OKTA_ERRORS[this.kind].status;
  }
}

export const validationError = (field: string, cause: string) =>
  new OktaApiError('validation', `Api validation failed: ${field}`, [cause]);
export const notFoundError = (id: string, type: string) => new OktaApiError('notFound', `Not found: Resource not found: ${id} (${type})`);

/** RFC 6749 §5.2 error from /oauth2/v1/token. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}
