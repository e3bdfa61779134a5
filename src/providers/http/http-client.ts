/**
 * The HTTP client every connector uses: timeouts, retries with exponential backoff and jitter,
 * server-directed waits (429/503 with Retry-After or a provider's reset header), one token refresh
 * on 401, and a request counter. Connectors give it their provider's rules as hooks; it never
 * interprets a body itself.
 */
import { ProviderError } from '../provider-error.js';
import type { ConnectorContext, ConnectorStats } from '../types.js';
import type { RateLimiter, RateSignal } from './rate-limiter.js';
import { retryAfterMs } from './retry-after.js';

export interface HttpRequest {
  method?: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  url: string;
  text: string;
  /** Parses the body as JSON; throws ProviderError('invalid_response') naming the URL. */
  json(): unknown;
}

export interface HttpClientHooks {
  /** Adds auth headers; called before every attempt so a refreshed token is picked up. */
  authorize?: (req: HttpRequest) => Promise<Record<string, string>>;
  /** Called once per request on a 401; return true when credentials were refreshed (retry once). */
  refreshAuth?: () => Promise<boolean>;
  /** How long to wait before retrying this response, or null when it is not retryable.
   * The default retries 429 and 5xx, honouring Retry-After. */
  retryDelay?: (res: HttpResponse, attempt: number, backoffMs: number) => number | null;
  /** Turns a final non-2xx response into the ProviderError the admin sees. */
  toError: (res: HttpResponse) => ProviderError;
  /** Client-side pacing shared by all requests of the connector (see rate-limiter.ts). */
  rateLimit?: RateLimitHooks;
}

export interface RateLimitHooks {
  limiter: RateLimiter;
  /** The provider's rate-limit bucket of a URL (default: one bucket). */
  bucket?: (url: string) => string;
  /** True when the response says the budget is spent (default: status 429). */
  isThrottle?: (res: HttpResponse) => boolean;
  /** What the response says of the budget (default: Retry-After on a throttle). */
  signal?: (res: HttpResponse, throttled: boolean) => RateSignal;
}

export interface HttpClient {
  send(req: HttpRequest): Promise<HttpResponse>;
  /** send() then require 2xx JSON; a 2xx whose body is cut, empty or not JSON is asked for again (twice). */
  getJson(url: string, headers?: Record<string, string>): Promise<{ body: unknown; res: HttpResponse }>;
  readonly stats: ConnectorStats;
}

const DEFAULTS = { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, timeoutMs: 30_000 };
/** A 2xx whose body is cut, empty or not JSON is more often a transport glitch than a server bug:
 * it is asked for again this many times before the read fails. */
const BAD_BODY_RETRIES = 2;
/** A server asking for a longer wait than this is treated as a failure, not waited out. */
const MAX_SERVER_WAIT_MS = 120_000;

export function createHttpClient(hooks: HttpClientHooks, ctx: ConnectorContext = {}): HttpClient {
  const retry = { ...DEFAULTS, ...ctx.retry };
  const stats: ConnectorStats = { requests: 0, retries: 0, throttled: 0 };

  const backoff = (attempt: number) => {
    const exp = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(exp / 2 + Math.random() * (exp / 2)); // "equal jitter"
  };

  const defaultRetryDelay = (res: HttpResponse, _attempt: number, backoffMs: number) => {
    if (res.status === 429 || res.status >= 500) return retryAfterMs(res.headers) ?? backoffMs;
    return null;
  };

  async function attemptOnce(req: HttpRequest): Promise<HttpResponse> {
    const auth = hooks.authorize ? await hooks.authorize(req) : {};
    const signals = [AbortSignal.timeout(retry.timeoutMs), ...(ctx.signal ? [ctx.signal] : [])];
    const started = Date.now();
    const r = await fetch(req.url, {
      method: req.method ?? 'GET',
      headers: { accept: 'application/json', ...req.headers, ...auth },
      body: req.body,
      signal: AbortSignal.any(signals),
      redirect: 'error', // a redirect from a directory API is a misconfiguration, and could leak the token
    });
    // the body is read inside the attempt so a connection cut mid-body is retried like a reset
    const text = await r.text();
    const res: HttpResponse = {
      status: r.status,
      headers: r.headers,
      url: req.url,
      text,
      json() {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          const what = text.trim() === '' ? 'an empty body' : 'a body that is not JSON';
          throw new ProviderError('invalid_response', `The provider sent ${what} (HTTP ${r.status}) for ${redact(req.url)}.`, { status: r.status, url: redact(req.url) });
        }
      },
    };
    ctx.onRequest?.({ method: req.method ?? 'GET', url: redact(req.url), status: r.status, ms: Date.now() - started, retry: 0 });
    return res;
  }

  const rl = hooks.rateLimit;
  const bucketOf = (url: string) => rl?.bucket?.(url) ?? '*';
  const isThrottle = (res: HttpResponse) => (rl?.isThrottle ? rl.isThrottle(res) : res.status === 429);
  const signalOf = (res: HttpResponse, throttled: boolean): RateSignal => {
    if (rl?.signal) return rl.signal(res, throttled);
    const after = throttled ? retryAfterMs(res.headers) : null;
    return after == null ? {} : { resetInMs: after };
  };

  async function send(req: HttpRequest): Promise<HttpResponse> {
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const ticket = rl ? await rl.limiter.acquire(bucketOf(req.url), ctx.signal) : null;
      stats.requests++;
      let res: HttpResponse;
      try {
        res = await attemptOnce(req);
        if (rl && ticket) {
          const throttled = isThrottle(res);
          rl.limiter.observe(ticket, throttled ? 429 : res.status, signalOf(res, throttled));
        }
      } catch (e) {
        if (rl && ticket) rl.limiter.release(ticket);
        if (ctx.signal?.aborted) throw new ProviderError('transient', 'The sync was cancelled.');
        if (e instanceof ProviderError) throw e;
        const failure = describeNetworkError(e, req.url);
        if (attempt >= retry.attempts) throw failure;
        stats.retries++;
        await sleep(backoff(attempt), ctx.signal);
        continue;
      }
      if (res.status >= 200 && res.status < 300) return res;
      if (res.status === 401 && !refreshed && hooks.refreshAuth) {
        refreshed = true;
        if (await hooks.refreshAuth()) {
          stats.retries++;
          attempt--; // a refresh is not a failed attempt
          continue;
        }
      }
      const delay = (hooks.retryDelay ?? defaultRetryDelay)(res, attempt, backoff(attempt));
      if (delay == null || attempt >= retry.attempts || delay > MAX_SERVER_WAIT_MS) throw hooks.toError(res);
      if (res.status === 429) stats.throttled++;
      stats.retries++;
      // the limiter knows when the spent window opens again: the retry's acquire() waits for exactly that
      if (rl && isThrottle(res) && rl.limiter.knowsResume(bucketOf(req.url))) continue;
      await sleep(delay, ctx.signal);
    }
  }

  return {
    send,
    stats,
    async getJson(url, headers) {
      for (let attempt = 1; ; attempt++) {
        const res = await send({ url, ...(headers ? { headers } : {}) });
        try {
          return { body: res.json(), res };
        } catch (e) {
          if (attempt > BAD_BODY_RETRIES) throw e;
          stats.retries++;
          await sleep(backoff(attempt), ctx.signal);
        }
      }
    },
  };
}

function describeNetworkError(e: unknown, url: string): ProviderError {
  const err = e as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  const code = err.cause?.code ?? '';
  const host = safeHost(url);
  if (err.name === 'TimeoutError') return new ProviderError('transient', `${host} did not answer in time.`, { url: redact(url) });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new ProviderError('unreachable', `The host ${host} does not exist (DNS lookup failed). Check the URL.`, { url: redact(url) });
  if (code === 'ECONNREFUSED')
    return new ProviderError('unreachable', `Nothing answers at ${host} (connection refused). Check the URL and port.`, { url: redact(url) });
  if (code.startsWith('ERR_TLS') || code.includes('CERT'))
    return new ProviderError('unreachable', `The TLS certificate of ${host} is not trusted (${code}).`, { url: redact(url) });
  return new ProviderError('transient', `The connection to ${host} failed: ${err.cause?.message ?? err.message ?? code}.`, { url: redact(url) });
}

function safeHost(url: string) {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Drops the query string's secrets (tokens never travel in URLs here, but cursors are long). */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    return u.origin + u.pathname;
  } catch {
    return '(invalid url)';
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ProviderError('transient', 'The sync was cancelled.'));
    const onAbort = () => {
      clearTimeout(t);
      reject(new ProviderError('transient', 'The sync was cancelled.'));
    };
    // the listener goes when the wait ends: a run's signal outlives hundreds of waits
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
