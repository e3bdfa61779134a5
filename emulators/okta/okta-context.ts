/** What a route handler of the Okta emulator receives and returns. */
import type { IncomingMessage } from 'node:http';
import type { DirectoryState, PersonRecord } from '../shared/directory-state.js';
import type { ActiveFault } from '../shared/faults.js';
import type { OktaIds } from './okta-ids.js';
import type { PageTracker } from './okta-paging.js';
import type { OktaRenderer } from './okta-render.js';

export interface OktaRouteContext {
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  /** Origin the client used (absolute links point here). */
  origin: string;
  state: DirectoryState;
  ids: OktaIds;
  render: OktaRenderer;
  pages: PageTracker;
  /** Case-insensitive login lookup (index rebuilt only after directory changes). */
  userByLogin(login: string): PersonRecord | undefined;
  /**
   * Consults the fault list for this listing page. Response-level faults (status, rate_limit,
   * expired_token) are thrown and rendered by the server, transport faults are applied when
   * sending; paging faults are returned for the handler to apply.
   */
  takeFault(page: number): ActiveFault | undefined;
}

export interface OktaReply {
  status: number;
  /** A JSON value, or an already serialised JSON string. */
  body: unknown;
  headers?: Record<string, string | string[]>;
}

export interface OktaRoute {
  method: 'GET' | 'POST';
  pattern: string;
  /** OAuth scope needed with a bearer token; SSWS tokens act as a super admin. */
  scope?: string;
  /** Listing routes consult faults themselves, once they know their page number. */
  listing?: boolean;
  handle(ctx: OktaRouteContext): OktaReply | Promise<OktaReply>;
}
