/**
 * Reads a whole directory through a connector: every user, group and direct membership. Any error
 * fails the whole read (DESIGN invariant 1: nothing is planned, let alone removed, on partial data).
 */
import type { DirectoryConnector, SourceGroup, SourceUser } from '../providers/types.js';
import { ProviderError } from '../providers/provider-error.js';
import { contentHash } from '../lib/stable-hash.js';
import type { MembershipRow, MirrorUser } from './plan.js';

export interface DirectorySnapshot {
  users: MirrorUser[];
  groups: Array<SourceGroup & { hash: string }>;
  memberships: MembershipRow[];
  /** Records the provider sent twice (across pages): kept once, reported. */
  duplicates: number;
}

export interface ReadProgress {
  phase: 'users' | 'groups' | 'members';
  users: number;
  groups: number;
  groupsWithMembersRead: number;
}

export async function readDirectory(
  connector: DirectoryConnector,
  opts: { concurrency?: number; onProgress?: (p: ReadProgress) => void } = {},
): Promise<DirectorySnapshot> {
  const progress: ReadProgress = { phase: 'users', users: 0, groups: 0, groupsWithMembersRead: 0 };
  const report = () => opts.onProgress?.({ ...progress });
  let duplicates = 0;

  const users = new Map<string, MirrorUser>();
  for await (const page of connector.listUsers()) {
    for (const u of page) {
      if (users.has(u.externalId)) duplicates++;
      users.set(u.externalId, toMirrorUser(u));
    }
    progress.users = users.size;
    report();
  }

  progress.phase = 'groups';
  const groups = new Map<string, SourceGroup & { hash: string }>();
  for await (const page of connector.listGroups()) {
    for (const g of page) {
      if (groups.has(g.externalId)) duplicates++;
      groups.set(g.externalId, toSnapshotGroup(g));
    }
    progress.groups = groups.size;
    report();
  }

  progress.phase = 'members';
  const memberships: MembershipRow[] = [];
  const ids = [...groups.keys()];
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const groupId = ids[next++]!;
      const seen = new Set<string>();
      for await (const page of connector.listGroupMembers(groupId)) {
        for (const m of page) {
          const key = `${m.type}:${m.externalId}`;
          if (seen.has(key)) { duplicates++; continue; }
          seen.add(key);
          memberships.push({ groupExternalId: groupId, memberType: m.type, memberExternalId: m.externalId });
        }
      }
      progress.groupsWithMembersRead++;
      if (progress.groupsWithMembersRead % 25 === 0 || progress.groupsWithMembersRead === ids.length) report();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 8, ids.length)) }, worker));

  if (users.size === 0 && groups.size > 0 && memberships.length > 0) {
    throw new ProviderError('invalid_response', 'The directory listed group members but no users: the user list looks incomplete.');
  }
  return { users: [...users.values()], groups: [...groups.values()], memberships, duplicates };
}

export function toSnapshotGroup(g: SourceGroup): SourceGroup & { hash: string } {
  return { ...g, hash: contentHash({ name: g.name, description: g.description ?? null, raw: g.raw }) };
}

export function toMirrorUser(u: SourceUser): MirrorUser {
  return { externalId: u.externalId, enabled: u.enabled, orgUnitPath: u.orgUnitPath ?? null, raw: u.raw, hash: contentHash({ raw: u.raw, enabled: u.enabled, ou: u.orgUnitPath ?? null }) };
}
