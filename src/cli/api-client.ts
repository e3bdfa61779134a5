/**
 * A small HTTP client for the AccessIQ REST API (`${url}/api/v1`). Every response is parsed with
 * a guard; API errors become CliErrors carrying the API's message and field details. The token
 * is sent as a Bearer header and never appears in any message.
 */
import { z } from 'zod';
import { CliError } from './cli-error.js';
import { apiErrorBodyGuard, pageGuard } from './wire.js';

export interface ApiTarget {
  /** Base URL of the service, e.g. http://127.0.0.1:3000 (the `/api/v1` prefix is added). */
  url: string;
  token: string;
  /** Where the token came from, for the hint on a 401 ("--token", "ACCESSIQ_TOKEN"). */
  tokenSource?: string;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface ApiClient {
  readonly baseUrl: string;
  get<T extends z.ZodType>(path: string, guard: T, query?: Query): Promise<z.infer<T>>;
  post<T extends z.ZodType>(path: string, guard: T, body?: unknown): Promise<z.infer<T>>;
  patch<T extends z.ZodType>(path: string, guard: T, body: unknown): Promise<z.infer<T>>;
  delete(path: string): Promise<void>;
  /** Every item of a paged list, following `nextCursor` (stops after `max` items when given). */
  all<T extends z.ZodType>(path: string, item: T, query?: Query, max?: number): Promise<z.infer<T>[]>;
}

export class ApiCallError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    opts: { hint?: string; details?: string[] },
  ) {
    super(message, opts);
  }
}

export function createApiClient(target: ApiTarget): ApiClient {
  const baseUrl = target.url.replace(/\/+$/, '');

  function urlOf(path: string, query?: Query): string {
    const u = new URL(`${baseUrl}/api/v1${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u.toString();
  }

  async function send(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<unknown> {
    const headers: Record<string, string> = { authorization: `Bearer ${target.token}`, accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(urlOf(path, opts.query), { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
      throw new CliError(`Cannot reach the AccessIQ service at ${baseUrl} (${cause}).`, {
        hint: 'Start it with `accessiq serve`, or point the CLI at it with --url or ACCESSIQ_URL.',
      });
    }
    const text = await res.text();
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        if (!res.ok) throw new CliError(`The service answered HTTP ${res.status} ${res.statusText} for ${method} ${path}.`);
        throw new CliError(`The service answered ${method} ${path} with something other than JSON; is ${baseUrl} an AccessIQ service?`);
      }
    }
    if (!res.ok) throw apiError(res.status, method, path, body, target.tokenSource);
    return body;
  }

  function parse<T extends z.ZodType>(guard: T, body: unknown, what: string): z.infer<T> {
    const r = guard.safeParse(body);
    if (!r.success) {
      const first = r.error.issues[0];
      throw new CliError(`Unexpected response to ${what}: ${first ? `${first.path.join('.') || '(body)'}: ${first.message}` : 'invalid'}.`, {
        hint: 'The service and this CLI may be different versions.',
      });
    }
    return r.data;
  }

  return {
    baseUrl,
    async get(path, guard, query) {
      return parse(guard, await send('GET', path, query ? { query } : {}), `GET ${path}`);
    },
    async post(path, guard, body) {
      return parse(guard, await send('POST', path, { body: body ?? {} }), `POST ${path}`);
    },
    async patch(path, guard, body) {
      return parse(guard, await send('PATCH', path, { body }), `PATCH ${path}`);
    },
    async delete(path) {
      await send('DELETE', path);
    },
    async all(path, item, query = {}, max = Infinity) {
      const out: z.infer<typeof item>[] = [];
      const guard = pageGuard(item);
      let cursor: string | undefined;
      do {
        const page = parse(guard, await send('GET', path, { query: { ...query, limit: Math.min(200, max - out.length), cursor } }), `GET ${path}`);
        out.push(...page.data);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && out.length < max);
      return out;
    },
  };
}

/** The API's `{error:{code,message,details}}` as a CliError, with a hint for the usual causes. */
function apiError(status: number, method: string, path: string, body: unknown, tokenSource = '--token or ACCESSIQ_TOKEN'): ApiCallError {
  const parsed = apiErrorBodyGuard.safeParse(body);
  if (!parsed.success) return new ApiCallError(status, `http_${status}`, `The service answered HTTP ${status} for ${method} ${path}.`, {});
  const { code, message, details } = parsed.data.error;
  const issues = issueGuard.array().safeParse(detailsGuard.safeParse(details).data?.issues).data ?? [];
  const lines = issues
    .map((i) => (i.path && !i.message.startsWith(i.path) ? `${i.path}: ${i.message}` : i.message))
    .filter((line) => line !== message)
    .slice(0, 10);
  let hint = detailsGuard.safeParse(details).data?.hint ?? issues.find((i) => i.hint)?.hint;
  if (status === 401) hint ??= `The token came from ${tokenSource}.`;
  return new ApiCallError(status, code, message, { ...(hint ? { hint } : {}), details: lines });
}

const detailsGuard = z.looseObject({ hint: z.string().optional(), issues: z.unknown().optional() });
const issueGuard = z.looseObject({
  path: z.union([z.string(), z.array(z.union([z.string(), z.number()])).transform((p) => p.join('.'))]).optional(),
  message: z.string(),
  hint: z.string().optional(),
});
