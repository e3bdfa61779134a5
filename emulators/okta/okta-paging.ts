/**
 * Okta cursor paging: bare JSON arrays with two `Link` header lines (`self`, `next`) holding
 * absolute URLs on the emulator's origin, and `limit` parsing. The page tracker remembers which
 * page number each emitted next link leads to, so faults can target "page 3" of a listing.
 */
import { validationError } from './okta-errors.js';
import type { OktaReply } from './okta-context.js';

export function parseLimit(raw: string | null, defaultLimit: number, maxLimit: number): number {
  if (raw === null || raw === '') return defaultLimit;
  if (!/^-?\d+$/.test(raw)) throw validationError('limit', `limit: '${raw}' is not a valid integer`);
  const n = Number(raw);
  if (n < 1) throw validationError('limit', 'limit: must be greater than 0');
  return Math.min(n, maxLimit);
}

/** Query string with `after` first (as Okta writes it) and values percent-encoded (spaces as %20). */
export function linkFor(origin: string, url: URL, after: string | undefined): string {
  const parts: string[] = [];
  if (after !== undefined) parts.push(`after=${encodeURIComponent(after)}`);
  for (const [k, v] of url.searchParams) if (k !== 'after') parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return `${origin}${url.pathname}${parts.length ? `?${parts.join('&')}` : ''}`;
}

export interface PageTracker {
  /** Page number of this request: remembered from the link that led here, else estimated. */
  pageOf(url: URL, estimate: () => number): number;
  remember(link: string, page: number): void;
}

export function createPageTracker(maxEntries = 100_000): PageTracker {
  let pages = new Map<string, number>();
  const keyOf = (u: URL) => `${u.pathname}${u.search}`;
  return {
    pageOf(url, estimate) {
      if (!url.searchParams.has('after')) return 1;
      return pages.get(keyOf(url)) ?? estimate();
    },
    remember(link, page) {
      if (pages.size >= maxEntries) pages = new Map();
      pages.set(keyOf(new URL(link)), page);
    },
  };
}

/** A listing reply: the JSON array (of already serialised records) plus `self` and (when given) `next` Link lines. */
export function pageReply(itemsJson: string[], self: string, next: string | undefined): OktaReply {
  const links = [`<${self}>; rel="self"`];
  if (next) links.push(`<${next}>; rel="next"`);
  return { status: 200, body: `[${itemsJson.join(',')}]`, headers: { Link: links } };
}

/**
 * Scans `length` positions from `start`, collecting up to `limit` matching positions; also reports
 * whether another match exists after them (so the last full page gets no dangling next link).
 */
export function scanPage(start: number, length: number, limit: number, matches: (pos: number) => boolean): { positions: number[]; hasMore: boolean } {
  const positions: number[] = [];
  let pos = start;
  for (; pos < length && positions.length < limit; pos++) if (matches(pos)) positions.push(pos);
  let hasMore = false;
  if (positions.length === limit) {
    for (; pos < length; pos++) {
      if (matches(pos)) {
        hasMore = true;
        break;
      }
    }
  }
  return { positions, hasMore };
}

/** Up to `count` matching positions right before `start`, in order (for the duplicate_records fault). */
export function positionsBefore(start: number, count: number, matches: (pos: number) => boolean): number[] {
  const found: number[] = [];
  for (let pos = start - 1; pos >= 0 && found.length < count; pos--) if (matches(pos)) found.unshift(pos);
  return found;
}
