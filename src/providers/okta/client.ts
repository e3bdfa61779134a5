/**
 * Okta's HTTP side: authentication (API token or service-app access token), throttling, error
 * mapping and cursor paging over createHttpClient. Knows Okta's wire format, nothing of AccessIQ.
 */
import { z } from 'zod';
import { createHttpClient, redact, type HttpResponse } from '../http/http-client.js';
import { configuredWindowMs, createRateLimiter } from '../http/rate-limiter.js';
import { rateLimitResetMs, retryAfterMs } from '../http/retry-after.js';
import { ProviderError } from '../provider-error.js';
import type { ConnectorContext, ConnectorStats } from '../types.js';
import { isServiceApp, type OktaCredentials } from './credentials.js';
import { oktaApiError, type OktaAuthKind } from './errors.js';
import { nextLinkOf } from './link-header.js';
import { bucketOf, oktaRateSignal, resetJitterMs } from './rate-pacer.js';
import { createServiceAppTokenSource } from './service-app-token.js';
import { checked } from '../checked.js';

export interface OktaClient {
  readonly orgUrl: string;
  readonly authKind: OktaAuthKind;
  readonly stats: ConnectorStats;
  /** Service app: mints (or reuses) an access token. API token: nothing to do. */
  authenticate(): Promise<void>;
  /** Scopes granted on the current service-app token, when Okta said. */
  grantedScope(): string | null;
  /** One page (the first) of a listing. */
  firstPage<T>(url: string, item: z.ZodType<T>, what: string): Promise<T[]>;
  /** Every page of a listing, following `rel="next"` until there is none. Records whose `id` was
   * already yielded in this listing are dropped (a cursor that repeats records must not duplicate them). */
  pages<T extends { id: string }>(firstUrl: string, item: z.ZodType<T>, what: string): AsyncGenerator<T[]>;
  /** One record from its own URL (`/users/{id}`); throws like a page does (404 included). */
  record<T>(url: string, item: z.ZodType<T>, what: string): Promise<T>;
}

export function createOktaClient(creds: OktaCredentials, ctx: ConnectorContext = {}): OktaClient {
  const authKind: OktaAuthKind = isServiceApp(creds) ? 'service_app' : 'api_token';
  const tokens = isServiceApp(creds) ? createServiceAppTokenSource(creds, ctx) : null;
  // one limiter per connector: every page, the eight member readers included, paces against it
  const limiter = createRateLimiter({ windowMs: configuredWindowMs() });

  const http = createHttpClient(
    {
      async authorize(): Promise<Record<string, string>> {
        if (tokens) return { authorization: `Bearer ${await tokens.get()}` };
        if ('apiToken' in creds) return { authorization: `SSWS ${creds.apiToken}` };
        return {};
      },
      // An API token cannot be renewed; a service app re-mints its access token once per request.
      refreshAuth: tokens ? async () => (await tokens.refresh(), true) : undefined,
      retryDelay(res: HttpResponse, _attempt: number, backoffMs: number) {
        if (res.status === 429) {
          // Okta's contract is X-Rate-Limit-Reset; Retry-After is honoured too if a proxy adds one.
          const reset = rateLimitResetMs(res.headers);
          const after = retryAfterMs(res.headers);
          if (reset == null && after == null) return backoffMs;
          return Math.max(reset ?? 0, after ?? 0) + resetJitterMs();
        }
        if (res.status >= 500) return retryAfterMs(res.headers) ?? backoffMs;
        return null;
      },
      toError: (res) => oktaApiError(res, authKind),
      rateLimit: { limiter, bucket: bucketOf, signal: (res) => oktaRateSignal(res.headers) },
    },
    ctx,
  );

  async function fetchPage<T>(url: string, item: z.ZodType<T>, what: string): Promise<{ items: T[]; next: string | null }> {
    // a cut, empty or non-JSON body is asked for again by the shared client
    const { body, res } = await http.getJson(url);
    const parsed = checked(pageGuard(item), body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length ? ` at ${issue.path.length > 1 ? `record ${String(issue.path[0])}, ${issue.path.slice(1).join('.')}` : `record ${String(issue.path[0])}`}` : '';
      throw new ProviderError('invalid_response', `Okta sent a page of ${what} that does not match its API${where}: ${issue?.message ?? 'invalid'}.`, {
        status: res.status,
        url: redact(url),
      });
    }
    return { items: parsed.data, next: nextLinkOf(res.headers, url) };
  }

  const origin = new URL(creds.orgUrl).origin;

  async function* pages<T extends { id: string }>(firstUrl: string, item: z.ZodType<T>, what: string): AsyncGenerator<T[]> {
    const seen = new Set<string>([firstUrl]);
    const ids = new Set<string>();
    let url: string | null = firstUrl;
    while (url) {
      const page: { items: T[]; next: string | null } = await fetchPage(url, item, what);
      const next = page.next;
      if (next !== null) {
        // the token goes with every request: never follow a cursor off the org
        if (safeOrigin(next) !== origin)
          throw new ProviderError('invalid_response', `Okta's next-page link for ${what} points away from ${origin}; refusing to follow it.`, { url: redact(url) });
        if (seen.has(next))
          throw new ProviderError('invalid_response', `Okta's paging of ${what} loops (a next-page link repeats an earlier page), so the listing cannot be read completely.`, {
            url: redact(next),
          });
        seen.add(next);
      }
      const fresh = page.items.filter((r) => !ids.has(r.id));
      for (const r of fresh) ids.add(r.id);
      yield fresh;
      url = next;
    }
  }

  return {
    orgUrl: creds.orgUrl,
    authKind,
    stats: {
      get requests() {
        return http.stats.requests + (tokens?.stats.requests ?? 0);
      },
      get retries() {
        return http.stats.retries + (tokens?.stats.retries ?? 0);
      },
      get throttled() {
        return http.stats.throttled + (tokens?.stats.throttled ?? 0);
      },
    },
    async authenticate() {
      await tokens?.get();
    },
    grantedScope: () => tokens?.grantedScope ?? null,
    async firstPage(url, item, what) {
      return (await fetchPage(url, item, what)).items;
    },
    async record(url, item, what) {
      const { body, res } = await http.getJson(url);
      const parsed = checked(item, body);
      if (!parsed.success)
        throw new ProviderError('invalid_response', `Okta sent ${what} that does not match its API: ${parsed.error.issues[0]?.message ?? 'invalid'}.`, { status: res.status, url: redact(url) });
      return parsed.data;
    },
    pages,
  };
}

function safeOrigin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

const pageGuards = new WeakMap<z.ZodType, z.ZodType>();
/** One array guard per item guard, kept: zod compiles a schema on its first parse, and a read lists thousands of pages. */
function pageGuard<T>(item: z.ZodType<T>): z.ZodType<T[]> {
  let guard = pageGuards.get(item);
  if (!guard) pageGuards.set(item, (guard = z.array(item)));
  return guard as z.ZodType<T[]>;
}
