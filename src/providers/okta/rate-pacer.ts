/**
 * Proactive pacing for Okta's per-endpoint, per-minute rate-limit buckets: when a response says
 * `X-Rate-Limit-Remaining: 0`, the next request to that endpoint waits until `X-Rate-Limit-Reset`
 * (epoch seconds, measured against the response's `Date` header) instead of earning a 429.
 * Reference: https://developer.okta.com/docs/reference/rl-best-practices/
 */
import { sleep } from '../http/http-client.js';
import { rateLimitResetMs } from '../http/retry-after.js';

/** A server-directed wait beyond this is not paced; the request then meets the 429 handling. */
const MAX_PACE_MS = 120_000;

/** A little spread after the reset so parallel workers do not arrive in the same millisecond. */
export const resetJitterMs = () => 100 + Math.round(Math.random() * 400);

/** The endpoint's bucket: its path with Okta ids (`00u…`, `00g…`) collapsed. */
export function bucketOf(url: string): string {
  try {
    return new URL(url).pathname.replace(/\/[0-9A-Za-z]{15,}(?=\/|$)/g, '/{id}');
  } catch {
    return url;
  }
}

export interface RatePacer {
  /** Waits while the endpoint's bucket is exhausted. */
  wait(url: string, signal?: AbortSignal): Promise<void>;
  /** Reads the rate-limit headers of a response. */
  observe(url: string, headers: Headers): void;
}

export function createRatePacer(): RatePacer {
  const pausedUntil = new Map<string, number>();
  return {
    async wait(url, signal) {
      const bucket = bucketOf(url);
      const until = pausedUntil.get(bucket);
      if (until === undefined) return;
      pausedUntil.delete(bucket);
      const ms = until - Date.now();
      if (ms > 0) await sleep(ms, signal);
    },
    observe(url, headers) {
      const remaining = headers.get('x-rate-limit-remaining');
      if (remaining == null || Number.parseInt(remaining, 10) !== 0) return;
      const ms = rateLimitResetMs(headers);
      if (ms == null || ms > MAX_PACE_MS) return;
      pausedUntil.set(bucketOf(url), Date.now() + ms + resetJitterMs());
    },
  };
}
