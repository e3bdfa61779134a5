/**
 * The planner: a pure function from (what AccessIQ holds, what the directory holds, settings) to a
 * plan. No I/O, no clock, no randomness: the same input always gives the same plan, and planning
 * again after applying a plan gives an empty one (tested by property in test/sync/planner*.test.ts).
 */
import { sameMembers } from './memberships.js';
import type {
  DeactivationReason, GrantChange, GrantTarget, GroupChange, MappedValues, MemberListChange, Memberships,
  MirrorUser, Plan, RecordError, UserChange,
} from './plan.js';

/** A directory user after scope and mapping. */
export interface PlannedUser {
  externalId: string;
  enabled: boolean;
  /** Mapped values, or the reason this record could not be mapped (then it is left untouched). */
  result: { ok: true; values: MappedValues } | { ok: false; error: RecordError };
}

export interface CurrentUser {
  id: string;
  directoryId: string | null;
  externalId: string | null;
  status: 'active' | 'deactivated';
  values: MappedValues;
}

export interface CurrentGrant extends GrantTarget {
  id: string;
  userId: string;
}

export interface PlannerInput {
  directoryId: string;
  /** Every user record read, in scope or not (the mirror keeps them all). */
  directoryUsers: MirrorUser[];
  /** Users inside the user filter, mapped. */
  users: PlannedUser[];
  groups: Array<{ externalId: string; name: string; description: string | null; raw: Record<string, unknown>; hash: string }>;
  /** Direct members per group, as read (src/sync/memberships.ts). */
  memberships: Memberships;
  /** Transitive user members of each mapped source group. */
  expandedMembers: ReadonlyMap<string, ReadonlySet<string>>;
  current: {
    /** Users owned by this directory, plus any other user whose email a directory user maps to. */
    users: CurrentUser[];
    groups: Array<{ id: string; externalId: string; name: string; hash: string }>;
    memberships: Memberships;
    /** Sync-made grants of this directory (default role and group mappings). */
    grants: CurrentGrant[];
    mirrorHashes: ReadonlyMap<string, string>;
  };
  /**
   * An incremental run plans only the users its delta touched (sync/focused-input.ts): then
   * `directoryUsers` and `users` hold just those, `current` holds their rows (and whoever holds
   * their emails), and every other user of the directory is left exactly as it is.
   */
  focus?: {
    /** The users planned: only these can be created, changed, deactivated or have grants changed. */
    userIds: ReadonlySet<string>;
    /** Every user id the directory holds after the delta, planned or not. */
    listedUserIds: ReadonlySet<string>;
  };
  settings: {
    deactivationBehavior: 'deactivate' | 'ignore';
    defaultGrant: { organizationId: string; roleKey: string } | null;
    mappings: Array<{ id: string; sourceGroupId: string; organizationId: string; roleKey: string }>;
  };
}

export function plan(input: PlannerInput): Plan {
  const { directoryId, current, settings } = input;
  const users: UserChange[] = [];
  const errors: RecordError[] = [];
  let usersUnchanged = 0;

  const ownedByExternalId = new Map<string, CurrentUser>();
  const byEmail = new Map<string, CurrentUser>();
  const { focus } = input;
  for (const u of current.users) {
    // outside the focus, an owned user is only an email holder: never settled, never "removed"
    if (u.directoryId === directoryId && u.externalId && (!focus || focus.userIds.has(u.externalId))) ownedByExternalId.set(u.externalId, u);
    if (u.values.emailNormalized) byEmail.set(u.values.emailNormalized, u);
  }
  const readIds = focus?.listedUserIds ?? new Set(input.directoryUsers.map((u) => u.externalId));
  const inScopeIds = new Set(input.users.map((u) => u.externalId));

  /** Current users this run settles (kept, updated, linked): never "removed". */
  const claimed = new Set<string>();
  /** Users whose record failed or who are ignored: their grants stay exactly as they are. */
  const untouchable = new Set<string>();
  /** externalId → will exist (with this status) after the plan. */
  const present = new Map<string, boolean>();
  const emailOwner = new Map<string, string>(); // normalized email → externalId, within this run

  // an email already held by a user that stays owned by this directory belongs to that user first
  for (const u of input.users) {
    const owner = ownedByExternalId.get(u.externalId);
    if (owner?.values.emailNormalized && u.result.ok && u.result.values.emailNormalized === owner.values.emailNormalized) {
      emailOwner.set(owner.values.emailNormalized, u.externalId);
    }
  }

  for (const u of input.users) {
    const owner = ownedByExternalId.get(u.externalId);
    if (!u.result.ok) {
      errors.push(u.result.error);
      if (owner) {
        claimed.add(owner.id);
        untouchable.add(owner.id);
      }
      continue;
    }
    const values = u.result.values;
    const email = values.emailNormalized;
    if (email) {
      const taken = emailOwner.get(email);
      if (taken && taken !== u.externalId) {
        errors.push({ externalId: u.externalId, subject: values.email ?? u.externalId, message: `Two directory users map to the email ${values.email}; ${taken} keeps it, this one is skipped.`, hint: 'Fix the duplicate in the directory, or map email to a field that is unique.' });
        if (owner) { claimed.add(owner.id); untouchable.add(owner.id); }
        continue;
      }
      const holder = byEmail.get(email);
      // a user of this directory re-created at the source (new id, same email) is re-linked; an email
      // held by anyone else stays theirs (even a removed user keeps its email until deleted)
      const relinkable = !owner && holder?.directoryId === directoryId && !!holder.externalId && !readIds.has(holder.externalId);
      if (holder && holder.id !== owner?.id && !relinkable) {
        if (holder.directoryId !== null && holder.directoryId !== directoryId) {
          errors.push({ externalId: u.externalId, subject: values.email ?? u.externalId, message: `The email ${values.email} belongs to a user synced from another directory; a user is owned by one directory only.`, hint: 'Remove the user from one of the two directories, or narrow one directory\'s user filter.' });
          if (owner) { claimed.add(owner.id); untouchable.add(owner.id); }
          continue;
        }
        if (owner || holder.directoryId === directoryId) {
          errors.push({ externalId: u.externalId, subject: values.email ?? u.externalId, message: `The email ${values.email} is already used by another AccessIQ user.`, hint: 'Change the email in the directory or in AccessIQ.' });
          if (owner) { claimed.add(owner.id); untouchable.add(owner.id); }
          continue;
        }
      }
      emailOwner.set(email, u.externalId);
    }

    if (owner) {
      claimed.add(owner.id);
      const changed = diffValues(owner.values, values);
      if (!u.enabled) {
        if (owner.status === 'active') users.push({ kind: 'deactivate', userId: owner.id, externalId: u.externalId, reason: 'disabled_at_source', values, changed });
        else if (changed.length) users.push({ kind: 'update', userId: owner.id, externalId: u.externalId, values, changed });
        else usersUnchanged++;
      } else if (owner.status === 'deactivated') {
        users.push({ kind: 'reactivate', userId: owner.id, externalId: u.externalId, values, changed });
      } else if (changed.length) {
        users.push({ kind: 'update', userId: owner.id, externalId: u.externalId, values, changed });
      } else {
        usersUnchanged++;
      }
      present.set(u.externalId, true);
      continue;
    }

    // not yet linked: match an existing user by email (DESIGN invariant 7), else create
    const holder = email ? byEmail.get(email) : undefined;
    if (holder) {
      if (!u.enabled && holder.directoryId === null) {
        // a disabled directory account never takes over (and deactivates) an account made in AccessIQ
        errors.push({ externalId: u.externalId, subject: values.email ?? u.externalId, message: `Not linked: the directory account is disabled and ${values.email} is an active AccessIQ account.`, hint: 'Enable the account in the directory to link it.' });
        continue;
      }
      claimed.add(holder.id);
      users.push({ kind: 'link', userId: holder.id, externalId: u.externalId, values, active: u.enabled, changed: diffValues(holder.values, values) });
    } else {
      users.push({ kind: 'create', externalId: u.externalId, values, active: u.enabled });
    }
    present.set(u.externalId, true);
  }

  // users this directory owns that the read no longer shows in scope
  for (const owner of ownedByExternalId.values()) {
    if (claimed.has(owner.id)) continue;
    if (settings.deactivationBehavior === 'ignore') {
      untouchable.add(owner.id);
      continue;
    }
    if (owner.status === 'active') {
      const reason: DeactivationReason = owner.externalId && readIds.has(owner.externalId) && !inScopeIds.has(owner.externalId) ? 'outside_user_filter' : 'removed_from_directory';
      users.push({ kind: 'deactivate', userId: owner.id, externalId: owner.externalId!, reason });
    }
  }

  const groups = planGroups(input);
  const memberships = planMemberships(input.memberships, current.memberships);
  const linked = new Set(users.flatMap((u) => (u.kind === 'link' ? [u.userId] : [])));
  const grants = planGrants(input, present, untouchable, ownedByExternalId, linked);
  const mirror = planMirror(input.directoryUsers, current.mirrorHashes, focus?.userIds);
  return { users, groups, memberships, grants, mirror, errors, usersUnchanged, groupsProcessed: input.groups.length };
}

const VALUE_FIELDS = ['email', 'givenName', 'familyName', 'displayName'] as const;

export function diffValues(before: MappedValues, after: MappedValues): string[] {
  const changed: string[] = VALUE_FIELDS.filter((f) => (before[f] ?? null) !== (after[f] ?? null));
  const keys = new Set([...Object.keys(before.attributes), ...Object.keys(after.attributes)]);
  for (const k of [...keys].sort()) if ((before.attributes[k] ?? null) !== (after.attributes[k] ?? null)) changed.push(`attributes.${k}`);
  return changed;
}

function planGroups(input: PlannerInput): GroupChange[] {
  const out: GroupChange[] = [];
  const current = new Map(input.current.groups.map((g) => [g.externalId, g]));
  const seen = new Set<string>();
  for (const g of input.groups) {
    seen.add(g.externalId);
    const c = current.get(g.externalId);
    if (!c) out.push({ kind: 'create', externalId: g.externalId, name: g.name, description: g.description, raw: g.raw, hash: g.hash });
    else if (c.hash !== g.hash) out.push({ kind: 'update', groupId: c.id, externalId: g.externalId, name: g.name, description: g.description, raw: g.raw, hash: g.hash });
  }
  for (const c of input.current.groups) if (!seen.has(c.externalId)) out.push({ kind: 'delete', groupId: c.id, externalId: c.externalId, name: c.name });
  return out;
}

/**
 * One change per group and member type whose members differ: ids added (in the order read) and
 * removed (in the order stored), compared with one short-lived set per list instead of a
 * composite string key per membership.
 */
function planMemberships(next: Memberships, current: Memberships): MemberListChange[] {
  const changes: MemberListChange[] = [];
  const diff = (groupExternalId: string, memberType: 'user' | 'group', after: string[], before: readonly string[]) => {
    // the same list (an incremental run's untouched groups share the mirror's arrays): no change
    if (after === before || (!after.length && !before.length)) return;
    if (after.length === before.length && sameMembers(after, before)) return; // a resync's usual case, in any order
    const listed = new Set(after); // an id listed twice is added once
    let added: string[];
    // a new list is added as it was read (no copy: lists are not changed once read; a first sync's 1M ids are held once)
    if (!before.length) added = listed.size === after.length ? after : [...listed];
    else {
      const had = new Set(before);
      added = [];
      for (const id of listed) if (!had.has(id)) added.push(id);
      if (!added.length && listed.size === had.size) return; // same members, possibly reordered
    }
    const removed = before.filter((id) => !listed.has(id));
    if (added.length || removed.length) changes.push({ groupExternalId, memberType, added, removed });
  };
  for (const [g, m] of next) {
    const c = current.get(g);
    diff(g, 'user', m.users, c?.users ?? []);
    diff(g, 'group', m.groups, c?.groups ?? []);
  }
  for (const [g, c] of current) {
    if (next.has(g)) continue;
    diff(g, 'user', [], c.users);
    diff(g, 'group', [], c.groups);
  }
  return changes;
}

const grantKey = (ext: string, g: GrantTarget) => `${ext}\u0000${g.organizationId}\u0000${g.roleKey}\u0000${g.source}\u0000${g.mappingId ?? ''}`;

function planGrants(input: PlannerInput, present: Map<string, boolean>, untouchable: Set<string>, owned: Map<string, CurrentUser>, linked: ReadonlySet<string>): GrantChange[] {
  const { settings, current } = input;
  const desired = new Map<string, { ext: string; target: GrantTarget }>();
  const want = (ext: string, target: GrantTarget) => desired.set(grantKey(ext, target), { ext, target });
  for (const ext of present.keys()) {
    if (settings.defaultGrant) want(ext, { ...settings.defaultGrant, source: 'default-role', mappingId: null });
  }
  for (const m of settings.mappings) {
    const members = input.expandedMembers.get(m.sourceGroupId);
    if (!members) continue;
    for (const ext of members) if (present.has(ext)) want(ext, { organizationId: m.organizationId, roleKey: m.roleKey, source: 'group-mapping', mappingId: m.id });
  }

  const externalIdOf = new Map<string, string>();
  for (const [ext, u] of owned) externalIdOf.set(u.id, ext);
  // users linked in this plan are known by their external id from now on
  const out: GrantChange[] = [];
  const have = new Set<string>();
  for (const g of current.grants) {
    if (untouchable.has(g.userId)) continue;
    // an incremental run judges only the grants of the users it plans (and of those it links)
    if (input.focus && !externalIdOf.has(g.userId) && !linked.has(g.userId)) continue;
    const ext = externalIdOf.get(g.userId);
    const key = ext === undefined ? undefined : grantKey(ext, g);
    if (key !== undefined && desired.has(key) && !have.has(key)) {
      have.add(key);
      continue;
    }
    out.push({ kind: 'revoke', grantId: g.id, userId: g.userId, organizationId: g.organizationId, roleKey: g.roleKey, source: g.source, mappingId: g.mappingId });
  }
  for (const [key, { ext, target }] of desired) if (!have.has(key)) out.push({ kind: 'add', userExternalId: ext, ...target });
  return out;
}

function planMirror(users: MirrorUser[], hashes: ReadonlyMap<string, string>, focus?: ReadonlySet<string>) {
  const upserts = users.filter((u) => hashes.get(u.externalId) !== u.hash);
  const ids = new Set(users.map((u) => u.externalId));
  const deletes = [...hashes.keys()].filter((id) => !ids.has(id) && (!focus || focus.has(id)));
  return { upserts, deletes };
}
