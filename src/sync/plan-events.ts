/**
 * The sync log of a plan: one entry per user change and per error; group, membership and grant
 * changes summarised per group and per grant source (a first sync of 100k users must not write a
 * million log lines). The same entries are written for a dry run and for an applied run. Entries are
 * made as they are written (a generator): a first sync's 100k entries never sit in memory at once.
 */
import type { Plan, MappedValues, GrantChange, MemberListChange } from './plan.js';

export interface LogEntry {
  kind: string;
  subject: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface EventContext {
  groupName(externalId: string): string;
  /** Values of a user that the plan does not carry (e.g. a user deactivated because removed). */
  userLabel(userId: string): string | undefined;
  organizationName(id: string): string;
}

const SAMPLE = 20;
const label = (v: MappedValues | undefined, fallback: string) => v?.email ?? v?.displayName ?? fallback;
const REASONS = { disabled_at_source: 'disabled in the directory', removed_from_directory: 'no longer in the directory', outside_user_filter: 'outside the user filter' } as const;

/**
 * A run's log: re-iterable, each pass making its entries again (from an immutable plan), so a
 * writer may read it twice (Store.insertRows' collision fallback does).
 */
export type RunLog = Iterable<LogEntry>;

/** A log of the given parts, in order, made lazily on each pass. */
export function runLog(...parts: Array<Iterable<LogEntry> | (() => Iterable<LogEntry>)>): RunLog {
  return { *[Symbol.iterator]() { for (const p of parts) yield* typeof p === 'function' ? p() : p; } };
}

export function* planEvents(plan: Plan, ctx: EventContext): Generator<LogEntry> {
  for (const c of plan.users) {
    switch (c.kind) {
      case 'create':
        yield { kind: 'user.created', subject: label(c.values, c.externalId), message: `Created ${c.values.displayName ?? label(c.values, c.externalId)}${c.active ? '' : ' (deactivated: disabled in the directory)'}`, details: { externalId: c.externalId } };
        break;
      case 'link':
        yield { kind: 'user.linked', subject: label(c.values, c.externalId), message: `Linked the existing AccessIQ user with the same email to the directory user ${c.externalId}`, details: { userId: c.userId, externalId: c.externalId, changed: c.changed } };
        break;
      case 'update':
        yield { kind: 'user.updated', subject: label(c.values, c.externalId), message: `Updated ${c.changed.join(', ')}`, details: { userId: c.userId, externalId: c.externalId, changed: c.changed } };
        break;
      case 'deactivate':
        yield { kind: 'user.deactivated', subject: label(c.values, ctx.userLabel(c.userId) ?? c.externalId), message: `Deactivated: ${REASONS[c.reason]}`, details: { userId: c.userId, externalId: c.externalId, reason: c.reason } };
        break;
      case 'reactivate':
        yield { kind: 'user.reactivated', subject: label(c.values, c.externalId), message: 'Reactivated: active in the directory again', details: { userId: c.userId, externalId: c.externalId, changed: c.changed } };
        break;
    }
  }
  for (const g of plan.groups) {
    const verb = g.kind === 'create' ? 'created' : g.kind === 'update' ? 'updated' : 'deleted';
    yield { kind: `group.${verb}`, subject: g.name, message: `Group ${verb}`, details: { externalId: g.externalId } };
  }
  // one entry per group and direction, users and nested groups together
  const perGroup = new Map<string, { added: MemberListChange[]; removed: MemberListChange[] }>();
  for (const m of plan.memberships) {
    let e = perGroup.get(m.groupExternalId);
    if (!e) perGroup.set(m.groupExternalId, (e = { added: [], removed: [] }));
    if (m.added.length) e.added.push(m);
    if (m.removed.length) e.removed.push(m);
  }
  const summary = (lists: MemberListChange[], ids: (m: MemberListChange) => string[]) => {
    const count = lists.reduce((n, m) => n + ids(m).length, 0);
    return { count, sample: lists.flatMap((m) => ids(m).slice(0, SAMPLE)).slice(0, SAMPLE) };
  };
  for (const [g, e] of perGroup) {
    if (e.added.length) {
      const { count, sample } = summary(e.added, (m) => m.added);
      yield { kind: 'membership.added', subject: ctx.groupName(g), message: `Added ${count} member${count === 1 ? '' : 's'}`, details: { groupExternalId: g, count, sample } };
    }
    if (e.removed.length) {
      const { count, sample } = summary(e.removed, (m) => m.removed);
      yield { kind: 'membership.removed', subject: ctx.groupName(g), message: `Removed ${count} member${count === 1 ? '' : 's'}`, details: { groupExternalId: g, count, sample } };
    }
  }
  const perSource = new Map<string, { change: GrantChange; users: string[] }>();
  for (const g of plan.grants) {
    const key = `${g.kind}|${g.organizationId}|${g.roleKey}|${g.source}|${g.mappingId ?? ''}`;
    let e = perSource.get(key);
    if (!e) perSource.set(key, (e = { change: g, users: [] }));
    e.users.push(g.kind === 'add' ? g.userExternalId : g.userId);
  }
  for (const { change: g, users } of perSource.values()) {
    const why = g.source === 'default-role' ? 'default role' : `group mapping ${g.mappingId}`;
    const org = ctx.organizationName(g.organizationId);
    yield {
      kind: g.kind === 'add' ? 'grant.added' : 'grant.revoked',
      subject: `${g.roleKey} in ${org}`,
      message: `${g.kind === 'add' ? 'Granted' : 'Revoked'} ${g.roleKey} in ${org} ${g.kind === 'add' ? 'to' : 'from'} ${users.length} user${users.length === 1 ? '' : 's'} (${why})`,
      details: { organizationId: g.organizationId, role: g.roleKey, source: g.source, mappingId: g.mappingId, count: users.length, sample: users.slice(0, SAMPLE) },
    };
  }
  for (const e of plan.errors) yield { kind: 'error', subject: e.subject, message: e.message, details: { externalId: e.externalId, ...(e.hint ? { hint: e.hint } : {}) } };
}
