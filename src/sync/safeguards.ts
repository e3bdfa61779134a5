/**
 * Safeguards look at a plan before anything is written. A plan that would deactivate, delete or
 * strip more than the directory's thresholds stops the run as `blocked`, for an admin to approve
 * or reject; so does a read that looks untrustworthy (zero users, or a sharp drop).
 */
import type { Safeguards } from '../domain/directory-settings.js';
import type { Plan } from './plan.js';

export interface SafeguardContext {
  safeguards: Safeguards;
  /** Active users this directory owns before the run. */
  activeSyncedUsers: number;
  /** Users the read returned, and the count of the last successful applied run (null: first run). */
  usersRead: number;
  lastGoodUsersRead: number | null;
  /** Members per group before the run, for the membership guard. */
  groupSizes: ReadonlyMap<string, number>;
  groupsBefore: number;
}

export interface SafeguardTrip {
  code: 'deactivation_threshold' | 'group_deletion_threshold' | 'membership_removal_threshold' | 'source_health';
  message: string;
  hint: string;
}

export function checkSafeguards(plan: Plan, ctx: SafeguardContext): SafeguardTrip[] {
  const trips: SafeguardTrip[] = [];
  const s = ctx.safeguards;
  const deactivations = plan.users.filter((u) => u.kind === 'deactivate').length;

  if (ctx.activeSyncedUsers > 0 && ctx.usersRead === 0) {
    trips.push({ code: 'source_health', message: 'The directory returned no users at all, while this directory has synced users: the read is not trusted.', hint: 'Check the directory and its credentials; approve only if the directory really is empty.' });
  } else if (ctx.lastGoodUsersRead && ctx.lastGoodUsersRead > s.minimumUsers) {
    const lost = ctx.lastGoodUsersRead - ctx.usersRead;
    const drop = lost / ctx.lastGoodUsersRead;
    // integer comparison: a drop of exactly the threshold does not trip it
    if (lost * 100 > s.maxDeactivationPercent * ctx.lastGoodUsersRead && lost > s.minimumUsers) {
      trips.push({ code: 'source_health', message: `The directory returned ${ctx.usersRead} users, ${Math.round(drop * 100)}% fewer than the ${ctx.lastGoodUsersRead} of the last good sync.`, hint: 'Check the directory; approve the run if the drop is real.' });
    }
  }

  const limit = Math.min(s.maxDeactivationCount, Math.floor((ctx.activeSyncedUsers * s.maxDeactivationPercent) / 100));
  if (deactivations > s.minimumUsers && deactivations > limit) {
    trips.push({ code: 'deactivation_threshold', message: `This run would deactivate ${deactivations} of ${ctx.activeSyncedUsers} active users, more than the limit of ${limit} (${s.maxDeactivationPercent}% or ${s.maxDeactivationCount}, whichever is smaller).`, hint: 'Review the run, then approve or reject it; or change the thresholds in the directory\'s safeguards.' });
  }

  const groupDeletes = plan.groups.filter((g) => g.kind === 'delete').length;
  const groupLimit = Math.min(s.maxGroupDeletionCount, Math.floor((ctx.groupsBefore * s.maxGroupDeletionPercent) / 100));
  if (groupDeletes > s.minimumUsers && groupDeletes > groupLimit) {
    trips.push({ code: 'group_deletion_threshold', message: `This run would delete ${groupDeletes} of ${ctx.groupsBefore} groups, more than the limit of ${groupLimit}.`, hint: 'Review the run, then approve or reject it.' });
  }

  const removedPerGroup = new Map<string, number>();
  for (const m of plan.memberships) if (m.memberType === 'user' && m.removed.length) removedPerGroup.set(m.groupExternalId, m.removed.length);
  const stripped = [...removedPerGroup].filter(([g, n]) => {
    const size = ctx.groupSizes.get(g) ?? 0;
    return size >= s.membershipMinGroupSize && (n * 100) / size > s.maxMembershipRemovalPercent;
  });
  if (stripped.length) {
    const [g, n] = stripped[0]!;
    trips.push({ code: 'membership_removal_threshold', message: `This run would remove ${n} of ${ctx.groupSizes.get(g)} members from group ${g}${stripped.length > 1 ? ` (and ${stripped.length - 1} more groups)` : ''}, more than ${s.maxMembershipRemovalPercent}%.`, hint: 'Review the run, then approve or reject it.' });
  }
  return trips;
}
