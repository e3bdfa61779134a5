/**
 * `/api/v1/logs`: the System Log rendered from the directory's change journal (membership,
 * lifecycle and profile events). Polling mode (no `until`) always returns a `next` link; a client
 * stops when a page is empty. https://developer.okta.com/docs/reference/api/system-log/
 */
import type { ChangeEntry, GroupRecord, PersonRecord } from '../shared/directory-state.js';
import { noiseChars } from '../shared/ids.js';
import type { OktaRoute, OktaRouteContext } from './okta-context.js';
import { validationError } from './okta-errors.js';
import { compileExpression, logFilterRules, parseExpression } from './okta-filter.js';
import { linkFor, pageReply, parseLimit } from './okta-paging.js';

const DISPLAY: Record<string, [string, string]> = {
  'user.lifecycle.create': ['Create Okta user', 'core.user.config.user_creation.success'],
  'user.lifecycle.activate': ['Activate Okta user', 'core.user.config.user_activated'],
  'user.lifecycle.deactivate': ['Deactivate Okta user', 'core.user.config.user_deactivated'],
  'user.lifecycle.suspend': ['Suspend Okta user', 'core.user.config.user_suspended'],
  'user.lifecycle.unsuspend': ['Unsuspend Okta user', 'core.user.config.user_unsuspended'],
  'user.lifecycle.delete.initiated': ['Delete Okta user', 'core.user.config.user_deleted'],
  'user.account.lock': ['Max sign in attempts exceeded', 'core.user_auth.account_locked'],
  'user.account.update_profile': ['Update user profile for Okta', 'core.user.config.profile_update.success'],
  'user.account.update_password': ['Update password for user', 'core.user.config.password_update.success'],
  'group.lifecycle.create': ['Create Okta group', 'core.user_group.created'],
  'group.lifecycle.delete': ['Delete Okta group', 'core.user_group.deleted'],
  'group.profile.update': ['Update Okta group profile', 'core.user_group.profile_updated'],
  'group.user_membership.add': ['Add user to group membership', 'core.user_group_member.user_add'],
  'group.user_membership.remove': ['Remove user from group membership', 'core.user_group_member.user_remove'],
};

/** The System Log event type of a journal entry; undefined for changes Okta does not log (nesting). */
export function eventTypeOf(e: ChangeEntry, currentState: string | undefined): string | undefined {
  switch (e.type) {
    case 'person.created':
      return 'user.lifecycle.create';
    case 'person.updated':
      return 'user.account.update_profile';
    case 'person.deleted':
      return 'user.lifecycle.delete.initiated';
    case 'person.state_changed': {
      const to = currentState;
      if (to === 'deprovisioned') return 'user.lifecycle.deactivate';
      if (to === 'suspended') return 'user.lifecycle.suspend';
      if (e.previousState === 'suspended') return 'user.lifecycle.unsuspend';
      if (to === 'locked_out') return 'user.account.lock';
      if (to === 'active' && (e.previousState === 'staged' || e.previousState === 'provisioned' || e.previousState === 'deprovisioned')) return 'user.lifecycle.activate';
      return to === 'active' ? 'user.account.update_password' : 'user.account.update_profile';
    }
    case 'group.created':
      return 'group.lifecycle.create';
    case 'group.updated':
      return 'group.profile.update';
    case 'group.deleted':
      return 'group.lifecycle.delete';
    case 'member.added':
      return 'group.user_membership.add';
    case 'member.removed':
      return 'group.user_membership.remove';
    default:
      return undefined;
  }
}

function renderEvent(ctx: OktaRouteContext, e: ChangeEntry, states: Map<number, string>): Record<string, unknown> | undefined {
  const { state, ids } = ctx;
  const eventType = eventTypeOf(e, states.get(e.seq));
  if (!eventType) return undefined;
  const target: unknown[] = [];
  if (e.personKey) {
    const p = state.person(e.personKey) ?? (e.deleted && 'login' in e.deleted ? (e.deleted as PersonRecord) : undefined);
    const index = p?.index ?? state.indexOfPersonKey(e.personKey) ?? 0;
    target.push({ id: ids.user(index), type: 'User', alternateId: p?.login ?? 'unknown', displayName: p?.displayName ?? 'unknown', detailEntry: null });
  }
  if (e.groupKey) {
    const g = state.group(e.groupKey) ?? (e.deleted && 'memberKeys' in e.deleted ? (e.deleted as GroupRecord) : undefined);
    const index = g?.index ?? state.indexOfGroupKey(e.groupKey) ?? 0;
    target.push({ id: ids.group(index), type: 'UserGroup', alternateId: 'unknown', displayName: g?.name ?? 'unknown', detailEntry: null });
  }
  const [displayMessage, legacyEventType] = DISPLAY[eventType]!;
  const uuid = `${noiseChars(e.seq, 'evt', 0, 8, '0123456789abcdef')}-${noiseChars(e.seq, 'evt', 1, 4, '0123456789abcdef')}-11ef-${noiseChars(e.seq, 'evt', 2, 4, '0123456789abcdef')}-${String(e.seq).padStart(12, '0')}`;
  return {
    actor: { id: '00u0emulatoradmin000', type: 'User', alternateId: `admin@${state.domain}`, displayName: 'Emulator Admin', detailEntry: null },
    client: { userAgent: { rawUserAgent: 'accessiq-emulator', os: 'Unknown', browser: 'UNKNOWN' }, zone: 'null', device: 'Unknown', id: null, ipAddress: '127.0.0.1', geographicalContext: null },
    device: null,
    authenticationContext: { authenticationProvider: null, credentialProvider: null, credentialType: null, issuer: null, interface: null, authenticationStep: 0, externalSessionId: 'unknown' },
    displayMessage,
    eventType,
    outcome: { result: 'SUCCESS', reason: null },
    published: e.at,
    securityContext: { asNumber: null, asOrg: null, isp: null, domain: null, isProxy: null },
    severity: 'INFO',
    debugContext: { debugData: { sequence: String(e.seq) } },
    legacyEventType,
    transaction: { type: 'WEB', id: `emu${e.seq}`, detail: {} },
    uuid,
    version: '0',
    request: { ipChain: [] },
    target,
  };
}

/** Dotted-path read on a rendered event; `target.id` and friends read every target (any may match). */
function readPath(value: unknown, path: string): unknown {
  const read = (cur: unknown, parts: string[]): unknown => {
    if (parts.length === 0) return cur;
    if (Array.isArray(cur)) return cur.map((item) => read(item, parts));
    if (cur === null || typeof cur !== 'object') return undefined;
    return read((cur as Record<string, unknown>)[parts[0]!], parts.slice(1));
  };
  return read(value, path.split('.'));
}

/** State after each state change (journal entries record the previous state only). */
function statesAfter(journal: readonly ChangeEntry[], ctx: OktaRouteContext): Map<number, string> {
  const result = new Map<number, string>();
  const next = new Map<string, string>();
  for (let i = journal.length - 1; i >= 0; i--) {
    const e = journal[i]!;
    if (e.type !== 'person.state_changed' || !e.personKey) continue;
    const after = next.get(e.personKey) ?? ctx.state.person(e.personKey)?.state ?? 'deprovisioned';
    result.set(e.seq, after);
    next.set(e.personKey, e.previousState ?? after);
  }
  return result;
}

function listLogs(ctx: OktaRouteContext) {
  const q = ctx.url.searchParams;
  const journal = ctx.state.journal;
  const limit = parseLimit(q.get('limit'), 100, 1000);
  const parseTime = (name: string) => {
    const raw = q.get(name);
    if (raw === null) return undefined;
    const t = Date.parse(raw);
    if (Number.isNaN(t)) throw validationError(name, `${name}: '${raw}' is not a valid ISO 8601 timestamp`);
    return t;
  };
  const since = parseTime('since') ?? Date.now() - 7 * 86_400_000;
  const until = parseTime('until');
  const after = q.get('after');
  if (after !== null && !/^\d+$/.test(after)) throw validationError('after', `after: '${after}' is not a valid cursor`);
  const filter = q.get('filter');
  const predicate = filter ? compileExpression(parseExpression(filter, 'filter', logFilterRules), readPath) : () => true;
  const keyword = q.get('q')?.toLowerCase();
  const descending = q.get('sortOrder') === 'DESCENDING';

  const page = ctx.pages.pageOf(ctx.url, () => 2);
  const fault = ctx.takeFault(page);
  const states = statesAfter(journal, ctx);
  const items: Record<string, unknown>[] = [];
  let lastSeq = after === null ? 0 : Number(after);
  const inWindow = (e: ChangeEntry) => {
    const t = Date.parse(e.at);
    return t >= since && (until === undefined || t < until);
  };
  const order = descending ? [...journal].reverse() : ctx.state.changesSince(lastSeq);
  for (const e of order) {
    if (items.length >= limit) break;
    if (!descending && e.seq <= lastSeq) continue;
    if (descending && after !== null && e.seq >= Number(after)) continue;
    if (!inWindow(e)) continue;
    const event = renderEvent(ctx, e, states);
    if (!event || !predicate(event)) continue;
    if (keyword && !JSON.stringify(event).toLowerCase().includes(keyword)) continue;
    items.push(event);
    lastSeq = e.seq;
  }
  const self = `${ctx.origin}${ctx.req.url}`;
  // polling mode: always a next link (from the last event returned, or the same cursor when empty)
  let next: string | undefined = until === undefined || items.length === limit ? linkFor(ctx.origin, ctx.url, String(lastSeq)) : undefined;
  if (next) ctx.pages.remember(next, page + 1);
  if (fault?.kind === 'premature_end') next = undefined;
  else if (fault?.kind === 'repeat_page') next = self;
  else if (fault?.kind === 'loop_cursor') next = linkFor(ctx.origin, ctx.url, undefined);
  return pageReply((fault?.kind === 'duplicate_records' ? [...items, ...items.slice(-1)] : items).map((e) => JSON.stringify(e)), self, next);
}

export const oktaLogRoutes: OktaRoute[] = [{ method: 'GET', pattern: '/api/v1/logs', scope: 'okta.logs.read', listing: true, handle: listLogs }];
