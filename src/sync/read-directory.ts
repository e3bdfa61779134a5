/**
 * Reads a whole directory through a connector: every user, group and direct membership. Any error
 * fails the whole read (DESIGN invariant 1: nothing is planned, let alone removed, on partial data).
 */
import type { DirectoryConnector, SourceGroup, SourceUser } from '../providers/types.js';
import { ProviderError } from '../providers/provider-error.js';
import { recordHash } from '../lib/stable-hash.js';
import type { GroupMembers, MirrorUser } from './plan.js';
import { countMemberships, createInterner } from './memberships.js';
import { readAhead } from '../lib/read-ahead.js';

export interface DirectorySnapshot {
  users: MirrorUser[];
  groups: Array<SourceGroup & { hash: string }>;
  /** Direct members per group, every listed group present (ids are the users' and groups' own strings). */
  memberships: Map<string, GroupMembers>;
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
  opts: {
    concurrency?: number;
    onProgress?: (p: ReadProgress) => void;
    /** Each page of users as read (a whole read maps and stages them there, then lets their records go). */
    onUsers?: (page: MirrorUser[]) => Promise<void>;
  } = {},
): Promise<DirectorySnapshot> {
  const progress: ReadProgress = { phase: 'users', users: 0, groups: 0, groupsWithMembersRead: 0 };
  const report = () => opts.onProgress?.({ ...progress });
  let duplicates = 0;

  const users = new Map<string, MirrorUser>();
  // one page ahead: the provider serves the next page while this one is hashed, mapped and staged
  for await (const page of readAhead(connector.listUsers())) {
    const read = page.map(toMirrorUser);
    for (const u of read) {
      if (users.has(u.externalId)) duplicates++;
      users.set(u.externalId, u);
    }
    await opts.onUsers?.(read);
    progress.users = users.size;
    report();
  }

  progress.phase = 'groups';
  const groups = new Map<string, SourceGroup & { hash: string }>();
  for await (const page of readAhead(connector.listGroups())) {
    for (const g of page) {
      if (groups.has(g.externalId)) duplicates++;
      groups.set(g.externalId, toSnapshotGroup(g));
    }
    progress.groups = groups.size;
    report();
  }

  progress.phase = 'members';
  // one entry per group in listing order (whatever order the concurrent listings finish in), and
  // member ids replaced by the user's or group's own id string: a user in 30 groups is one string
  const memberships = new Map<string, GroupMembers>();
  for (const id of groups.keys()) memberships.set(id, { users: [], groups: [] });
  const intern = createInterner();
  const userId = (id: string) => users.get(id)?.externalId ?? intern(id);
  const groupId = (id: string) => groups.get(id)?.externalId ?? intern(id);
  const ids = [...groups.keys()];
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const members = memberships.get(id)!;
      const seenUsers = new Set<string>();
      const seenGroups = new Set<string>();
      for await (const page of connector.listGroupMembers(id)) {
        for (const m of page) {
          const seen = m.type === 'user' ? seenUsers : seenGroups;
          if (seen.has(m.externalId)) { duplicates++; continue; }
          seen.add(m.externalId);
          if (m.type === 'user') members.users.push(userId(m.externalId));
          else members.groups.push(groupId(m.externalId));
        }
      }
      progress.groupsWithMembersRead++;
      if (progress.groupsWithMembersRead % 25 === 0 || progress.groupsWithMembersRead === ids.length) report();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 8, ids.length)) }, worker));

  if (users.size === 0 && groups.size > 0 && countMemberships(memberships) > 0) {
    throw new ProviderError('invalid_response', 'The directory listed group members but no users: the user list looks incomplete.');
  }
  return { users: [...users.values()], groups: [...groups.values()], memberships, duplicates };
}

/** Volatile fields of the provider's record (logins, etags, links) are left out of the hash: a login is not a change. */
export function toSnapshotGroup(g: SourceGroup): SourceGroup & { hash: string } {
  // a literal, not a spread copy (V8 gives spread copies a large backing store)
  const hash = recordHash({ name: g.name, description: g.description ?? null }, g.raw);
  return g.description === undefined ? { externalId: g.externalId, name: g.name, raw: g.raw, hash } : { externalId: g.externalId, name: g.name, description: g.description, raw: g.raw, hash };
}

export function toMirrorUser(u: SourceUser): MirrorUser {
  return { externalId: u.externalId, enabled: u.enabled, orgUnitPath: u.orgUnitPath ?? null, raw: u.raw, hash: recordHash({ enabled: u.enabled, ou: u.orgUnitPath ?? null }, u.raw) };
}
