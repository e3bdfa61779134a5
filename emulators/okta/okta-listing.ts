/**
 * One page of any Okta listing over an ordered sequence of positions: scan from the cursor,
 * render, build the Link lines, and apply the paging faults (duplicate_records, repeat_page,
 * loop_cursor, premature_end). Work is proportional to the records scanned, never to the total.
 */
import type { OktaReply, OktaRouteContext } from './okta-context.js';
import { linkFor, pageReply, positionsBefore, scanPage } from './okta-paging.js';

export interface ListingSpec {
  length: number;
  /** First position to scan (just after the cursor). */
  start: number;
  limit: number;
  matches(pos: number): boolean;
  /** The record's JSON text. */
  render(pos: number): string;
  /** The `after` value that continues after this position (Okta: the record id). */
  cursorOf(pos: number): string;
}

export function listPage(ctx: OktaRouteContext, spec: ListingSpec): OktaReply {
  const page = ctx.pages.pageOf(ctx.url, () => Math.floor(spec.start / spec.limit) + 1);
  const fault = ctx.takeFault(page);
  const { positions, hasMore } = scanPage(spec.start, spec.length, spec.limit, spec.matches);
  const shown = fault?.kind === 'duplicate_records' ? [...positionsBefore(spec.start, Math.min(5, spec.limit), spec.matches), ...positions] : positions;
  const items = shown.map(spec.render);
  const self = `${ctx.origin}${ctx.req.url ?? ctx.url.pathname}`;
  const last = positions[positions.length - 1];
  let next = hasMore && last !== undefined ? linkFor(ctx.origin, ctx.url, spec.cursorOf(last)) : undefined;
  if (next) ctx.pages.remember(next, page + 1);
  if (fault?.kind === 'repeat_page') next = self;
  else if (fault?.kind === 'loop_cursor') next = linkFor(ctx.origin, ctx.url, undefined);
  else if (fault?.kind === 'premature_end') next = undefined;
  return pageReply(items, self, next);
}
