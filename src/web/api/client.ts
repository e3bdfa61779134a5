/**
 * The console's only way to the server: the public REST API. Every answer is parsed with the same
 * zod schemas the server declares; failures become an ApiFailure carrying the API's code, message
 * and, where given, the hint and the per-field issues.
 */
import type { z } from 'zod';
import { errorBody } from '../../api/schemas.js';

export interface FieldIssue {
  path: string;
  message: string;
  hint?: string;
}

export class ApiFailure extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly hint?: string, readonly issues: FieldIssue[] = []) {
    super(message);
  }
}

/** Fired when the session ends under the console's feet, so the shell can show Sign in again. */
export const SIGNED_OUT_EVENT = 'aiq:signed-out';

function csrfToken(): string | undefined {
  const entry = document.cookie.split(';').map((c) => c.trim()).find((c) => c.startsWith('aiq_csrf='));
  return entry ? decodeURIComponent(entry.slice('aiq_csrf='.length)) : undefined;
}

function issuesOf(details: Record<string, unknown> | undefined): FieldIssue[] {
  const raw = details?.issues;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((i: unknown) => {
    if (!i || typeof i !== 'object') return [];
    const { path, message, hint } = i as Record<string, unknown>;
    return typeof path === 'string' && typeof message === 'string' ? [{ path, message, ...(typeof hint === 'string' ? { hint } : {}) }] : [];
  });
}

export async function request<T>(method: string, path: string, guard: z.ZodType<T> | null, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const token = csrfToken();
    if (token) headers['x-csrf-token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiFailure(0, 'network', 'The server could not be reached. Check that AccessIQ is running, then try again.');
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const parsed = errorBody.safeParse(json);
    const e = parsed.success ? parsed.data.error : { code: 'http_' + res.status, message: `The server answered ${res.status} ${res.statusText}.`, details: undefined };
    if (res.status === 401 && !path.startsWith('/session')) window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    const hint = typeof e.details?.hint === 'string' ? e.details.hint : undefined;
    throw new ApiFailure(res.status, e.code, e.message, hint, issuesOf(e.details));
  }
  if (!guard) return undefined as T;
  const parsed = guard.safeParse(json);
  if (!parsed.success) throw new ApiFailure(res.status, 'invalid_response', `The server sent an answer the console does not understand (${parsed.error.issues[0]?.path.join('.') ?? ''}). Reload the page.`);
  return parsed.data;
}

export const get = <T>(path: string, guard: z.ZodType<T>) => request('GET', path, guard);
export const post = <T>(path: string, body: unknown, guard: z.ZodType<T> | null) => request('POST', path, guard, body);
export const patch = <T>(path: string, body: unknown, guard: z.ZodType<T>) => request('PATCH', path, guard, body);
export const del = (path: string) => request('DELETE', path, null);

/** Query string from defined values only. */
export function qs(params: Record<string, string | number | undefined | null>) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Every page of a list (the console's lists are small: directories, organizations, roles). */
export async function all<T>(path: string, guard: z.ZodType<{ data: T[]; nextCursor: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const sep: string = path.includes('?') ? '&' : '?';
    const page: { data: T[]; nextCursor: string | null } = await get(`${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, guard);
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}
