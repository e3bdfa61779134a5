/**
 * Focused incremental runs: plan only what one delta round touched. A delta of 1% of a 100k-user
 * directory names ~1k users; reading, mapping and planning the other 99k again (as a whole-mirror
 * incremental run does) costs seconds and changes nothing, as long as they were last planned under
 * the same settings (the plan fingerprint, checked by the caller).
 *
 * The users planned ("the focus") are:
 *   - every user the delta reports changed or removed;
 *   - every user whose transitive membership of a watched group (the user filter's groups, the
 *     group mappings' source groups) the delta changed, nested groups included;
 *   - every user the last applied run reported an error for (an email conflict may be gone now).
 * Everything else stays exactly as it is: the planner is told so (PlannerInput.focus).
 */
import { sql, type Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import type { Database } from '../store/schema.js';
import { jsonObject } from '../store/json-column.js';
import type { DeltaChanges } from '../providers/types.js';
import type { GroupMembers, Memberships, MirrorUser } from './plan.js';
import type { CurrentUser, PlannerInput } from './planner.js';
import { loadMemberships, ownedDirectoryId, toCurrentUser } from './current-state.js';
import { applyMembershipDelta, isFullGroup, isFullUser } from './mirror-snapshot.js';
import { toMirrorUser, toSnapshotGroup } from './read-directory.js';
import { createGroupGraph, type GroupGraph } from './scope.js';
import { membershipsFromRows } from './memberships.js';

/** Ids per `IN (…)` list: under every engine's parameter limit. */
const IN_CHUNK = 1_000;

export function chunked<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IN_CHUNK) out.push(items.slice(i, i + IN_CHUNK));
  return out;
}

export interface FocusedRead {
  /** The focus users as the directory holds them after the delta (removed ones absent). */
  users: MirrorUser[];
  /** Groups the delta changed (removed ones absent), and the stored rows of the same groups. */
  groups: PlannerInput['groups'];
  currentGroups: PlannerInput['current']['groups'];
  /** Member lists of the groups whose members changed, after and before the delta. */
  memberships: Memberships;
  currentMemberships: Memberships;
  /** Transitive members after the delta, for scope and group mappings (watched groups exact). */
  graph: GroupGraph;
  focus: { userIds: Set<string>; listedUserIds: Set<string> };
  mirrorHashes: Map<string, string>;
  /** Names of the groups the plan may mention, for the run log. */
  groupNames: Map<string, string>;
  /**
   * A focused full read (sync/focused-full-read.ts) also read every other record, all in step: its
   * counts cover them (unchanged users in scope, groups processed), as a whole plan's would.
   */
  inStep?: { users: readonly MirrorUser[]; groupsRead: number };
}

export async function readFocused(
  store: Store, tenantId: string, directoryId: string, changes: DeltaChanges,
  opts: { watchedGroups: readonly string[]; lastErrors: readonly string[] },
): Promise<FocusedRead> {
  const { db } = store;
  const removedUsers = new Set<string>();
  const changedUsers = new Map<string, MirrorUser>();
  for (const c of changes.users) {
    if (c.removed) removedUsers.add(c.user.externalId);
    else if (isFullUser(c.user)) changedUsers.set(c.user.externalId, toMirrorUser(c.user));
  }
  const removedGroups = new Set<string>();
  const changedGroups = new Map<string, PlannerInput['groups'][number]>();
  for (const c of changes.groups) {
    if (c.removed) removedGroups.add(c.group.externalId);
    else if (isFullGroup(c.group)) {
      const g = toSnapshotGroup(c.group);
      changedGroups.set(g.externalId, { externalId: g.externalId, name: g.name, description: g.description ?? null, raw: g.raw, hash: g.hash });
    }
  }

  const listed = new Set((await db.selectFrom('directory_users').select('external_id')
    .where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).execute()).map((r) => r.external_id));
  for (const id of removedUsers) listed.delete(id);
  for (const id of changedUsers.keys()) listed.add(id);

  // member lists: the whole graph when a watched group needs transitive members; else only the
  // rows that can change: the pairs the delta names (if stored), every membership of a removed
  // user or group, and a removed group's own list. Diffing these partial lists gives exactly the
  // changes the whole lists would (group sizes for the safeguards come from groupSizes()).
  const watched = opts.watchedGroups.length > 0;
  let before: Memberships;
  if (watched) before = await loadMemberships(db, tenantId, directoryId);
  else {
    const rowsWhere = async (column: 'member_external_id' | 'group_external_id', ids: Iterable<string>) => {
      const out: MembershipRowOf[] = [];
      for (const chunk of chunked([...ids])) {
        out.push(...await db.selectFrom('directory_memberships').select(['group_external_id', 'member_type', 'member_external_id'])
          .where('directory_id', '=', ownedDirectoryId(db, tenantId, directoryId)).where(column, 'in', chunk).execute());
      }
      return out;
    };
    const rows = [
      ...await storedPairs(store, tenantId, directoryId, changes.memberships),
      ...await rowsWhere('member_external_id', [...removedUsers, ...removedGroups]),
      ...await rowsWhere('group_external_id', removedGroups),
    ];
    before = membershipsFromRows(rows.map((r) => ({ groupExternalId: r.group_external_id, memberType: r.member_type, memberExternalId: r.member_external_id })));
  }
  const after = applyMembershipDelta(before, changes.memberships, removedUsers, removedGroups);
  const graph = createGroupGraph(after);

  const focus = new Set<string>([...changes.users.map((c) => c.user.externalId), ...opts.lastErrors]);
  if (watched) {
    const graphBefore = createGroupGraph(before);
    for (const g of opts.watchedGroups) {
      const was = graphBefore.usersOf(g);
      const is = graph.usersOf(g);
      for (const u of was) if (!is.has(u)) focus.add(u);
      for (const u of is) if (!was.has(u)) focus.add(u);
    }
  }

  // the focus users' mirror rows: their stored hash, and the record of those the delta did not resend
  const mirrorHashes = new Map<string, string>();
  const users: MirrorUser[] = [];
  for (const ids of chunked([...focus])) {
    const rows = await db.selectFrom('directory_users').select(['external_id', 'raw', 'hash', 'enabled', 'org_unit_path'])
      .where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).where('external_id', 'in', ids).execute();
    for (const r of rows) {
      mirrorHashes.set(r.external_id, r.hash);
      if (listed.has(r.external_id) && !changedUsers.has(r.external_id)) {
        users.push({ externalId: r.external_id, enabled: r.enabled === 1, orgUnitPath: r.org_unit_path, raw: jsonObject(r.raw), hash: r.hash });
      }
    }
  }
  users.push(...changedUsers.values());

  // groups: the changed and removed ones, against their stored rows
  const currentGroups: PlannerInput['current']['groups'] = [];
  const groupNames = new Map<string, string>();
  const namedGroups = [...new Set([...changedGroups.keys(), ...removedGroups, ...changes.memberships.map((m) => m.groupExternalId)])];
  for (const ids of chunked(namedGroups)) {
    const rows = await db.selectFrom('directory_groups').select(['id', 'external_id', 'name', 'hash'])
      .where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).where('external_id', 'in', ids).execute();
    for (const r of rows) {
      groupNames.set(r.external_id, r.name);
      if (changedGroups.has(r.external_id) || removedGroups.has(r.external_id)) currentGroups.push({ id: r.id, externalId: r.external_id, name: r.name, hash: r.hash });
    }
  }
  for (const g of changedGroups.values()) groupNames.set(g.externalId, g.name);

  // member lists that changed (copy on write: a changed list is a new array)
  const memberships = new Map<string, GroupMembers>();
  const currentMemberships = new Map<string, GroupMembers>();
  for (const [g, m] of after) if (before.get(g) !== m) memberships.set(g, m);
  for (const [g, m] of before) if (after.get(g) !== m) currentMemberships.set(g, m);

  return {
    users, groups: [...changedGroups.values()], currentGroups, memberships, currentMemberships, graph,
    focus: { userIds: focus, listedUserIds: listed }, mirrorHashes, groupNames,
  };
}

type MembershipRowOf = { group_external_id: string; member_type: 'user' | 'group'; member_external_id: string };

/**
 * Which of the memberships a delta names are stored now: one primary-key lookup each (SQLite: a
 * prepared statement per pair; PostgreSQL: one join against the pairs bound as three arrays).
 */
async function storedPairs(store: Store, tenantId: string, directoryId: string, changes: DeltaChanges['memberships']): Promise<MembershipRowOf[]> {
  if (!changes.length) return [];
  if (store.supportsArrayParameters) {
    const { rows } = await sql<MembershipRowOf>`select m.group_external_id, m.member_type, m.member_external_id
      from unnest(${changes.map((c) => c.groupExternalId)}::text[], ${changes.map((c) => c.member.type)}::text[], ${changes.map((c) => c.member.externalId)}::text[]) as x(g, t, m)
      join directory_memberships m on m.directory_id = ${directoryId} and m.group_external_id = x.g and m.member_type = x.t and m.member_external_id = x.m
      where m.tenant_id = ${tenantId}`.execute(store.db);
    return rows;
  }
  if (!store.selectPerRow) throw new Error('This store can neither bind arrays nor run per-row lookups.');
  return store.selectPerRow<MembershipRowOf>(
    'select group_external_id, member_type, member_external_id from directory_memberships where directory_id = ? and group_external_id = ? and member_type = ? and member_external_id = ? and tenant_id = ?',
    changes.map((c) => [directoryId, c.groupExternalId, c.member.type, c.member.externalId, tenantId]),
  );
}

/**
 * Stored user-member counts of some groups (the membership safeguard's reference), for the groups
 * where a count can matter: one that loses `n` members trips the guard only if it has fewer than
 * n × 100 / maxPercent members, and at least minGroupSize.
 */
export async function storedGroupSizes(db: Kysely<Database>, tenantId: string, directoryId: string, groups: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const ids of chunked(groups)) {
    const rows = await db.selectFrom('directory_memberships').select((eb) => ['group_external_id', eb.fn.countAll<string>().as('n')])
      .where('directory_id', '=', ownedDirectoryId(db, tenantId, directoryId)).where('member_type', '=', 'user').where('group_external_id', 'in', ids)
      .groupBy('group_external_id').execute();
    for (const r of rows) out.set(r.group_external_id, Number(r.n));
  }
  return out;
}

/**
 * What AccessIQ holds for the focus: the focus users this directory owns, whoever holds an email a
 * focus user maps to, and the sync-made grants of all of them (the planner judges only those of the
 * users it plans or links).
 */
export async function loadFocusedCurrent(
  db: Kysely<Database>, tenantId: string, directoryId: string, focus: ReadonlySet<string>, emails: readonly string[],
): Promise<Pick<PlannerInput['current'], 'users' | 'grants'>> {
  const select = ['id', 'directory_id', 'external_id', 'status', 'email', 'email_normalized', 'given_name', 'family_name', 'display_name', 'attributes'] as const;
  const users = new Map<string, CurrentUser>();
  for (const ids of chunked([...focus])) {
    const rows = await db.selectFrom('users').select(select)
      .where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).where('external_id', 'in', ids).execute();
    for (const r of rows) users.set(r.id, toCurrentUser(r));
  }
  for (const ids of chunked(emails)) {
    const rows = await db.selectFrom('users').select(select).where('tenant_id', '=', tenantId).where('email_normalized', 'in', ids).execute();
    for (const r of rows) if (!users.has(r.id)) users.set(r.id, toCurrentUser(r));
  }
  // the grants of everyone loaded: an email holder may be linked to a focus user in this run
  const grants: PlannerInput['current']['grants'] = [];
  for (const ids of chunked([...users.keys()])) {
    const rows = await db.selectFrom('role_grants').select(['id', 'user_id', 'organization_id', 'role_key', 'source', 'mapping_id'])
      .where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).where('source', '!=', 'manual').where('user_id', 'in', ids).execute();
    for (const g of rows) {
      grants.push({
        id: g.id, userId: g.user_id, organizationId: g.organization_id, roleKey: g.role_key,
        source: g.source === 'group-mapping' ? 'group-mapping' : 'default-role', mappingId: g.mapping_id,
      });
    }
  }
  return { users: [...users.values()], grants };
}

/** The records the last applied run of the directory reported errors for: they are planned again. */
export async function lastRunErrors(db: Kysely<Database>, tenantId: string, directoryId: string): Promise<string[]> {
  const last = await db.selectFrom('sync_runs').select('id').where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId)
    .where('status', '=', 'succeeded').where('dry_run', '=', 0).orderBy('finished_at', 'desc').limit(1).executeTakeFirst();
  if (!last) return [];
  const rows = await db.selectFrom('sync_events').select('details').where('tenant_id', '=', tenantId).where('run_id', '=', last.id).where('kind', '=', 'error').execute();
  const ids: string[] = [];
  for (const r of rows) {
    const id = r.details ? jsonObject(r.details).externalId : undefined;
    if (typeof id === 'string') ids.push(id);
  }
  return ids;
}
