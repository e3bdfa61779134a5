/**
 * Microsoft Graph v1.0 as the emulator serves it: bearer check (401 InvalidAuthenticationToken),
 * per-route app-role check (403 Authorization_RequestDenied), injected faults, a fixed-window
 * rate limit (429 + Retry-After + x-ms-throttle headers), then the collections and delta routes.
 */
import type { DirectoryState } from '../shared/directory-state.js';
import type { ActiveFault, FaultList } from '../shared/faults.js';
import { PAGING_FAULT_KINDS } from '../shared/faults.js';
import type { AccessTokens } from './access-tokens.js';
import { groupsSource, membersSource, transitiveMembersSource, usersSource } from './graph-collections.js';
import type { RenderOptions } from './graph-collections.js';
import { defaultErrorFor, sendGraph, sendGraphError, WWW_AUTHENTICATE } from './graph-http.js';
import type { GraphExchange } from './graph-http.js';
import { GROUP_FIELDS, SelectError, USER_DEFAULT_FIELDS, USER_FIELDS, parseSelect, project, renderGroup, renderUser, userPrincipalName } from './graph-render.js';
import type { EntraIds } from './graph-render.js';
import { decodeSkipToken, queryWithout, readPage } from './paging.js';
import type { PagedSource } from './paging.js';
import { decodeDeltaToken, deltaSource, encodeDeltaToken, isDeltaRound } from './delta.js';
import type { DeltaCursor, DeltaKind, DeltaRound } from './delta.js';

export interface GraphConfig {
  state: DirectoryState;
  faults: FaultList;
  ids: EntraIds;
  tokens: AccessTokens;
  instanceId: string;
  deltaEpoch: () => number;
  deltaTokenMaxAgeMs: number;
  rateLimit?: { limit: number; windowMs: number };
}

const READ_USERS = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const READ_GROUPS = ['Group.Read.All', 'Group.ReadWrite.All', 'GroupMember.Read.All', 'GroupMember.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const READ_MEMBERS = READ_GROUPS;
const UNSUPPORTED = ['$filter', '$search', '$orderby', '$expand', '$count'];
const DEFAULT_TOP = 100;
const DELTA_PAGE = { users: 200, groups: 100 };

class HttpProblem extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

export function createGraphHandler(cfg: GraphConfig) {
  const { state, ids } = cfg;
  const transitiveCache = new Map<string, { version: number; refs: string[] }>();
  let window = { start: 0, count: 0 };

  const param = (url: URL, name: string) => {
    for (const [k, v] of url.searchParams) if (k.toLowerCase() === name.toLowerCase()) return v;
    return null;
  };

  function top(url: URL): number {
    const raw = param(url, '$top');
    if (raw == null) return DEFAULT_TOP;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 999) throw new HttpProblem(400, 'Request_BadRequest', `Invalid page size specified: '${raw}'. Must be between 1 and 999 inclusive.`);
    return n;
  }

  function select(url: URL, known: readonly string[], type: string): string[] | null {
    try {
      return parseSelect(param(url, '$select'), known, type);
    } catch (e) {
      if (e instanceof SelectError) throw new HttpProblem(400, 'Request_BadRequest', e.message);
      throw e;
    }
  }

  function requireRole(roles: string[], allowed: string[]) {
    if (!roles.some((r) => allowed.includes(r))) throw new HttpProblem(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  }

  function personByRef(ref: string) {
    const key = ids.userKey(ref);
    if (key) return state.person(key);
    const upn = ref.toLowerCase();
    return state.people.find((p) => userPrincipalName(p, state.domain).toLowerCase() === upn);
  }

  function groupByRef(ref: string) {
    const key = ids.groupKey(ref);
    return key ? state.group(key) : undefined;
  }

  function resourceUnits(path: string, url: URL): number {
    let cost = /\/transitiveMembers$/.test(path) ? 5 : /\/members$/.test(path) ? 3 : path === '/users' ? 2 : 1;
    if (param(url, '$select') != null) cost -= 1;
    const t = Number(param(url, '$top') ?? DEFAULT_TOP);
    if (t < 20) cost -= 1;
    return Math.max(1, cost);
  }

  /** Sends one page of a listing (with the paging fault, if one was taken for this page). */
  async function sendListing<C>(x: GraphExchange, source: PagedSource<C>, pageSize: number, context: string, pagingFault: ActiveFault | undefined, extra: Record<string, unknown> = {}) {
    const token = param(x.url, '$skiptoken');
    const skip = token != null ? decodeSkipToken<C>(token) : null;
    if (token != null && !skip) throw new HttpProblem(400, 'Request_BadRequest', 'Invalid $skiptoken.');
    const q = queryWithout(x.url, ['$skiptoken']);
    const base = `${x.origin}${x.url.pathname}${q ? `?${q}` : ''}`;
    const page = readPage(source, skip, pageSize, base, pagingFault);
    await sendGraph(x, 200, { '@odata.context': `${x.origin}/v1.0/$metadata#${context}`, ...extra, ...(page.nextLink ? { '@odata.nextLink': page.nextLink } : {}), value: page.value }, { 'x-ms-resource-unit': String(resourceUnits(x.url.pathname.slice(5), x.url)) });
  }

  async function sendDelta(x: GraphExchange, kind: DeltaKind, roles: string[], pagingFault: ActiveFault | undefined) {
    const known = kind === 'users' ? USER_FIELDS : GROUP_FIELDS;
    const deltaBase = `${x.origin}/v1.0/${kind}/delta`;
    const prefer = x.req.headers.prefer;
    const maxPage = Number(/odata\.maxpagesize=(\d+)/.exec(typeof prefer === 'string' ? prefer : '')?.[1] ?? DELTA_PAGE[kind]);
    const skipRaw = param(x.url, '$skiptoken');
    const deltaRaw = param(x.url, '$deltatoken');
    let round: DeltaRound;
    let skip: { c: DeltaCursor; p: DeltaCursor | null; n: number } | null = null;

    if (skipRaw != null) {
      skip = decodeSkipToken<DeltaCursor>(skipRaw);
      if (!skip || !isDeltaRound(skip.c) || skip.c.k !== kind) throw new HttpProblem(400, 'syncStateNotFound', 'The sync state generation is not found (unknown skip token).');
      round = { k: kind, m: skip.c.m, f: skip.c.f, t: skip.c.t, sel: Array.isArray(skip.c.sel) ? skip.c.sel : null };
    } else if (deltaRaw != null && deltaRaw.toLowerCase() === 'latest') {
      const sel = select(x.url, known, kind.slice(0, -1));
      const link = `${deltaBase}?$deltatoken=${encodeDeltaToken({ i: cfg.instanceId, e: cfg.deltaEpoch(), k: kind, s: state.lastSeq, ts: Date.now(), sel })}`;
      return sendGraph(x, 200, { '@odata.context': `${x.origin}/v1.0/$metadata#${kind}`, '@odata.deltaLink': link, value: [] });
    } else if (deltaRaw != null) {
      const t = decodeDeltaToken(deltaRaw);
      if (!t || t.i !== cfg.instanceId || t.k !== kind || Date.now() - t.ts > cfg.deltaTokenMaxAgeMs || t.s > state.lastSeq)
        throw new HttpProblem(400, 'syncStateNotFound', `The sync state generation is not found; the delta token is unknown or older than the retention of ${Math.round(cfg.deltaTokenMaxAgeMs / 86_400_000)} days. Start a new delta round.`);
      if (t.e !== cfg.deltaEpoch()) throw new HttpProblem(410, 'resyncRequired', "Resync required. Replace any local items with the server's version and restart the sync.", { Location: deltaBase });
      round = { k: kind, m: 'c', f: t.s, t: state.lastSeq, sel: t.sel };
    } else {
      round = { k: kind, m: 'i', f: 0, t: state.lastSeq, sel: select(x.url, known, kind.slice(0, -1)) };
    }
    if (round.sel?.includes('members')) requireRole(roles, READ_MEMBERS);

    const source = deltaSource({ state, ids, domain: state.domain }, round, maxPage);
    const page = readPage(source, skip, maxPage, deltaBase, pagingFault);
    const body: Record<string, unknown> = { '@odata.context': `${x.origin}/v1.0/$metadata#${kind}` };
    if (page.nextLink) body['@odata.nextLink'] = page.nextLink;
    else if (page.done) body['@odata.deltaLink'] = `${deltaBase}?$deltatoken=${encodeDeltaToken({ i: cfg.instanceId, e: cfg.deltaEpoch(), k: kind, s: round.t, ts: Date.now(), sel: round.sel })}`;
    body.value = page.value;
    await sendGraph(x, 200, body);
  }

  function checkRateLimit() {
    if (!cfg.rateLimit) return;
    const now = Date.now();
    if (now - window.start >= cfg.rateLimit.windowMs) window = { start: now, count: 0 };
    if (++window.count > cfg.rateLimit.limit) {
      const seconds = Math.max(1, Math.ceil((window.start + cfg.rateLimit.windowMs - now) / 1000));
      throw new HttpProblem(429, 'TooManyRequests', 'Too many requests.', throttleHeaders(seconds));
    }
  }

  async function route(x: GraphExchange, roles: string[], pagingFault: ActiveFault | undefined) {
    const path = x.url.pathname.slice('/v1.0'.length).replace(/\/+$/, '');
    for (const p of UNSUPPORTED) if (param(x.url, p) != null) throw new HttpProblem(400, 'Request_UnsupportedQuery', `The emulator does not support ${p}.`);
    let m: RegExpExecArray | null;
    if (path === '/users') {
      requireRole(roles, READ_USERS);
      const o: RenderOptions = { ids, domain: state.domain, select: select(x.url, USER_FIELDS, 'user') };
      return sendListing(x, usersSource(state, o), top(x.url), o.select ? `users(${o.select.join(',')})` : 'users', pagingFault);
    }
    if (path === '/groups') {
      requireRole(roles, READ_GROUPS);
      const o: RenderOptions = { ids, domain: state.domain, select: select(x.url, GROUP_FIELDS.filter((f) => f !== 'members'), 'group') };
      return sendListing(x, groupsSource(state, o), top(x.url), o.select ? `groups(${o.select.join(',')})` : 'groups', pagingFault);
    }
    if (path === '/users/delta') {
      requireRole(roles, READ_USERS);
      return sendDelta(x, 'users', roles, pagingFault);
    }
    if (path === '/groups/delta') {
      requireRole(roles, READ_GROUPS);
      return sendDelta(x, 'groups', roles, pagingFault);
    }
    if ((m = /^\/users\/([^/]+)$/.exec(path))) {
      requireRole(roles, READ_USERS);
      const p = personByRef(decodeURIComponent(m[1]!));
      if (!p) throw new HttpProblem(404, 'Request_ResourceNotFound', `Resource '${m[1]}' does not exist or one of its queried reference-property objects are not present.`);
      const fields = select(x.url, USER_FIELDS, 'user');
      const full = renderUser(p, ids, state.domain);
      return sendGraph(x, 200, { '@odata.context': `${x.origin}/v1.0/$metadata#users/$entity`, ...project(full, fields ?? USER_DEFAULT_FIELDS) });
    }
    if ((m = /^\/groups\/([^/]+)(\/members|\/transitiveMembers)?$/.exec(path))) {
      requireRole(roles, m[2] ? READ_MEMBERS : READ_GROUPS);
      const g = groupByRef(decodeURIComponent(m[1]!));
      if (!g) throw new HttpProblem(404, 'Request_ResourceNotFound', `Resource '${m[1]}' does not exist or one of its queried reference-property objects are not present.`);
      if (!m[2]) {
        const fields = select(x.url, GROUP_FIELDS.filter((f) => f !== 'members'), 'group');
        return sendGraph(x, 200, { '@odata.context': `${x.origin}/v1.0/$metadata#groups/$entity`, ...project(renderGroup(g, ids, state.domain), fields ?? GROUP_FIELDS) });
      }
      const o: RenderOptions = {
        ids,
        domain: state.domain,
        select: select(x.url, [...new Set([...USER_FIELDS, ...GROUP_FIELDS])], 'directoryObject'),
        limitedUsers: !roles.some((r) => READ_USERS.includes(r)),
      };
      if (m[2] === '/members') return sendListing(x, membersSource(state, g, o), top(x.url), 'directoryObjects', pagingFault);
      return sendListing(x, transitiveMembersSource(state, g, o, transitiveCache), top(x.url), 'directoryObjects', pagingFault);
    }
    throw new HttpProblem(400, 'BadRequest', `Resource not found for the segment '${path.split('/')[1] ?? ''}'.`);
  }

  function pageOf(url: URL): number | undefined {
    const token = param(url, '$skiptoken');
    if (token == null) return 1;
    return decodeSkipToken<unknown>(token)?.n;
  }

  /** Handles one request under /v1.0. */
  return async function handleGraph(x: GraphExchange): Promise<void> {
    const method = x.req.method ?? 'GET';
    const fault = cfg.faults.take({ method, pathname: x.url.pathname, page: pageOf(x.url) });
    try {
      if (fault?.kind === 'status') return await sendGraph(x, fault.status, fault.body ?? defaultErrorFor(x, fault.status), fault.status === 410 ? { Location: `${x.origin}${x.url.pathname}` } : {});
      if (fault?.kind === 'rate_limit') {
        const retryAfter = fault.retryAfterHttpDate ?? String(fault.retryAfterSeconds ?? 1);
        return await sendGraphError(x, 429, 'TooManyRequests', 'Too many requests.', throttleHeaders(retryAfter));
      }
      if (fault?.kind === 'expired_token')
        return await sendGraphError(x, 401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.', { 'WWW-Authenticate': WWW_AUTHENTICATE });
      const pagingFault = fault && PAGING_FAULT_KINDS.includes(fault.kind) ? fault : undefined;
      if (fault && !pagingFault) x.transportFault = fault;

      checkRateLimit();
      if (method !== 'GET') throw new HttpProblem(405, 'Request_BadRequest', `The emulator serves only GET under /v1.0 (got ${method}).`);
      const auth = await cfg.tokens.verify(x.req.headers.authorization);
      if (!auth.ok) {
        const message = auth.reason === 'empty' ? 'Access token is empty.' : auth.reason === 'expired' ? 'Lifetime validation failed, the token is expired.' : 'Access token validation failure. Invalid audience.';
        throw new HttpProblem(401, 'InvalidAuthenticationToken', message, { 'WWW-Authenticate': WWW_AUTHENTICATE });
      }
      await route(x, auth.claims.roles, pagingFault);
    } catch (e) {
      if (!(e instanceof HttpProblem)) throw e;
      await sendGraphError(x, e.status, e.code, e.message, e.headers);
    }
  };
}

function throttleHeaders(retryAfter: string | number): Record<string, string> {
  return {
    'Retry-After': String(retryAfter),
    'x-ms-throttle-scope': 'Tenant_Application/ReadWrite/emulator',
    'x-ms-throttle-information': 'ResourceUnitLimitExceeded',
  };
}
