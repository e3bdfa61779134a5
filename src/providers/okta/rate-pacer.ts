/**
 * Okta's side of client-side pacing (the mechanism is src/providers/http/rate-limiter.ts, shared by
 * every connector): which per-endpoint bucket a URL counts against, and what the rate-limit headers
 * every Okta response carries say of it — `X-Rate-Limit-Limit`, `-Remaining`, and `-Reset` (epoch
 * seconds, measured against the response's `Date` header as the notes and the Node SDK do).
 * Reference: https://developer.okta.com/docs/reference/rl-best-practices/
 *
 * The first version paused only after a response said `Remaining: 0`, and only the first waiter
 * waited (the pause was deleted when read): with eight member readers in flight, the others went on
 * into the empty bucket and earned 429s. The shared limiter reserves each request before it leaves.
 */
import type { RateSignal } from '../http/rate-limiter.js';
import { rateLimitResetMs } from '../http/retry-after.js';

/** A little spread after a 429's reset when the limiter cannot place the window (no headers). */
export const resetJitterMs = () => 100 + Math.round(Math.random() * 400);

/** The endpoint's bucket: `/api/v1/{collection}` or `/api/v1/{collection}/{id}` — everything under
 * one record (`/groups/{id}/users` too) counts against the record's family, as Okta's table lists
 * them. A coarser bucket than the server's only makes the pacing more careful. */
export function bucketOf(url: string): string {
  try {
    const parts = new URL(url).pathname.split('/').filter(Boolean);
    if (parts[0] === 'api' && parts[1] === 'v1' && parts[2]) return `/api/v1/${parts[2]}${parts.length > 3 ? '/{id}' : ''}`;
    return `/${parts.join('/')}`;
  } catch {
    return url;
  }
}

const count = (v: string | null): number | undefined => (v != null && /^\d+$/.test(v.trim()) ? Number(v) : undefined);

/** What an Okta response says of its bucket. */
export function oktaRateSignal(headers: Headers, now = Date.now()): RateSignal {
  const limit = count(headers.get('x-rate-limit-limit'));
  const remaining = count(headers.get('x-rate-limit-remaining'));
  const reset = rateLimitResetMs(headers, now);
  const retryAfter = count(headers.get('retry-after'));
  const resetInMs = reset ?? (retryAfter !== undefined ? retryAfter * 1000 : undefined);
  return { ...(limit !== undefined ? { limit } : {}), ...(remaining !== undefined ? { remaining } : {}), ...(resetInMs !== undefined ? { resetInMs } : {}) };
}


