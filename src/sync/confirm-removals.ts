/**
 * A full read cannot tell a smaller directory from a listing that ended early (a provider dropping
 * its next-page link, a proxy cutting a chain): both look like "these records are gone". So before
 * a full run removes anything, each removal gets a second, independent look — users and groups by
 * reading the record from its own endpoint, memberships by listing the group again. A record the
 * listing left out that the directory still has means the read was incomplete: the run fails and
 * nothing is changed (DESIGN invariant 1). Incremental runs need none of this: a delta reports
 * removals explicitly.
 *
 * The cost is one request per removed user or group and one listing per group that lost members,
 * so it is paid only by runs that remove something. Past `limit` records an even sample is read:
 * that many removals already exceed the default deactivation safeguard (500 users), which blocks
 * the run for an admin to review, so the sample only bounds the cost of a mass removal.
 */
import type { DirectoryConnector } from '../providers/types.js';
import type { Plan } from './plan.js';
import { RunFailure } from './run-failure.js';

export interface ConfirmOptions {
  /** Most records read per kind (users, groups, groups re-listed). */
  limit?: number;
  concurrency?: number;
}

export interface ConfirmResult {
  usersChecked: number;
  groupsChecked: number;
  groupsRelisted: number;
  requests: number;
}

export async function confirmRemovals(plan: Plan, connector: DirectoryConnector, opts: ConfirmOptions = {}): Promise<ConfirmResult> {
  const limit = opts.limit ?? 1000;
  const concurrency = opts.concurrency ?? 8;
  const before = connector.stats.requests;

  // users: every record the mirror held that the listing did not return (whatever the deactivation
  // behaviour: the mirror itself must not lose them either), plus deactivations for that reason
  const goneUsers = new Set(plan.mirror.deletes);
  for (const u of plan.users) if (u.kind === 'deactivate' && u.reason === 'removed_from_directory') goneUsers.add(u.externalId);
  const users = sample([...goneUsers].sort(), limit);
  const stillThere = await mapLimit(users, concurrency, async (id) => ((await connector.getUser(id)) ? id : null));
  const missedUsers = stillThere.filter((id): id is string => id !== null);
  if (missedUsers.length) {
    throw incomplete(`the user listing left out ${count(missedUsers.length, 'user')} the directory still has (${preview(missedUsers)})`);
  }

  const deleted = plan.groups.filter((g) => g.kind === 'delete');
  const groups = sample(deleted.map((g) => g.externalId).sort(), limit);
  const groupsThere = await mapLimit(groups, concurrency, async (id) => ((await connector.getGroup(id)) ? id : null));
  const missedGroups = groupsThere.filter((id): id is string => id !== null);
  if (missedGroups.length) {
    throw incomplete(`the group listing left out ${count(missedGroups.length, 'group')} the directory still has (${preview(missedGroups)})`);
  }

  // memberships: list each group that lost members again; a member the first listing lacked but the
  // second returns means the first was cut short. Groups losing the most members are read first.
  const deletedIds = new Set(deleted.map((g) => g.externalId));
  const removed = new Map<string, Set<string>>();
  for (const m of plan.memberships) {
    if (!m.removed.length || deletedIds.has(m.groupExternalId)) continue;
    let set = removed.get(m.groupExternalId);
    if (!set) removed.set(m.groupExternalId, (set = new Set()));
    for (const id of m.removed) set.add(`${m.memberType}:${id}`);
  }
  const relist = [...removed].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1)).slice(0, limit);
  const cut = await mapLimit(relist, concurrency, async ([groupId, lost]) => {
    for await (const page of connector.listGroupMembers(groupId)) {
      for (const m of page) if (lost.has(`${m.type}:${m.externalId}`)) return groupId;
    }
    return null;
  });
  const cutGroups = cut.filter((id): id is string => id !== null);
  if (cutGroups.length) {
    throw incomplete(`the member listing of ${count(cutGroups.length, 'group')} (${preview(cutGroups)}) left out members a second listing returned`);
  }
  return { usersChecked: users.length, groupsChecked: groups.length, groupsRelisted: relist.length, requests: connector.stats.requests - before };
}

function incomplete(what: string) {
  return new RunFailure(
    'incomplete_read',
    `The directory's answer was incomplete: ${what}. Nothing was changed, so nobody was deactivated or lost access.`,
    'This is usually a passing fault of the provider (a listing that ended early); the next sync reads everything again. If it repeats, check the provider\'s status page.',
  );
}

/** At most n items, spread evenly over the list (the whole list when it is short enough). */
function sample<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!);
}

async function mapLimit<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

const count = (n: number, noun: string) => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
const preview = (ids: string[]) => ids.slice(0, 3).join(', ') + (ids.length > 3 ? ', …' : '');
