/**
 * Okta's per-endpoint, per-minute org buckets. Every response carries `X-Rate-Limit-Limit`,
 * `-Remaining` and `-Reset` (epoch seconds of the window end); enforcement (429 E0000047) is
 * optional. https://developer.okta.com/docs/reference/rl-best-practices/
 */
export interface RateLimitDecision {
  limit: number;
  remaining: number;
  /** Epoch seconds when the bucket refills. */
  reset: number;
  exceeded: boolean;
}

export interface OktaRateLimiter {
  consume(bucket: string): RateLimitDecision;
  reset(): void;
}

/** Default per-minute limits of a typical org (used for headers when not enforcing). */
const DEFAULT_LIMITS: Record<string, number> = {
  '/api/v1/users': 600,
  '/api/v1/users/{id}': 2000,
  '/api/v1/groups': 500,
  '/api/v1/groups/{id}': 1000,
  '/api/v1/logs': 120,
  '/oauth2/v1/token': 600,
};

export function createOktaRateLimiter(options: { perMinute?: number; windowMs?: number; now?: () => number }): OktaRateLimiter {
  const now = options.now ?? Date.now;
  // Okta's windows are a minute; the benchmark shortens them to scale a throttled run down in time
  const windowMs = options.windowMs ?? 60_000;
  let windows = new Map<string, { start: number; used: number }>();
  return {
    consume(bucket) {
      const t = now();
      let w = windows.get(bucket);
      if (!w || t - w.start >= windowMs) windows.set(bucket, (w = { start: t, used: 0 }));
      const limit = options.perMinute ?? DEFAULT_LIMITS[bucket] ?? 1200;
      const enforce = options.perMinute !== undefined;
      const exceeded = enforce && w.used >= limit;
      // not enforcing = throttling off: the headers stay truthful (nothing is ever used up)
      if (enforce && !exceeded) w.used++;
      return { limit, remaining: Math.max(0, limit - w.used), reset: Math.ceil((w.start + windowMs) / 1000), exceeded };
    },
    reset() {
      windows = new Map();
    },
  };
}

/** Bucket of a request path: list endpoints and single-record endpoints count separately. */
export function rateLimitBucket(pathname: string): string {
  if (pathname === '/oauth2/v1/token') return pathname;
  if (pathname.startsWith('/api/v1/logs')) return '/api/v1/logs';
  if (pathname === '/api/v1/users') return pathname;
  if (pathname.startsWith('/api/v1/users/')) return '/api/v1/users/{id}';
  if (pathname === '/api/v1/groups') return pathname;
  if (pathname.startsWith('/api/v1/groups/')) return '/api/v1/groups/{id}';
  return pathname;
}
