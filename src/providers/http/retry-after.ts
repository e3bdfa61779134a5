/**
 * Reads how long a throttled or unavailable provider asks us to wait.
 * `Retry-After` is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3); Okta instead sends
 * `X-Rate-Limit-Reset` in epoch seconds, measured against its own `Date` header to avoid clock skew.
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | null {
  const value = headers.get('retry-after');
  if (value == null || value.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  const serverNow = Date.parse(headers.get('date') ?? '') || now;
  return Math.max(0, at - serverNow);
}

/** Okta: wait until `X-Rate-Limit-Reset` (epoch seconds) as seen by the server's `Date` clock. */
export function rateLimitResetMs(headers: Headers, now = Date.now()): number | null {
  const reset = headers.get('x-rate-limit-reset');
  if (reset == null || !/^\d+$/.test(reset.trim())) return null;
  const serverNow = Date.parse(headers.get('date') ?? '') || now;
  return Math.max(0, Number(reset) * 1000 - serverNow);
}
