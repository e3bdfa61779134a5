/**
 * `/api/v1/groups` (with the BUILT_IN "Everyone" group first), `/api/v1/groups/{id}` and
 * `/api/v1/groups/{id}/users` (direct members; Okta groups are flat, nested groups are ignored).
 */
import type { GroupRecord } from '../shared/directory-state.js';
import type { OktaRoute, OktaRouteContext } from './okta-context.js';
import { notFoundError, validationError } from './okta-errors.js';
import { compileExpression, groupFilterRules, groupSearchRules, parseExpression } from './okta-filter.js';
import { listPage } from './okta-listing.js';
import { parseLimit } from './okta-paging.js';

const SCOPE = 'okta.groups.read';
const EVERYONE = 'everyone';
type GroupRef = GroupRecord | typeof EVERYONE;

function findGroup(ctx: OktaRouteContext, id: string): GroupRef {
  if (id === ctx.ids.everyoneGroupId) return EVERYONE;
  const index = ctx.ids.groupIndex(id);
  if (index !== undefined) {
    const g = ctx.state.groups[ctx.state.groupPositionAfter(index) - 1];
    if (g && g.index === index) return g;
  }
  throw notFoundError(id, 'UserGroup');
}

/** Dotted-path read on a rendered group (groups are few; rendering is cheap enough for filters). */
function readPath(value: unknown, path: string): unknown {
  let cur = value;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function listGroups(ctx: OktaRouteContext) {
  const q = ctx.url.searchParams;
  const { state, render, origin } = ctx;
  const withStats = (q.get('expand') ?? '').split(',').includes('stats');
  // position 0 is Everyone, position i + 1 is state.groups[i]
  const renderAt = (pos: number) => (pos === 0 ? render.everyone(origin, { stats: withStats }) : render.group(state.groups[pos - 1]!, origin, { stats: withStats }));
  const filter = q.get('filter');
  const search = q.get('search');
  const quick = q.get('q');
  let matches: (pos: number) => boolean = () => true;
  const expression = filter ? parseExpression(filter, 'filter', groupFilterRules) : search ? parseExpression(search, 'search', groupSearchRules) : undefined;
  if (expression) {
    const predicate = compileExpression(expression, (g: unknown, attr) => readPath(g, attr));
    matches = (pos) => predicate(renderAt(pos));
  } else if (quick) {
    const needle = quick.toLowerCase();
    matches = (pos) => (pos === 0 ? 'everyone' : state.groups[pos - 1]!.name.toLowerCase()).startsWith(needle);
  }
  const limit = parseLimit(q.get('limit'), quick ? 10 : 10_000, 10_000);
  const after = q.get('after');
  let start = 0;
  if (after) {
    if (after === ctx.ids.everyoneGroupId) start = 1;
    else {
      const index = ctx.ids.groupIndex(after);
      if (index === undefined) throw validationError('after', `after: '${after}' is not a valid cursor`);
      start = state.groupPositionAfter(index) + 1;
    }
  }
  return listPage(ctx, {
    length: state.groups.length + 1,
    start,
    limit,
    matches,
    render: (pos) => JSON.stringify(renderAt(pos)),
    cursorOf: (pos) => (pos === 0 ? ctx.ids.everyoneGroupId : ctx.ids.group(state.groups[pos - 1]!.index)),
  });
}

function listMembers(ctx: OktaRouteContext) {
  const group = findGroup(ctx, ctx.params.id!);
  const q = ctx.url.searchParams;
  const { state, render, origin } = ctx;
  const limit = parseLimit(q.get('limit'), 1000, 1000);
  const after = q.get('after');
  const afterIndex = after ? ctx.ids.userIndex(after) : undefined;
  if (after && afterIndex === undefined) throw validationError('after', `after: '${after}' is not a valid cursor`);
  const omit = /okta-response=[^;]*omitCredentials/.test(String(ctx.req.headers['content-type'] ?? ''));
  if (group === EVERYONE) {
    const people = state.people;
    return listPage(ctx, {
      length: people.length,
      start: afterIndex === undefined ? 0 : state.personPositionAfter(afterIndex),
      limit,
      matches: () => true,
      render: (pos) => render.userJson(people[pos]!, origin, omit),
      cursorOf: (pos) => ctx.ids.user(people[pos]!.index),
    });
  }
  const members = group.memberKeys;
  const personAt = (pos: number) => state.person(members[pos]!);
  return listPage(ctx, {
    length: members.length,
    start: afterIndex === undefined ? 0 : state.memberPositionAfter(group.key, afterIndex),
    limit,
    matches: (pos) => personAt(pos) !== undefined,
    render: (pos) => render.userJson(personAt(pos)!, origin, omit),
    cursorOf: (pos) => ctx.ids.user(personAt(pos)!.index),
  });
}

export const oktaGroupRoutes: OktaRoute[] = [
  { method: 'GET', pattern: '/api/v1/groups', scope: SCOPE, listing: true, handle: listGroups },
  {
    method: 'GET',
    pattern: '/api/v1/groups/:id',
    scope: SCOPE,
    handle: (ctx) => {
      const g = findGroup(ctx, ctx.params.id!);
      const withStats = (ctx.url.searchParams.get('expand') ?? '').split(',').includes('stats');
      return { status: 200, body: g === EVERYONE ? ctx.render.everyone(ctx.origin, { stats: withStats }) : ctx.render.group(g, ctx.origin, { stats: withStats }) };
    },
  },
  { method: 'GET', pattern: '/api/v1/groups/:id/users', scope: SCOPE, listing: true, handle: listMembers },
];
