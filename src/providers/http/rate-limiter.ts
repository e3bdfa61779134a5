/**
 * Client-side pacing for a provider's rate-limit windows, shared by every request of one connector
 * (the concurrent member readers included), so a sync spends the provider's budget without earning
 * 429s and resumes at the window's edge instead of backing off past it.
 *
 * Model: per bucket (Okta: an endpoint family; Graph, Google: the whole API), a window in which at
 * most `budget` requests are accepted. The budget is read from the provider when it says
 * (Okta's X-Rate-Limit-Limit / -Remaining on every response) or learned from the first 429 (Graph,
 * Google: the requests the window accepted before it). The window's end is the earliest of:
 *   - a server hint: Okta's X-Rate-Limit-Reset, Graph's Retry-After on a 429;
 *   - the first response of the window + `windowMs`, when the window length is configured (the
 *     throttled bench scales the providers' windows down and says so);
 *   - the first response of the window + the shortest window seen so far (learned from hints, or for
 *     Google, which sends none, from the first success after a 429).
 * Sends are reserved before they leave (`used` counts in-flight requests), so eight readers cannot
 * overshoot together. While a budget is unknown and the window is configured, requests go one at a
 * time (doubling each window that passes without a 429) so learning it costs one 429, not one per
 * reader. A 429 the limiter cannot place (no hint, nothing learned) leaves the wait to the retry
 * backoff, as before. The clock is injectable: tests drive it without sleeping.
 */
import { sleep } from './http-client.js';

export interface RateSignal {
  /** Requests the window allows (Okta: X-Rate-Limit-Limit). */
  limit?: number;
  /** Requests left in the window after this one (Okta: X-Rate-Limit-Remaining). */
  remaining?: number;
  /** Milliseconds from the response until the window resets or the request may be retried. */
  resetInMs?: number;
}

export interface RateLimiterOptions {
  /** The provider's window length when it is known for certain (configured); else learned. */
  windowMs?: number;
  /** Longest wait the limiter imposes on its own; a hint beyond it is left to the retry logic. */
  maxWaitMs?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface Ticket {
  readonly bucket: string;
  readonly sentAt: number;
  /** The window generation the request was sent in. */
  readonly generation: number;
}

export interface RateLimiter {
  /** Waits until the bucket's window has room, then reserves one request. */
  acquire(bucket: string, signal?: AbortSignal): Promise<Ticket>;
  /** Records the answer to a reserved request: its status and what the provider said of the budget. */
  observe(ticket: Ticket, status: number, signal?: RateSignal): void;
  /** Releases a reservation whose request got no answer (network error). */
  release(ticket: Ticket): void;
  /** True when the bucket's next window start is known, so a 429 needs no backoff of its own:
   * the retry's acquire() waits exactly until the window opens. */
  knowsResume(bucket: string): boolean;
  /** For tests and logs. */
  state(bucket: string): Readonly<BucketState>;
}

export interface BucketState {
  budget: number | null;
  used: number;
  ok: number;
  inflight: number;
  generation: number;
  /** Client time of the first response in this window (an upper bound of the server's window start). */
  anchor: number | null;
  /** When this window is known to be over. */
  end: number | null;
  /** The window is spent: the provider refused a request in it. */
  exhausted: boolean;
  /** When it refused it. */
  exhaustedAt: number | null;
  /** Shortest window length observed. */
  learnedWindowMs: number | null;
  /** While the budget is unknown and the window configured: requests allowed in flight. */
  cap: number;
  /** Windows since a 429, for a slow additive probe of a larger budget. */
  cleanWindows: number;
}

/** After the window's end, a few ms so our first request reaches the server after its own edge. */
const EDGE_MARGIN_MS = 5;
/** Every this many full windows without a 429, the learned budget is probed one request higher. */
const PROBE_EVERY_WINDOWS = 8;
const MAX_CAP = 64;

export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const maxWaitMs = options.maxWaitMs ?? 120_000;
  const buckets = new Map<string, BucketState>();
  const waiters = new Map<string, Array<() => void>>();

  const bucketOf = (name: string): BucketState => {
    let b = buckets.get(name);
    if (!b) {
      b = { budget: null, used: 0, ok: 0, inflight: 0, generation: 0, anchor: null, end: null, exhausted: false, exhaustedAt: null, learnedWindowMs: null, cap: 1, cleanWindows: 0 };
      buckets.set(name, b);
    }
    return b;
  };

  const wake = (name: string) => {
    const list = waiters.get(name);
    if (!list) return;
    waiters.delete(name);
    for (const w of list) w();
  };

  /** The window length to assume from the anchor: configured or learned (the shorter). */
  const windowLength = (b: BucketState): number | null => {
    const known = [options.windowMs, b.learnedWindowMs ?? undefined].filter((v): v is number => v !== undefined);
    return known.length ? Math.min(...known) : null;
  };

  const setEnd = (b: BucketState, end: number) => {
    b.end = b.end === null ? end : Math.min(b.end, end);
  };

  const openWindow = (b: BucketState) => {
    if (b.budget !== null && !b.exhausted && b.used >= b.budget && options.windowMs !== undefined) {
      // a whole window's budget went through without a 429: now and then, try one more
      if (++b.cleanWindows >= PROBE_EVERY_WINDOWS) {
        b.cleanWindows = 0;
        b.budget++;
      }
    }
    // still learning the budget and this window passed without a 429: allow more in flight
    if (b.budget === null && !b.exhausted) b.cap = Math.min(MAX_CAP, b.cap * 2);
    b.generation++;
    b.used = 0;
    b.ok = 0;
    b.anchor = null;
    b.end = null;
    b.exhausted = false;
    b.exhaustedAt = null;
  };

  return {
    async acquire(name, signal) {
      const b = bucketOf(name);
      for (;;) {
        const t = now();
        if (b.end !== null && t >= b.end + EDGE_MARGIN_MS) openWindow(b);
        const full = b.exhausted || (b.budget !== null && b.used >= b.budget);
        if (full && b.end !== null) {
          const ms = b.end + EDGE_MARGIN_MS - t;
          if (ms <= maxWaitMs) {
            await wait(ms, signal);
            continue;
          }
        }
        // nothing known yet: one request at a time until the provider says something
        // (only with a configured window: otherwise the end of a learning window is never known)
        const learning = b.budget === null && options.windowMs !== undefined;
        if (learning && b.inflight >= b.cap) {
          await new Promise<void>((resolve) => {
            const list = waiters.get(name) ?? [];
            list.push(resolve);
            waiters.set(name, list);
          });
          continue;
        }
        b.used++;
        b.inflight++;
        return { bucket: name, sentAt: t, generation: b.generation };
      }
    },

    observe(ticket, status, signal = {}) {
      const b = bucketOf(ticket.bucket);
      b.inflight = Math.max(0, b.inflight - 1);
      const t = now();
      const current = ticket.generation === b.generation;
      if (signal.limit !== undefined) b.budget = signal.limit;
      if (status === 429) {
        b.cleanWindows = 0;
        if (current) {
          // the window accepted `ok` requests before refusing this one: that is its budget
          if (signal.limit === undefined) b.budget = b.budget === null ? Math.max(1, b.ok) : Math.max(1, Math.min(b.budget, Math.max(b.ok, Math.ceil(b.budget / 2))));
          b.exhausted = true;
          b.exhaustedAt ??= t;
          b.anchor ??= t;
          if (signal.resetInMs !== undefined) setEnd(b, t + signal.resetInMs);
          const len = windowLength(b);
          if (len !== null) setEnd(b, b.anchor + len);
        } else if (signal.resetInMs !== undefined) {
          // refused in a window we thought was new: it is not over yet
          b.exhausted = true;
          b.exhaustedAt ??= t;
          b.anchor ??= t;
          setEnd(b, t + signal.resetInMs);
        }
        wake(ticket.bucket);
        return;
      }
      if (status >= 200 && status < 300) {
        let inWindow = current;
        if (current && b.exhausted && b.end === null && b.anchor !== null && b.exhaustedAt !== null && ticket.sentAt >= b.exhaustedAt) {
          // no hint said when the spent window would end (Google); this success says it has
          b.learnedWindowMs = Math.min(b.learnedWindowMs ?? Infinity, t - b.anchor + EDGE_MARGIN_MS);
          openWindow(b);
          b.used = 1 + b.inflight;
          inWindow = true;
        }
        if (inWindow) {
          b.ok++;
          if (b.anchor === null) {
            b.anchor = t;
            const len = windowLength(b);
            if (len !== null) setEnd(b, t + len);
          }
          // the provider's count wins over ours, both ways: it sees the org's other clients, and a
          // window it has not used up (an org whose limits are raised) is not paced to the nominal limit;
          // what we still have in flight may not be in its count yet (counted twice: errs safe)
          if (signal.remaining !== undefined && b.budget !== null) b.used = Math.max(0, b.budget - signal.remaining) + b.inflight;
          if (signal.resetInMs !== undefined) setEnd(b, t + signal.resetInMs);
        }
      }
      wake(ticket.bucket);
    },

    release(ticket) {
      const b = bucketOf(ticket.bucket);
      b.inflight = Math.max(0, b.inflight - 1);
      if (ticket.generation === b.generation) b.used = Math.max(0, b.used - 1);
      wake(ticket.bucket);
    },

    knowsResume(name) {
      const b = bucketOf(name);
      return b.exhausted && b.end !== null && b.end - now() <= maxWaitMs;
    },

    state: (name) => ({ ...bucketOf(name) }),
  };
}

/** The window length the deployment configures for every provider (the throttled bench scales the
 * providers' published windows down and sets it); unset in production, where windows are learned. */
export function configuredWindowMs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env.ACCESSIQ_RATE_WINDOW_MS;
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  const n = Number(v);
  return n > 0 ? n : undefined;
}
