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
import type { MembershipRow } from './plan.js';

export async function loadMirrorSnapshot(db: Kysely<Database>, tenantId: string, directoryId: string): Promise<DirectorySnapshot> {
  const users = await db.selectFrom('directory_users').select(['external_id', 'raw', 'hash', 'enabled', 'org_unit_path'])
    .where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).execute();
  const groups = await db.selectFrom('directory_groups').select(['external_id', 'name', 'description', 'raw', 'hash'])
    .where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).execute();
  const memberships = await db.selectFrom('directory_memberships').select(['group_external_id', 'member_type', 'member_external_id'])
    .where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).execute();
  return {
    users: users.map((u) => ({ externalId: u.external_id, enabled: u.enabled === 1, orgUnitPath: u.org_unit_path, raw: jsonObject(u.raw), hash: u.hash })),
    groups: groups.map((g) => ({ externalId: g.external_id, name: g.name, description: g.description, raw: jsonObject(g.raw), hash: g.hash })),
    memberships: memberships.map((m): MembershipRow => ({ groupExternalId: m.group_external_id, memberType: m.member_type, memberExternalId: m.member_external_id })),
    duplicates: 0,
  };
}

const isFullUser = (u: SourceUser | { externalId: string }): u is SourceUser => 'raw' in u;
const isFullGroup = (g: SourceGroup | { externalId: string }): g is SourceGroup => 'raw' in g;
const key = (m: MembershipRow) => `${m.groupExternalId}\u0000${m.memberType}\u0000${m.memberExternalId}`;

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
  const memberships = new Map(snapshot.memberships.map((m) => [key(m), m]));
  for (const c of changes.memberships) {
    const row: MembershipRow = { groupExternalId: c.groupExternalId, memberType: c.member.type, memberExternalId: c.member.externalId };
    if (c.removed) memberships.delete(key(row));
    else memberships.set(key(row), row);
  }
  const alive = (m: MembershipRow) => !removedGroups.has(m.groupExternalId) && !(m.memberType === 'group' ? removedGroups : removedUsers).has(m.memberExternalId);
  return { users: [...users.values()], groups: [...groups.values()], memberships: [...memberships.values()].filter(alive), duplicates: 0 };
}
