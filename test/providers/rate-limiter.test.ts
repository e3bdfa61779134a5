/**
 * The shared client-side rate limiter against a fake clock (no sleeping): a fixed-window server
 * model like the emulators' (the window starts at the first request after the previous one ended;
 * at most `budget` requests are accepted in it) and eight concurrent readers.
 */
import { describe, expect, it } from 'vitest';
import { createRateLimiter, type RateLimiter, type RateSignal } from '../../src/providers/http/rate-limiter.js';
import { bucketOf, oktaRateSignal } from '../../src/providers/okta/rate-pacer.js';

/** A fake clock whose sleeps resolve in time order as the test advances it. */
function fakeClock(start = 1_000_000) {
  let t = start;
  const timers: Array<{ at: number; resolve: () => void }> = [];
  return {
    now: () => t,
    sleep: (ms: number) => new Promise<void>((resolve) => timers.push({ at: t + Math.max(0, ms), resolve })),
    /** Runs every timer due by now + ms, in order, letting promises settle between them. */
    async advance(ms: number) {
      const until = t + ms;
      for (;;) {
        await flush();
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > until) break;
        timers.shift();
        t = Math.max(t, next.at);
        next.resolve();
      }
      t = until;
      await flush();
    },
    pending: () => timers.length,
  };
}
const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

type Hint = 'okta' | 'retry-after' | 'none';

/** A fixed-window server: answers 200 or 429 and the provider's headers. */
function windowServer(o: { budget: number; windowMs: number; now: () => number; hint: Hint; unlimited?: boolean }) {
  let start = -Infinity;
  let used = 0;
  const log: Array<{ at: number; status: number }> = [];
  return {
    log,
    answer(): { status: number; signal: RateSignal } {
      const t = o.now();
      if (t - start >= o.windowMs) {
        start = t;
        used = 0;
      }
      const ok = o.unlimited || used < o.budget;
      // unlimited: an org whose nominal limit never binds (the emulators with throttling off)
      if (ok && !o.unlimited) used++;
      const status = ok ? 200 : 429;
      log.push({ at: t, status });
      const endIn = start + o.windowMs - t;
      if (o.hint === 'okta') return { status, signal: { limit: o.budget, remaining: o.budget - used, resetInMs: Math.ceil((start + o.windowMs) / 1000) * 1000 - t } };
      if (o.hint === 'retry-after' && !ok) return { status, signal: { resetInMs: Math.max(1, Math.ceil(endIn / 1000)) * 1000 } };
      return { status, signal: {} };
    },
  };
}

/** `readers` concurrent workers each sending until `total` requests succeeded; a 429 is retried. */
async function drive(limiter: RateLimiter, clock: ReturnType<typeof fakeClock>, server: ReturnType<typeof windowServer>, o: { total: number; readers: number; latencyMs: number; horizonMs: number }) {
  let done = 0;
  let finishedAt = 0;
  const worker = async () => {
    while (done < o.total) {
      const ticket = await limiter.acquire('*');
      if (done >= o.total) {
        limiter.release(ticket);
        return;
      }
      await clock.sleep(o.latencyMs / 2);
      const { status, signal } = server.answer();
      await clock.sleep(o.latencyMs / 2);
      limiter.observe(ticket, status, signal);
      if (status === 200 && ++done === o.total) finishedAt = clock.now();
    }
  };
  const started = clock.now();
  let settled = false;
  void Promise.all(Array.from({ length: o.readers }, worker)).then(() => (settled = true));
  await clock.advance(o.horizonMs);
  // not done within the horizon: report it rather than wait for workers parked on the fake clock
  return { ms: settled ? finishedAt - started : Infinity, throttled: server.log.filter((l) => l.status === 429).length, requests: server.log.length };
}

describe('rate limiter (fake clock)', () => {
  it('Okta headers: eight readers spend each window exactly and never earn a 429', async () => {
    const clock = fakeClock();
    const server = windowServer({ budget: 28, windowMs: 2_000, now: clock.now, hint: 'okta' });
    const limiter = createRateLimiter({ windowMs: 2_000, now: clock.now, sleep: clock.sleep });
    const r = await drive(limiter, clock, server, { total: 112, readers: 8, latencyMs: 10, horizonMs: 20_000 });
    expect(r.throttled).toBe(0);
    // 4 windows' worth: the fourth window opens at ~6 s (floor 8 s at a steady rate)
    expect(r.ms).toBeLessThan(6_500);
  });

  it('Okta headers that say the window is not being used up: not paced to the nominal limit', async () => {
    const clock = fakeClock();
    const server = windowServer({ budget: 28, windowMs: 2_000, now: clock.now, hint: 'okta', unlimited: true });
    const limiter = createRateLimiter({ now: clock.now, sleep: clock.sleep });
    const r = await drive(limiter, clock, server, { total: 112, readers: 8, latencyMs: 10, horizonMs: 20_000 });
    expect(r.throttled).toBe(0);
    // 112 requests / 8 readers × 10 ms: no window wait (pacing to 28 per 2 s would take ≥ 6 s)
    expect(r.ms).toBeLessThan(500);
  });

  it('Okta headers without a configured window: waits for X-Rate-Limit-Reset, still no 429', async () => {
    const clock = fakeClock(1_000_300);
    const server = windowServer({ budget: 28, windowMs: 2_000, now: clock.now, hint: 'okta' });
    const limiter = createRateLimiter({ now: clock.now, sleep: clock.sleep });
    const r = await drive(limiter, clock, server, { total: 112, readers: 8, latencyMs: 10, horizonMs: 30_000 });
    // the first request alone cannot be held back (nothing is known yet), the rest are reserved
    expect(r.throttled).toBe(0);
  });

  it('Graph (Retry-After on 429 only): one 429 teaches the budget; later windows are paced at the edge', async () => {
    const clock = fakeClock();
    const server = windowServer({ budget: 26, windowMs: 2_000, now: clock.now, hint: 'retry-after' });
    const limiter = createRateLimiter({ windowMs: 2_000, now: clock.now, sleep: clock.sleep });
    const r = await drive(limiter, clock, server, { total: 104, readers: 8, latencyMs: 10, horizonMs: 20_000 });
    expect(r.throttled).toBe(1);
    expect(limiter.state('*').budget).toBe(26);
    expect(r.ms).toBeLessThan(6_500);
  });

  it('Google (no hint at all): one 429, then the window edge from the configured window', async () => {
    const clock = fakeClock();
    const server = windowServer({ budget: 27, windowMs: 2_000, now: clock.now, hint: 'none' });
    const limiter = createRateLimiter({ windowMs: 2_000, now: clock.now, sleep: clock.sleep });
    const r = await drive(limiter, clock, server, { total: 108, readers: 8, latencyMs: 10, horizonMs: 20_000 });
    expect(r.throttled).toBe(1);
    expect(r.ms).toBeLessThan(6_500);
  });

  it('Google without a configured window: learns the window from the first success after a 429', async () => {
    const clock = fakeClock();
    const server = windowServer({ budget: 20, windowMs: 2_000, now: clock.now, hint: 'none' });
    const limiter = createRateLimiter({ now: clock.now, sleep: clock.sleep });
    // a retry loop of its own stands in for the HTTP client's backoff: probe every 250 ms
    let done = 0;
    const worker = async () => {
      while (done < 100) {
        const ticket = await limiter.acquire('*');
        await clock.sleep(5);
        const { status, signal } = server.answer();
        limiter.observe(ticket, status, signal);
        if (status === 200) done++;
        else if (!limiter.knowsResume('*')) await clock.sleep(250);
      }
    };
    void worker();
    await clock.advance(30_000);
    expect(done).toBe(100);
    const s = limiter.state('*');
    expect(s.budget).toBe(20);
    expect(s.learnedWindowMs).toBeGreaterThanOrEqual(2_000);
    expect(s.learnedWindowMs).toBeLessThanOrEqual(2_300);
    // after the window is known, each further window costs no 429
    expect(server.log.filter((l) => l.status === 429).length).toBeLessThanOrEqual(9);
  });

  it('a lone 429 (a fault, not a quota) with no configured window never blocks longer than its hint', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ now: clock.now, sleep: clock.sleep });
    const a = await limiter.acquire('*');
    limiter.observe(a, 200);
    const b = await limiter.acquire('*');
    limiter.observe(b, 429, { resetInMs: 1_000 });
    expect(limiter.knowsResume('*')).toBe(true);
    let got = false;
    void limiter.acquire('*').then(() => (got = true));
    await clock.advance(900);
    expect(got).toBe(false);
    await clock.advance(200);
    expect(got).toBe(true);
    // the learned budget (1) has no known window end: requests go on unpaced
    for (let i = 0; i < 5; i++) limiter.observe(await limiter.acquire('*'), 200);
    expect(clock.pending()).toBe(0);
  });

  it('a network failure gives its reservation back', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ windowMs: 2_000, now: clock.now, sleep: clock.sleep });
    const a = await limiter.acquire('*');
    limiter.observe(a, 200, { limit: 2, remaining: 1, resetInMs: 2_000 });
    const b = await limiter.acquire('*');
    limiter.release(b);
    expect(limiter.state('*').used).toBe(1);
  });
});

describe('Okta rate signals', () => {
  it('buckets by endpoint family, members under their group', () => {
    expect(bucketOf('https://a.okta.com/api/v1/users?limit=200')).toBe('/api/v1/users');
    expect(bucketOf('https://a.okta.com/api/v1/groups/00g1abcdefghijklmno7/users?after=x')).toBe('/api/v1/groups/{id}');
    expect(bucketOf('https://a.okta.com/api/v1/groups/00g1abcdefghijklmno7')).toBe('/api/v1/groups/{id}');
  });

  it('reads Limit, Remaining and Reset against the Date header', () => {
    const h = new Headers({ 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '12', 'x-rate-limit-reset': '1700000060', date: new Date(1_700_000_000_000).toUTCString() });
    expect(oktaRateSignal(h)).toEqual({ limit: 600, remaining: 12, resetInMs: 60_000 });
  });
});
