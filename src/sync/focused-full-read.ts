/**
 * Focused full reads: a full read under the settings the directory was last planned with plans
 * only what differs from the mirror (the last complete read), as a focused incremental run plans
 * only what its delta touched (sync/focused-input.ts). Comparing the read with the mirror gives
 * the same changes a delta would report: users and groups whose content hash differs (or that are
 * new or gone), and member lists that differ. A no-change resync of 100k users then loads and
 * plans nothing per user, where a whole plan loads every user, maps and diffs them all.
 *
 * The focus (the users planned) is every user whose record changed, appeared or disappeared, every
 * user whose transitive membership of a watched group changed, and every user the last applied run
 * reported an error for. This is exact only when every other record was last planned under the
 * same settings (the plan fingerprint) and the mapping reads nothing the hash leaves out
 * (`readsVolatileFields`); the caller checks both, and plans the whole directory at least every
 * `fullSyncEveryHours` (decisions.md).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { VOLATILE_KEYS } from '../lib/stable-hash.js';
import { jsonObject } from '../store/json-column.js';
import type { CompiledMapping } from './mapping/index.js';
import { chunked, type FocusedRead } from './focused-input.js';
import type { DirectorySnapshot } from './read-directory.js';
import type { GroupMembers, Memberships, MirrorUser } from './plan.js';
import type { PlannerInput } from './planner.js';
import { loadMemberListTexts, loadMemberships, type StoredListRow } from './current-state.js';
import { sameMembers } from './memberships.js';
import { digestOfIds, digestOfJoined, newDigestSeed, sameDigest, type DigestSeed, type MemberDigest } from './member-digest.js';
import { createGroupGraph } from './scope.js';

/** What the mirror holds for a directory, as a full read is compared with it. */
export interface StoredMirror {
  /** Content hash per user id. */
  userHashes: ReadonlyMap<string, string>;
  groups: PlannerInput['current']['groups'];
  memberships: StoredMemberLists;
}

/** The mirror's member lists, compared with a read's without necessarily making every id a string. */
export interface StoredMemberLists {
  /** The groups that have stored members. */
  groups(): Iterable<string>;
  /** Whether `g`'s stored members are exactly these, in any order (none stored: the read has none). */
  same(g: string, read: GroupMembers | undefined): boolean;
  /** `g`'s stored members (undefined: none). */
  get(g: string): GroupMembers | undefined;
  /** Every stored list (the graph before the read, for watched groups). */
  all(): Memberships;
}

const EMPTY: readonly string[] = [];
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && (a.length === 0 || sameMembers(a, b));

/** Stored lists held as id lists (tests; and a directory whose ids hold the join separator). */
export function storedListsOf(memberships: Memberships): StoredMemberLists {
  return {
    groups: () => memberships.keys(),
    same: (g, read) => {
      const before = memberships.get(g);
      return sameList(read?.users ?? EMPTY, before?.users ?? EMPTY) && sameList(read?.groups ?? EMPTY, before?.groups ?? EMPTY);
    },
    get: (g) => memberships.get(g),
    all: () => memberships,
  };
}

/** Stored lists as the database joined them: compared by digest, split only when asked for. */
export function storedListsOfTexts(rows: readonly StoredListRow[], separator: string, seed: DigestSeed = newDigestSeed()): StoredMemberLists {
  const byGroup = new Map<string, { users?: string; groups?: string }>();
  for (const r of rows) {
    let g = byGroup.get(r.group_external_id);
    if (!g) byGroup.set(r.group_external_id, (g = {}));
    g[r.member_type === 'user' ? 'users' : 'groups'] = r.ids;
  }
  const NONE: MemberDigest = { count: 0, a: 0, b: 0 };
  const digest = (text: string | undefined) => (text === undefined ? NONE : digestOfJoined(text, separator, seed));
  const split = (text: string | undefined) => (text === undefined ? [] : text.split(separator));
  const get = (g: string): GroupMembers | undefined => {
    const t = byGroup.get(g);
    return t ? { users: split(t.users), groups: split(t.groups) } : undefined;
  };
  return {
    groups: () => byGroup.keys(),
    same: (g, read) => {
      const t = byGroup.get(g);
      return sameDigest(digestOfIds(read?.users ?? EMPTY, seed), digest(t?.users)) && sameDigest(digestOfIds(read?.groups ?? EMPTY, seed), digest(t?.groups));
    },
    get,
    all: () => {
      const out = new Map<string, GroupMembers>();
      for (const g of byGroup.keys()) out.set(g, get(g)!);
      return out;
    },
  };
}

/** The rest of the mirror, once its user hashes are loaded (they are needed while the directory is read). */
export async function loadStoredMirror(db: Kysely<Database>, tenantId: string, directoryId: string, userHashes: ReadonlyMap<string, string>): Promise<StoredMirror> {
  const groups = await db.selectFrom('directory_groups').select(['id', 'external_id', 'name', 'hash'])
    .where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).execute();
  const texts = await loadMemberListTexts(db, tenantId, directoryId);
  return {
    userHashes,
    groups: groups.map((g) => ({ id: g.id, externalId: g.external_id, name: g.name, hash: g.hash })),
    memberships: texts ? storedListsOfTexts(texts.lists, texts.separator) : storedListsOf(await loadMemberships(db, tenantId, directoryId)),
  };
}

/**
 * A focused full read lets go of the record of each user in step with the mirror as soon as it is
 * hashed (`raw: null`): only the focus is mapped. Held, 100k records stayed live through the whole
 * read, and every garbage collection copied or marked them.
 */
export function letGoOfRecordsInStep(userHashes: ReadonlyMap<string, string>) {
  return async (page: readonly MirrorUser[]) => {
    for (const u of page) if (userHashes.get(u.externalId) === u.hash) u.raw = null;
  };
}

/**
 * The records of the focus users whose record the read let go of (in step, but in the focus for
 * their memberships or a last error): the mirror's, which hashes the same. The mapping reads no
 * field the hash leaves out, or the read would not be focused (`readsVolatileFields`).
 */
export async function restoreRecordsFromMirror(db: Kysely<Database>, tenantId: string, directoryId: string, users: readonly MirrorUser[]): Promise<void> {
  const missing = new Map(users.filter((u) => u.raw === null).map((u) => [u.externalId, u]));
  for (const ids of chunked([...missing.keys()])) {
    const rows = await db.selectFrom('directory_users').select(['external_id', 'raw'])
      .where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).where('external_id', 'in', ids).execute();
    for (const r of rows) missing.get(r.external_id)!.raw = jsonObject(r.raw);
  }
  const lost = users.find((u) => u.raw === null);
  if (lost) throw new Error(`The mirror no longer holds the record of user ${lost.externalId}, which the read found in step with it.`);
}

/**
 * Whether the mapping reads a field the content hash leaves out (a login time, an etag): such a
 * value changes without the hash, so only a whole plan sees it. Any source path naming one counts
 * (a false alarm only costs a whole plan).
 */
export function readsVolatileFields(mapping: CompiledMapping): boolean {
  return mapping.sourcePaths.some((path) => [...VOLATILE_KEYS].some((key) => path.includes(key)));
}

/** Pure: the focused planner input of a full read against the mirror it is compared with. */
export function focusFullRead(snapshot: DirectorySnapshot, stored: StoredMirror, opts: { watchedGroups: readonly string[]; lastErrors: readonly string[] }): FocusedRead {
  const focus = new Set<string>(opts.lastErrors);
  const listed = new Set<string>();
  for (const u of snapshot.users) {
    listed.add(u.externalId);
    if (stored.userHashes.get(u.externalId) !== u.hash) focus.add(u.externalId);
  }
  for (const id of stored.userHashes.keys()) if (!listed.has(id)) focus.add(id);

  // member lists that differ, as read and as stored (an empty list and no list are the same)
  const memberships = new Map<string, GroupMembers>();
  const currentMemberships = new Map<string, GroupMembers>();
  const compare = (g: string, after: GroupMembers | undefined) => {
    if (stored.memberships.same(g, after)) return;
    const before = stored.memberships.get(g);
    if (after) memberships.set(g, after);
    if (before) currentMemberships.set(g, before);
  };
  for (const [g, after] of snapshot.memberships) compare(g, after);
  for (const g of stored.memberships.groups()) if (!snapshot.memberships.has(g)) compare(g, undefined);

  const graph = createGroupGraph(snapshot.memberships);
  if (opts.watchedGroups.length && (memberships.size || currentMemberships.size)) {
    const graphBefore = createGroupGraph(stored.memberships.all());
    for (const g of opts.watchedGroups) {
      const was = graphBefore.usersOf(g);
      const is = graph.usersOf(g);
      for (const u of was) if (!is.has(u)) focus.add(u);
      for (const u of is) if (!was.has(u)) focus.add(u);
    }
  }

  const users: MirrorUser[] = [];
  const inStep: MirrorUser[] = [];
  for (const u of snapshot.users) (focus.has(u.externalId) ? users : inStep).push(u);
  const mirrorHashes = new Map<string, string>();
  for (const id of focus) {
    const hash = stored.userHashes.get(id);
    if (hash !== undefined) mirrorHashes.set(id, hash);
  }

  // groups whose record changed, appeared or disappeared, against their stored rows
  const storedGroups = new Map(stored.groups.map((g) => [g.externalId, g]));
  const groupNames = new Map<string, string>();
  const groups: PlannerInput['groups'] = [];
  const readGroups = new Set<string>();
  for (const g of snapshot.groups) {
    readGroups.add(g.externalId);
    groupNames.set(g.externalId, g.name);
    if (storedGroups.get(g.externalId)?.hash !== g.hash) groups.push({ externalId: g.externalId, name: g.name, description: g.description ?? null, raw: g.raw, hash: g.hash });
  }
  const changed = new Set(groups.map((g) => g.externalId));
  const currentGroups = stored.groups.filter((g) => changed.has(g.externalId) || !readGroups.has(g.externalId));
  for (const g of currentGroups) if (!groupNames.has(g.externalId)) groupNames.set(g.externalId, g.name);

  return {
    users, groups, currentGroups, memberships, currentMemberships, graph,
    focus: { userIds: focus, listedUserIds: listed }, mirrorHashes, groupNames,
    inStep: { users: inStep, groupsRead: snapshot.groups.length },
  };
}
