/**
 * The Directory API v1 routes under `/admin/directory/v1`: users, groups, members, org units and the
 * customer, with Google's parameters, caps, page tokens and error bodies. Handlers return a body or
 * throw ApiError; the emulator's dispatcher sends it (and applies transport faults).
 * https://developers.google.com/admin-sdk/directory/reference/rest
 */
import type { DirectoryState, GroupRecord, PersonRecord } from '../shared/directory-state.js';
import type { ActiveFault } from '../shared/faults.js';
import { createRouter, type Router } from '../shared/http.js';
import { indexOfGroupId, indexOfUserId } from './ids.js';
import { decodePageToken, paramsFingerprint } from './page-token.js';
import { offsetListing, pageWindow, type Listing } from './paginate.js';
import { primaryEmailOf, renderGroup, renderGroupMember, renderOrgUnit, renderUser, renderUserMember, roleOf, type RenderContext } from './render.js';
import type { IssuedToken } from './token-endpoint.js';
import { parseUserQuery } from './user-query.js';

export const DIRECTORY_PREFIX = '/admin/directory/v1';

export class ApiError extends Error {
  constructor(
    readonly reason: string,
    message?: string,
    readonly code?: number,
  ) {
    super(message ?? reason);
  }
  get explicitMessage(): string | undefined {
    return this.message === this.reason ? undefined : this.message;
  }
}

/** Which delegated scopes let a token call a family of methods (read-only or read-write). */
const SCOPE_FAMILIES = {
  user: ['admin.directory.user.readonly', 'admin.directory.user'],
  group: ['admin.directory.group.readonly', 'admin.directory.group'],
  member: ['admin.directory.group.member.readonly', 'admin.directory.group.member', 'admin.directory.group.readonly', 'admin.directory.group'],
  orgunit: ['admin.directory.orgunit.readonly', 'admin.directory.orgunit'],
  customer: ['admin.directory.customer.readonly', 'admin.directory.customer'],
} as const;
type ScopeFamily = keyof typeof SCOPE_FAMILIES;

export interface ApiRequest {
  url: URL;
  params: Record<string, string>;
  token: IssuedToken;
  fault: ActiveFault | undefined;
}

export interface ApiRoute {
  scope: ScopeFamily;
  /** A paged listing: its page number is known from the token, for `match.page` faults. */
  listing: boolean;
  handle(req: ApiRequest): unknown;
}

export interface DirectoryApiDeps {
  state: DirectoryState;
  render: RenderContext;
  seed: number;
  customerId: string;
  /** Org units of the company (the root `/` included). */
  orgUnits: () => string[];
  /** Email → person key (lookups by userKey). */
  personKeyOfEmail(email: string): string | undefined;
  groupKeyOfEmail(email: string): string | undefined;
}

export interface DirectoryApi {
  router: Router;
  routeOf(handler: unknown): ApiRoute | undefined;
  /** True when the token may call this route family. */
  allows(token: IssuedToken, route: ApiRoute): boolean;
}

const SCOPE_PREFIX = 'https://www.googleapis.com/auth/';

export function createDirectoryApi(deps: DirectoryApiDeps): DirectoryApi {
  const { state, render } = deps;
  const routes = new Map<unknown, ApiRoute>();
  const router = createRouter();
  const on = (pattern: string, route: ApiRoute) => {
    const handler = () => undefined;
    routes.set(handler, route);
    router.on('GET', DIRECTORY_PREFIX + pattern, handler);
  };

  // ---- lookups --------------------------------------------------------------------------------
  const personAtIndex = (index: number): PersonRecord | undefined => {
    const pos = state.personPositionAfter(index - 1);
    const p = state.people[pos];
    return p && p.index === index ? p : undefined;
  };
  const groupAtIndex = (index: number): GroupRecord | undefined => {
    const pos = state.groupPositionAfter(index - 1);
    const g = state.groups[pos];
    return g && g.index === index ? g : undefined;
  };
  const findPerson = (userKey: string): PersonRecord | undefined => {
    const index = indexOfUserId(deps.seed, userKey);
    if (index !== undefined) return personAtIndex(index);
    const key = deps.personKeyOfEmail(userKey.toLowerCase());
    return key ? state.person(key) : undefined;
  };
  const findGroup = (groupKey: string): GroupRecord | undefined => {
    const index = indexOfGroupId(deps.seed, groupKey);
    if (index !== undefined) return groupAtIndex(index);
    const key = deps.groupKeyOfEmail(groupKey.toLowerCase());
    return key ? state.group(key) : undefined;
  };
  const mustGroup = (groupKey: string) => {
    const g = findGroup(groupKey);
    if (!g) throw new ApiError('notFound', 'Resource Not Found: groupKey', 404);
    return g;
  };

  // ---- parameters -----------------------------------------------------------------------------
  const maxResultsOf = (url: URL, max: number, def: number): number => {
    const raw = url.searchParams.get('maxResults');
    if (raw === null) return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new ApiError('invalid', `Invalid value '${raw}'. Values must be within the range: [1, ${max}]`, 400);
    return n;
  };
  /** `customer` or `domain` must name this emulated account (Google answers a bare 400 otherwise). */
  const checkCustomerOrDomain = (url: URL, required: boolean) => {
    const customer = url.searchParams.get('customer');
    const domain = url.searchParams.get('domain');
    if (customer !== null && customer !== 'my_customer' && customer !== deps.customerId) throw new ApiError('badRequest', 'Bad Request', 400);
    if (domain !== null && domain.toLowerCase() !== state.domain) throw new ApiError('forbidden', 'Not Authorized to access this resource/api', 403);
    if (required && customer === null && domain === null) throw new ApiError('badRequest', 'Bad Request', 400);
  };
  const cursorOf = (url: URL) => {
    const cursor = decodePageToken(url);
    if (!cursor) throw new ApiError('badRequest', 'Invalid pageToken', 400);
    return cursor;
  };
  const page = (url: URL, listing: Listing, maxResults: number, fault: ActiveFault | undefined) =>
    pageWindow(listing, { cursor: cursorOf(url), maxResults, fingerprint: paramsFingerprint(url), pageToken: url.searchParams.get('pageToken') }, fault);
  const etag = (kind: string) => `"${kind}-${state.version}-${deps.seed}"`;

  // Sorted / filtered user views are built once per (parameters, directory version), then paged by offset.
  const viewCache = new Map<string, PersonRecord[]>();
  const userView = (url: URL): PersonRecord[] | undefined => {
    const orderBy = url.searchParams.get('orderBy');
    const query = url.searchParams.get('query');
    const showDeleted = url.searchParams.get('showDeleted') === 'true';
    if (!orderBy && !query && !showDeleted) return undefined;
    const cacheKey = `${state.version}|${orderBy}|${url.searchParams.get('sortOrder')}|${query}|${showDeleted}`;
    const cached = viewCache.get(cacheKey);
    if (cached) return cached;
    let people: PersonRecord[] = showDeleted
      ? state.journal.flatMap((e) => (e.type === 'person.deleted' && e.deleted && 'login' in e.deleted ? [e.deleted] : []))
      : [...state.people];
    if (query) {
      const predicate = parseUserQuery(query);
      if (typeof predicate === 'string') throw new ApiError('invalid', predicate, 400);
      people = people.filter((p) => {
        const r = renderUser(p, render, false);
        return predicate(p, { primaryEmail: String(r.primaryEmail), suspended: r.suspended === true, archived: r.archived === true, isAdmin: r.isAdmin === true });
      });
    }
    if (orderBy) {
      const field = orderBy === 'email' ? (p: PersonRecord) => primaryEmailOf(p, state.domain) : orderBy === 'givenName' ? (p: PersonRecord) => p.givenName : orderBy === 'familyName' ? (p: PersonRecord) => p.familyName : null;
      if (!field) throw new ApiError('invalid', `Invalid value '${orderBy}' for orderBy`, 400);
      const dir = url.searchParams.get('sortOrder') === 'DESCENDING' ? -1 : 1;
      people.sort((a, b) => dir * (field(a).localeCompare(field(b)) || a.index - b.index));
    }
    if (viewCache.size > 8) viewCache.clear();
    viewCache.set(cacheKey, people);
    return people;
  };

  // ---- users ----------------------------------------------------------------------------------
  on('/users', {
    scope: 'user',
    listing: true,
    handle({ url, fault }) {
      checkCustomerOrDomain(url, true);
      const maxResults = maxResultsOf(url, 500, 100);
      const full = url.searchParams.get('projection') === 'full' || url.searchParams.get('projection') === 'custom';
      const view = userView(url);
      const people = view ?? state.people;
      const listing: Listing = view
        ? offsetListing(view.length)
        : { length: people.length, cursorAt: (pos) => ({ cursor: people[pos]!.index }), startOf: (c) => state.personPositionAfter(c.cursor) };
      const w = page(url, listing, maxResults, fault);
      const users: Record<string, unknown>[] = [];
      for (let i = w.from; i < w.to; i++) users.push(renderUser(people[i]!, render, full));
      return { kind: 'admin#directory#users', etag: etag('users'), ...(users.length ? { users } : {}), ...(w.nextPageToken ? { nextPageToken: w.nextPageToken } : {}) };
    },
  });
  on('/users/:userKey', {
    scope: 'user',
    listing: false,
    handle({ url, params }) {
      const p = findPerson(params.userKey!);
      if (!p) throw new ApiError('notFound', 'Resource Not Found: userKey', 404);
      return renderUser(p, render, url.searchParams.get('projection') === 'full');
    },
  });

  // ---- groups ---------------------------------------------------------------------------------
  on('/groups', {
    scope: 'group',
    listing: true,
    handle({ url, fault }) {
      const userKey = url.searchParams.get('userKey');
      checkCustomerOrDomain(url, userKey === null);
      const maxResults = maxResultsOf(url, 200, 200);
      let listing: Listing;
      let groups: readonly GroupRecord[];
      if (userKey !== null) {
        const p = findPerson(userKey);
        if (!p) throw new ApiError('notFound', 'Resource Not Found: userKey', 404);
        groups = state.groupsOfPerson(p.key);
        listing = offsetListing(groups.length);
      } else {
        const all = state.groups;
        groups = all;
        listing = { length: all.length, cursorAt: (pos) => ({ cursor: all[pos]!.index }), startOf: (c) => state.groupPositionAfter(c.cursor) };
      }
      const w = page(url, listing, maxResults, fault);
      const out: Record<string, unknown>[] = [];
      for (let i = w.from; i < w.to; i++) out.push(renderGroup(groups[i]!, render));
      return { kind: 'admin#directory#groups', etag: etag('groups'), ...(out.length ? { groups: out } : {}), ...(w.nextPageToken ? { nextPageToken: w.nextPageToken } : {}) };
    },
  });
  on('/groups/:groupKey', {
    scope: 'group',
    listing: false,
    handle: ({ params }) => renderGroup(mustGroup(params.groupKey!), render),
  });

  // ---- members: direct users (in person order), then nested groups ----------------------------
  on('/groups/:groupKey/members', {
    scope: 'member',
    listing: true,
    handle({ url, params, fault }) {
      const g = mustGroup(params.groupKey!);
      const maxResults = maxResultsOf(url, 200, 200);
      const roles = url.searchParams.get('roles');
      const derived = url.searchParams.get('includeDerivedMembership') === 'true';
      const entries = roles || derived ? computedMembers(g, roles, derived) : undefined;
      if (entries) {
        const w = page(url, offsetListing(entries.length), maxResults, fault);
        const members = entries.slice(w.from, w.to).map((render) => render());
        return membersBody(members, w.nextPageToken);
      }
      const users = g.memberKeys;
      const children = g.childGroupKeys;
      const listing: Listing = {
        length: users.length + children.length,
        cursorAt: (pos) => (pos < users.length ? { section: 'u', cursor: state.person(users[pos]!)?.index ?? -1 } : { section: 'g', cursor: pos - users.length }),
        startOf: (c) => (c.section === 'g' ? users.length + c.cursor + 1 : state.memberPositionAfter(g.key, c.cursor)),
      };
      const w = page(url, listing, maxResults, fault);
      const members: Record<string, unknown>[] = [];
      for (let i = w.from; i < w.to; i++) {
        if (i < users.length) {
          const p = state.person(users[i]!);
          if (p) members.push(renderUserMember(g, p, roleOf(g, i, p), render));
        } else {
          const child = state.group(children[i - users.length]!);
          if (child) members.push(renderGroupMember(g, child, render));
        }
      }
      return membersBody(members, w.nextPageToken);
    },
  });
  const membersBody = (members: Record<string, unknown>[], nextPageToken: string | undefined) => ({
    kind: 'admin#directory#members',
    etag: etag('members'),
    ...(members.length ? { members } : {}),
    ...(nextPageToken ? { nextPageToken } : {}),
  });

  /** Role-filtered or flattened member lists (includeDerivedMembership: users of nested groups, once each). */
  function computedMembers(g: GroupRecord, roles: string | null, derived: boolean): Array<() => Record<string, unknown>> {
    const wanted = roles ? new Set(roles.split(',').map((r) => r.trim().toUpperCase())) : null;
    const out: Array<() => Record<string, unknown>> = [];
    const seenPeople = new Set<string>();
    const seenGroups = new Set<string>();
    const walk = (group: GroupRecord, top: boolean) => {
      if (seenGroups.has(group.key)) return;
      seenGroups.add(group.key);
      group.memberKeys.forEach((key, i) => {
        const p = state.person(key);
        if (!p || seenPeople.has(key)) return;
        const role = top ? roleOf(group, i, p) : 'MEMBER';
        if (wanted && !wanted.has(role)) return;
        seenPeople.add(key);
        out.push(() => renderUserMember(g, p, role, render));
      });
      for (const ck of group.childGroupKeys) {
        const child = state.group(ck);
        if (!child) continue;
        if (top && (!wanted || wanted.has('MEMBER'))) out.push(() => renderGroupMember(g, child, render));
        if (derived) walk(child, false);
      }
    };
    walk(g, true);
    return out;
  }

  on('/groups/:groupKey/members/:memberKey', {
    scope: 'member',
    listing: false,
    handle({ params }) {
      const g = mustGroup(params.groupKey!);
      const p = findPerson(params.memberKey!);
      const pos = p ? g.memberKeys.indexOf(p.key) : -1;
      if (p && pos >= 0) return renderUserMember(g, p, roleOf(g, pos, p), render);
      const child = findGroup(params.memberKey!);
      if (child && g.childGroupKeys.includes(child.key)) return renderGroupMember(g, child, render);
      throw new ApiError('notFound', 'Resource Not Found: memberKey', 404);
    },
  });
  on('/groups/:groupKey/hasMember/:memberKey', {
    scope: 'member',
    listing: false,
    handle({ params }) {
      const g = mustGroup(params.groupKey!);
      const p = findPerson(params.memberKey!);
      if (!p) throw new ApiError('notFound', 'Resource Not Found: memberKey', 404);
      // direct or through nested groups, as Google answers it
      const seen = new Set<string>();
      const has = (group: GroupRecord): boolean => {
        if (seen.has(group.key)) return false;
        seen.add(group.key);
        if (group.memberKeys.includes(p.key)) return true;
        return group.childGroupKeys.some((k) => {
          const c = state.group(k);
          return c ? has(c) : false;
        });
      };
      return { isMember: has(g) };
    },
  });

  // ---- org units and customer -----------------------------------------------------------------
  on('/customer/:customer/orgunits', {
    scope: 'orgunit',
    listing: false,
    handle({ url, params }) {
      if (params.customer !== 'my_customer' && params.customer !== deps.customerId) throw new ApiError('badRequest', 'Bad Request', 400);
      const type = url.searchParams.get('type') ?? 'children';
      if (!['all', 'children', 'allIncludingParent'].includes(type)) throw new ApiError('invalid', `Invalid value '${type}' for type`, 400);
      const base = normalizePath(url.searchParams.get('orgUnitPath') ?? '/');
      const all = deps.orgUnits();
      if (!all.includes(base)) throw new ApiError('notFound', 'Org unit not found', 404);
      const under = (p: string) => p !== base && (base === '/' ? true : p.startsWith(`${base}/`));
      const depth = (p: string) => (p === '/' ? 0 : p.split('/').length - 1);
      let paths = all.filter((p) => under(p) && (type !== 'children' || depth(p) === depth(base) + 1));
      if (type === 'allIncludingParent') paths = [base, ...paths];
      const units = paths.map((p) => renderOrgUnit(p, render));
      return { kind: 'admin#directory#orgUnits', etag: etag('orgunits'), ...(units.length ? { organizationUnits: units } : {}) };
    },
  });
  on('/customers/:customerKey', {
    scope: 'customer',
    listing: false,
    handle({ params }) {
      if (params.customerKey !== 'my_customer' && params.customerKey !== deps.customerId) throw new ApiError('notFound', 'Resource Not Found: customerKey', 404);
      return {
        kind: 'admin#directory#customer',
        id: deps.customerId,
        etag: etag('customer'),
        customerDomain: state.domain,
        alternateEmail: `it@${state.domain}`,
        customerCreationTime: '2023-11-01T09:00:00.000Z',
        language: 'en',
      };
    },
  });

  return {
    router,
    routeOf: (handler) => routes.get(handler),
    allows: (token, route) => SCOPE_FAMILIES[route.scope].some((s) => token.scopes.has(SCOPE_PREFIX + s)),
  };
}

const normalizePath = (p: string) => {
  const withSlash = p.startsWith('/') ? p : `/${p}`;
  return withSlash.length > 1 ? withSlash.replace(/\/+$/, '') : withSlash;
};
