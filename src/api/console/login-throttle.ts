/**
 * Failed sign-ins counted per (email, client address) in memory: after `maxFailures` within
 * `windowMs` further attempts are refused until the window has passed. Per process, which is enough
 * to make password guessing slow; a success clears the count.
 */
export interface LoginThrottleOptions {
  maxFailures?: number;
  windowMs?: number;
  now?: () => number;
}

export function createLoginThrottle(options: LoginThrottleOptions = {}) {
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const failures = new Map<string, { count: number; since: number }>();
  const keyOf = (email: string, ip: string) => `${email.trim().toLowerCase()}\u0000${ip}`;

  function current(key: string) {
    const entry = failures.get(key);
    if (entry && now() - entry.since >= windowMs) {
      failures.delete(key);
      return undefined;
    }
    return entry;
  }

  return {
    /** Seconds to wait, or 0 when an attempt is allowed. */
    retryAfterSeconds(email: string, ip: string): number {
      const entry = current(keyOf(email, ip));
      if (!entry || entry.count < maxFailures) return 0;
      return Math.max(1, Math.ceil((entry.since + windowMs - now()) / 1000));
    },
    fail(email: string, ip: string) {
      const key = keyOf(email, ip);
      const entry = current(key);
      if (entry) entry.count++;
      else failures.set(key, { count: 1, since: now() });
      // bound memory under a spray of made-up emails: forget the oldest entries
      if (failures.size > 10_000) for (const k of [...failures.keys()].slice(0, 1000)) failures.delete(k);
    },
    succeed(email: string, ip: string) {
      failures.delete(keyOf(email, ip));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
