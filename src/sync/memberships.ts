/**
 * Direct group memberships, grouped by group: each group's user and nested-group member ids. At a
 * million memberships one object per membership (plus a composite key to diff it) cost hundreds of
 * MiB; a list of ids per group costs one pointer per membership when the ids are shared strings.
 */
import type { GroupMembers, MemberListChange, MembershipRow, Memberships } from './plan.js';

/**
 * Keeps one copy of each id string. Ids decoded from JSON pages or database rows are new strings
 * every time; the same user id appears in dozens of groups.
 */
export function createInterner(known?: Iterable<string>): (s: string) => string {
  const seen = new Map<string, string>();
  if (known) for (const s of known) seen.set(s, s);
  return (s) => {
    const had = seen.get(s);
    if (had !== undefined) return had;
    seen.set(s, s);
    return s;
  };
}

/** The (empty) member lists of a group, created on first use. */
export function membersOf(memberships: Map<string, GroupMembers>, groupExternalId: string): GroupMembers {
  let g = memberships.get(groupExternalId);
  if (!g) memberships.set(groupExternalId, (g = { users: [], groups: [] }));
  return g;
}

/** Grouped memberships from rows in any order; a repeated row is kept once (small inputs: tests, deltas). */
export function membershipsFromRows(rows: Iterable<MembershipRow>): Map<string, GroupMembers> {
  const out = new Map<string, GroupMembers>();
  const seen = new Set<string>();
  for (const r of rows) {
    const key = `${r.groupExternalId}\u0000${r.memberType}\u0000${r.memberExternalId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const g = membersOf(out, r.groupExternalId);
    (r.memberType === 'user' ? g.users : g.groups).push(r.memberExternalId);
  }
  return out;
}

/** One row per membership (tests, small inputs). */
export function* membershipRows(memberships: Memberships): Generator<MembershipRow> {
  for (const [groupExternalId, m] of memberships) {
    for (const id of m.users) yield { groupExternalId, memberType: 'user', memberExternalId: id };
    for (const id of m.groups) yield { groupExternalId, memberType: 'group', memberExternalId: id };
  }
}

/** One membership added or removed, as a record of its own (tests; plans blocked before changes were grouped). */
export type MembershipChangeRow = MembershipRow & { kind: 'add' | 'remove' };

/** Grouped member list changes from one record per membership, in first-seen order. */
export function groupMembershipChanges(rows: Iterable<MembershipChangeRow>): MemberListChange[] {
  const lists = new Map<string, MemberListChange>();
  for (const r of rows) {
    const key = `${r.memberType}\u0000${r.groupExternalId}`;
    let l = lists.get(key);
    if (!l) lists.set(key, (l = { groupExternalId: r.groupExternalId, memberType: r.memberType, added: [], removed: [] }));
    (r.kind === 'add' ? l.added : l.removed).push(r.memberExternalId);
  }
  return [...lists.values()];
}

/** One record per membership of grouped changes (tests, small inputs). */
export function* membershipChangeRows(lists: readonly MemberListChange[]): Generator<MembershipChangeRow> {
  for (const l of lists) {
    for (const id of l.added) yield { kind: 'add', groupExternalId: l.groupExternalId, memberType: l.memberType, memberExternalId: id };
    for (const id of l.removed) yield { kind: 'remove', groupExternalId: l.groupExternalId, memberType: l.memberType, memberExternalId: id };
  }
}

export function countMemberships(memberships: Memberships): number {
  let n = 0;
  for (const m of memberships.values()) n += m.users.length + m.groups.length;
  return n;
}

/**
 * Whether two lists of the same length hold the same ids, each once, in any order: one set of the
 * stored list, checked off by the read's (half the work of building a set of each).
 */
export function sameMembers(after: readonly string[], before: readonly string[]): boolean {
  const had = new Set(before);
  if (had.size !== before.length) return false;
  for (const id of after) if (!had.delete(id)) return false;
  return true;
}
