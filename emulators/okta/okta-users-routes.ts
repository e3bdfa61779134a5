/**
 * `/api/v1/users` (list with filter/search/q), `/api/v1/users/{id or login}` and
 * `/api/v1/users/{id}/groups`. The list hides DEPROVISIONED users unless `filter` or `search` is used.
 */
import type { PersonRecord } from '../shared/directory-state.js';
import type { OktaRoute, OktaRouteContext } from './okta-context.js';
import { notFoundError, validationError } from './okta-errors.js';
import { compileExpression, parseExpression, userFilterRules, userSearchRules } from './okta-filter.js';
import { listPage } from './okta-listing.js';
import { parseLimit } from './okta-paging.js';
import { OKTA_STATUS } from './okta-render.js';
import type { OktaRenderer } from './okta-render.js';

const SCOPE = 'okta.users.read';

/** Reads one filter/search attribute of a person without rendering the whole user. */
export function readUserAttribute(render: OktaRenderer, p: PersonRecord, attr: string): unknown {
  switch (attr) {
    case 'id':
      return render.ids.user(p.index);
    case 'status':
      return OKTA_STATUS[p.state];
    case 'created':
      return p.created;
    case 'lastUpdated':
      return p.lastUpdated;
    case 'activated':
      return render.activated(p);
    case 'statusChanged':
      return render.statusChanged(p);
    case 'type.id':
      return render.ids.userTypeId;
    case 'profile.login':
      return p.login;
    case 'profile.email':
      return p.email;
    case 'profile.firstName':
      return p.givenName;
    case 'profile.lastName':
      return p.familyName;
    default:
      return attr.startsWith('profile.') ? render.profile(p)[attr.slice('profile.'.length)] : undefined;
  }
}

const omitCredentials = (ctx: OktaRouteContext) => /okta-response=[^;]*omitCredentials/.test(String(ctx.req.headers['content-type'] ?? ''));

/** Resolves `{id or login}` to a person; throws 404 E0000007. */
export function findUser(ctx: OktaRouteContext, idOrLogin: string): PersonRecord {
  const index = ctx.ids.userIndex(idOrLogin);
  if (index !== undefined) {
    const pos = ctx.state.personPositionAfter(index) - 1;
    const p = ctx.state.people[pos];
    if (p && p.index === index) return p;
  } else {
    const p = ctx.userByLogin(idOrLogin);
    if (p) return p;
  }
  throw notFoundError(idOrLogin, 'User');
}

function listUsers(ctx: OktaRouteContext) {
  const q = ctx.url.searchParams;
  const { state, render } = ctx;
  const people = state.people;
  const filter = q.get('filter');
  const search = q.get('search');
  const quick = q.get('q');
  let matches: (p: PersonRecord) => boolean = (p) => p.state !== 'deprovisioned';
  if (filter) matches = compileExpression(parseExpression(filter, 'filter', userFilterRules), (p: PersonRecord, a) => readUserAttribute(render, p, a));
  else if (search) matches = compileExpression(parseExpression(search, 'search', userSearchRules), (p: PersonRecord, a) => readUserAttribute(render, p, a));
  else if (quick) {
    // q= matches the start of first name, last name or email, skips DEPROVISIONED, and cannot page
    const needle = quick.toLowerCase();
    matches = (p) =>
      p.state !== 'deprovisioned' &&
      [p.givenName, p.familyName, p.email ?? '', p.login].some((v) => v.toLowerCase().startsWith(needle));
  }
  const limit = parseLimit(q.get('limit'), quick && !filter && !search ? 10 : 200, 200);
  const after = q.get('after');
  let start = 0;
  if (after) {
    const index = ctx.ids.userIndex(after);
    if (index === undefined) throw validationError('after', `after: '${after}' is not a valid cursor`);
    start = state.personPositionAfter(index);
  }
  const omit = omitCredentials(ctx);
  const reply = listPage(ctx, {
    length: people.length,
    start,
    limit,
    matches: (pos) => matches(people[pos]!),
    render: (pos) => render.userJson(people[pos]!, ctx.origin, omit),
    cursorOf: (pos) => ctx.ids.user(people[pos]!.index),
  });
  if (quick && !filter && !search && reply.headers) reply.headers.Link = [`<${ctx.origin}${ctx.req.url}>; rel="self"`];
  return reply;
}

export const oktaUserRoutes: OktaRoute[] = [
  { method: 'GET', pattern: '/api/v1/users', scope: SCOPE, listing: true, handle: listUsers },
  {
    method: 'GET',
    pattern: '/api/v1/users/:id',
    scope: SCOPE,
    handle: (ctx) => ({ status: 200, body: ctx.render.user(findUser(ctx, ctx.params.id!), ctx.origin, { full: true, omitCredentials: omitCredentials(ctx) }) }),
  },
  {
    method: 'GET',
    pattern: '/api/v1/users/:id/groups',
    scope: SCOPE,
    handle: (ctx) => {
      const p = findUser(ctx, ctx.params.id!);
      const groups = [ctx.render.everyone(ctx.origin), ...ctx.state.groupsOfPerson(p.key).map((g) => ctx.render.group(g, ctx.origin))];
      return { status: 200, body: JSON.stringify(groups), headers: { Link: [`<${ctx.origin}${ctx.req.url}>; rel="self"`] } };
    },
  },
];
