/**
 * Incremental runs: the directory as the mirror holds it (the last complete read plus every delta
 * applied since), updated with one complete delta round. The planner then sees a whole directory
 * again, so only what the provider explicitly reported removed or disabled can be deactivated.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { jsonObject } from '../store/json-column.js';
import type { DeltaChanges, SourceGroup, SourceUser } from '../providers/types.js';
import type { DirectorySnapshot } from './read-directory.js';
import { toMirrorUser, toSnapshotGroup } from './read-directory.js';
import type { GroupMembers, Memberships } from './plan.js';
import { loadMemberships } from './current-state.js';

export async function loadMirrorSnapshot(db: Kysely<Database>, tenantId: string, directoryId: string): Promise<DirectorySnapshot> {
  const users = await db.selectFrom('directory_users').select(['external_id', 'raw', 'hash', 'enabled', 'org_unit_path'])
    .where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).execute();
  const groups = await db.selectFrom('directory_groups').select(['external_id', 'name', 'description', 'raw', 'hash'])
    .where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).execute();
  const memberships = await loadMemberships(db, tenantId, directoryId);
  return {
    users: users.map((u) => ({ externalId: u.external_id, enabled: u.enabled === 1, orgUnitPath: u.org_unit_path, raw: jsonObject(u.raw), hash: u.hash })),
    groups: groups.map((g) => ({ externalId: g.external_id, name: g.name, description: g.description, raw: jsonObject(g.raw), hash: g.hash })),
    memberships,
    duplicates: 0,
  };
}

export const isFullUser = (u: SourceUser | { externalId: string }): u is SourceUser => 'raw' in u;
export const isFullGroup = (g: SourceGroup | { externalId: string }): g is SourceGroup => 'raw' in g;

/** Pure: the snapshot after one complete delta round. Removing a user or group drops its memberships. */
export function applyDelta(snapshot: DirectorySnapshot, changes: DeltaChanges): DirectorySnapshot {
  const users = new Map(snapshot.users.map((u) => [u.externalId, u]));
  const removedUsers = new Set<string>();
  const removedGroups = new Set<string>();
  for (const c of changes.users) {
    if (c.removed) {
      users.delete(c.user.externalId);
      removedUsers.add(c.user.externalId);
    }
    else if (isFullUser(c.user)) users.set(c.user.externalId, toMirrorUser(c.user));
  }
  const groups = new Map(snapshot.groups.map((g) => [g.externalId, g]));
  for (const c of changes.groups) {
    if (c.removed) {
      groups.delete(c.group.externalId);
      removedGroups.add(c.group.externalId);
    } else if (isFullGroup(c.group)) groups.set(c.group.externalId, toSnapshotGroup(c.group));
  }
  const memberships = applyMembershipDelta(snapshot.memberships, changes.memberships, removedUsers, removedGroups);
  return { users: [...users.values()], groups: [...groups.values()], memberships, duplicates: 0 };
}

/**
 * Pure: member lists after a delta's membership changes and removals, copied on write (only the
 * groups a change touches get new lists). Removing a user or a group drops its memberships, and a
 * removed group's own member list; only the groups given are looked at.
 */
export function applyMembershipDelta(before: Memberships, changes: DeltaChanges['memberships'], removedUsers: ReadonlySet<string>, removedGroups: ReadonlySet<string>): Map<string, GroupMembers> {
  const memberships = new Map(before);
  const edited = new Map<string, { users: Set<string>; groups: Set<string> }>();
  for (const c of changes) {
    let e = edited.get(c.groupExternalId);
    if (!e) {
      const m = memberships.get(c.groupExternalId);
      edited.set(c.groupExternalId, (e = { users: new Set(m?.users), groups: new Set(m?.groups) }));
    }
    const set = c.member.type === 'user' ? e.users : e.groups;
    if (c.removed) set.delete(c.member.externalId);
    else set.add(c.member.externalId);
  }
  for (const [g, e] of edited) memberships.set(g, { users: [...e.users], groups: [...e.groups] });
  // removing a user or a group drops its memberships (and a removed group's own member list)
  if (removedUsers.size || removedGroups.size) {
    for (const [g, m] of memberships) {
      if (removedGroups.has(g)) memberships.delete(g);
      else if (m.users.some((u) => removedUsers.has(u)) || m.groups.some((x) => removedGroups.has(x))) {
        memberships.set(g, { users: m.users.filter((u) => !removedUsers.has(u)), groups: m.groups.filter((x) => !removedGroups.has(x)) } satisfies GroupMembers);
      }
    }
  }
  return memberships;
}
