/**
 * Server-side paging for Graph collections: opaque `$skiptoken`s (a listing position, the previous
 * position for replay faults, and the page number), absolute `@odata.nextLink`s that repeat the
 * original query, and the paging faults of the shared contract (duplicate_records, repeat_page,
 * loop_cursor, premature_end).
 */
import type { ActiveFault } from '../shared/faults.js';

/** A listing the emulator can read from any position in O(log n + page). */
export interface PagedSource<C> {
  read(cursor: C | null, top: number): { items: unknown[]; next: C | null };
}

interface SkipState<C> {
  c: C;
  p: C | null;
  n: number;
}

const PREFIX = 'RFNwdA'; // Graph's skip tokens start like this; ours are base64url JSON behind it

export function encodeSkipToken<C>(s: SkipState<C>): string {
  return PREFIX + Buffer.from(JSON.stringify(s)).toString('base64url');
}

export function decodeSkipToken<C>(token: string): SkipState<C> | null {
  if (!token.startsWith(PREFIX)) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(token.slice(PREFIX.length), 'base64url').toString('utf8'));
    if (v && typeof v === 'object' && 'c' in v && 'n' in v && typeof v.n === 'number') return { c: v.c as C, p: ('p' in v ? v.p : null) as C | null, n: v.n };
  } catch {
    /* fall through: not ours */
  }
  return null;
}

/** The request's query string without `$skiptoken`, exactly as the client wrote it. */
export function queryWithout(url: URL, names: string[]): string {
  const raw = url.search.startsWith('?') ? url.search.slice(1) : url.search;
  const lower = names.map((n) => n.toLowerCase());
  return raw
    .split('&')
    .filter((part) => part && !lower.includes(decodeURIComponent(part.split('=')[0] ?? '').toLowerCase()))
    .join('&');
}

export interface PageResult {
  value: unknown[];
  nextLink?: string;
  /** True when the listing is complete (a delta round then adds its delta link). */
  done: boolean;
}

/**
 * One page of `source` at the position the skip token names. `base` is the link without skip
 * token (`origin + pathname + ?query`); `fault` is a paging fault taken for this page, if any.
 */
export function readPage<C>(source: PagedSource<C>, state: SkipState<C> | null, top: number, base: string, fault: ActiveFault | undefined): PageResult {
  const sep = base.includes('?') ? '&' : '?';
  const link = (s: SkipState<C>) => `${base}${sep}$skiptoken=${encodeSkipToken(s)}`;
  const page = state?.n ?? 1;
  const cursor = state?.c ?? null;
  const current = source.read(cursor, top);
  const nextLink = current.next != null ? link({ c: current.next, p: cursor, n: page + 1 }) : undefined;
  switch (fault?.kind) {
    case 'premature_end':
      return { value: current.items, done: false };
    case 'loop_cursor':
      return { value: current.items, nextLink: base, done: false };
    case 'repeat_page': {
      if (!state) break;
      // the previous page's records again, with a link back to this very page
      const previous = source.read(state.p, top);
      return { value: previous.items, nextLink: link(state), done: false };
    }
    case 'duplicate_records': {
      if (!state) break;
      const previous = source.read(state.p, top);
      return { value: [...previous.items, ...current.items], nextLink, done: nextLink == null };
    }
  }
  return { value: current.items, nextLink, done: nextLink == null };
}
