/**
 * Opaque page tokens: base64url JSON of the page number, the cursor (the last record's index, or an
 * offset for sorted / filtered views) and a fingerprint of the other query parameters, since Google
 * only honours a token with the same parameters it was issued for.
 */
import { z } from 'zod';
import { hashString } from '../shared/ids.js';

const tokenGuard = z.object({ n: z.number().int().positive(), c: z.number().int(), s: z.string().optional(), f: z.number() });

export interface PageCursor {
  /** 1-based page number (fault matching). */
  page: number;
  /** Position cursor: the index of the last record served (index mode) or the next offset (offset mode). */
  cursor: number;
  /** Which sub-list the cursor is in (members: users, then child groups). */
  section?: string;
}

/** Fingerprint of the query string without pageToken. */
export function paramsFingerprint(url: URL): number {
  const entries = [...url.searchParams.entries()].filter(([k]) => k !== 'pageToken' && k !== 'fields' && k !== 'prettyPrint' && k !== 'alt' && k !== 'quotaUser');
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return hashString(`${url.pathname}?${entries.map(([k, v]) => `${k}=${v}`).join('&')}`);
}

export function encodePageToken(cursor: PageCursor, fingerprint: number): string {
  return Buffer.from(JSON.stringify({ n: cursor.page, c: cursor.cursor, ...(cursor.section ? { s: cursor.section } : {}), f: fingerprint })).toString('base64url');
}

/** The cursor of a request: page 1 without a token; `null` for a token that is not ours or not for these parameters. */
export function decodePageToken(url: URL): PageCursor | null {
  const raw = url.searchParams.get('pageToken');
  if (!raw) return { page: 1, cursor: -1 };
  try {
    const t = tokenGuard.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    if (t.f !== paramsFingerprint(url)) return null;
    return { page: t.n, cursor: t.c, ...(t.s ? { section: t.s } : {}) };
  } catch {
    return null;
  }
}
