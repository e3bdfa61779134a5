/**
 * One page of a listing, with the paging faults applied. A listing is addressed by position; the
 * cursor stored in the token is whatever `cursorAt` says about the last record served (a record
 * index, so a page stays correct when earlier records are deleted, or an offset for computed views),
 * and `startOf` turns it back into a position with a binary search. No O(n) work per page.
 */
import type { ActiveFault } from '../shared/faults.js';
import { encodePageToken, type PageCursor } from './page-token.js';

export interface Listing {
  length: number;
  /** The cursor that points just after position `pos`. */
  cursorAt(pos: number): Omit<PageCursor, 'page'>;
  /** First position after a cursor (`cursor: -1` = the start). */
  startOf(cursor: PageCursor): number;
}

export interface PageWindow {
  from: number;
  to: number;
  nextPageToken: string | undefined;
}

export function pageWindow(
  listing: Listing,
  request: { cursor: PageCursor; maxResults: number; fingerprint: number; pageToken: string | null },
  fault: ActiveFault | undefined,
): PageWindow {
  const { cursor, maxResults, fingerprint } = request;
  const start = Math.min(listing.length, listing.startOf(cursor));
  let from = start;
  let to = Math.min(listing.length, start + maxResults);
  let nextPageToken = to < listing.length ? encodePageToken({ page: cursor.page + 1, ...listing.cursorAt(to - 1) }, fingerprint) : undefined;
  switch (fault?.kind) {
    case 'duplicate_records': // the previous page's records again, ahead of this page's
      from = Math.max(0, start - maxResults);
      break;
    case 'repeat_page': // the previous page again, pointing at the page just asked for
      if (request.pageToken && cursor.page > 1) {
        to = start;
        from = Math.max(0, start - maxResults);
        nextPageToken = request.pageToken;
      }
      break;
    case 'loop_cursor':
      nextPageToken = encodePageToken({ page: 1, cursor: -1 }, fingerprint);
      break;
    case 'premature_end':
      nextPageToken = undefined;
      break;
    default:
      break;
  }
  return { from, to, nextPageToken };
}

/** A listing over a plain array, cursor = last position served. */
export function offsetListing(length: number): Listing {
  return {
    length,
    cursorAt: (pos) => ({ cursor: pos }),
    startOf: (c) => Math.max(0, c.cursor + 1),
  };
}
