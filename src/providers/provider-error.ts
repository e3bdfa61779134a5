/**
 * The one error type a connector throws. Its `code` is stable (the sync engine and the API map on
 * it); `message` is written for an IT admin: what went wrong and what to do about it.
 */
export type ProviderErrorCode =
  | 'auth_failed' // bad or expired credentials, wrong client secret or key
  | 'permission_denied' // authenticated, but a scope / admin role / API permission is missing
  | 'unreachable' // DNS, connection refused, TLS: the URL is wrong or the host is down
  | 'rate_limited' // still throttled after every retry
  | 'invalid_response' // a body that does not parse or does not match the provider's schema
  | 'transient' // 5xx, reset, timeout: still failing after every retry
  | 'not_found' // the org / tenant / customer or a listed resource does not exist
  | 'delta_expired' // the stored delta cursor is no longer accepted: do a full read
  | 'bad_request'; // the provider rejected our request (4xx other than the above)

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    readonly details: { status?: number; providerCode?: string; url?: string; hint?: string } = {},
  ) {
    super(message);
  }
}

export const isProviderError = (e: unknown): e is ProviderError => e instanceof ProviderError;

/** The record a single-record read asked for, or null when the provider answers 404 (it is gone). */
export async function nullIfNotFound<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (e) {
    if (isProviderError(e) && e.details.status === 404) return null;
    throw e;
  }
}
