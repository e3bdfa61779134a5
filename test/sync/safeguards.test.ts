/**
 * Safeguards: a plan that would deactivate, delete or strip too much, or a read that looks
 * untrustworthy, blocks the run. Defaults (directory-settings.ts): 20% or 500 deactivations,
 * whichever is smaller, never for 10 or fewer; 20% / 100 group deletions; a group of 20 or more
 * losing more than 50% of its members.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSafeguards, type SafeguardContext } from '../../src/sync/safeguards.js';
import { safeguardsGuard } from '../../src/domain/directory-settings.js';
import type { Plan, UserChange } from '../../src/sync/plan.js';
import { groupMembershipChanges, type MembershipChangeRow } from '../../src/sync/memberships.js';

const DEFAULTS = safeguardsGuard.parse({});

function planWith(p: { deactivations?: number; disabledAtSource?: number; updates?: number; groupDeletes?: number; removals?: Array<[group: string, count: number]>; groupRemovals?: Array<[group: string, count: number]>; adds?: Array<[group: string, count: number]> }): Plan {
  const users: UserChange[] = [];
  for (let i = 0; i < (p.deactivations ?? 0); i++) users.push({ kind: 'deactivate', userId: `u${i}`, externalId: `e${i}`, reason: 'removed_from_directory' });
  for (let i = 0; i < (p.disabledAtSource ?? 0); i++) users.push({ kind: 'deactivate', userId: `d${i}`, externalId: `d${i}`, reason: 'disabled_at_source' });
  for (let i = 0; i < (p.updates ?? 0); i++) users.push({ kind: 'update', userId: `x${i}`, externalId: `x${i}`, values: { email: null, emailNormalized: null, givenName: null, familyName: null, displayName: null, attributes: {} }, changed: ['givenName'] });
  const memberships: MembershipChangeRow[] = [];
  const rows = (kind: 'add' | 'remove', memberType: 'user' | 'group', list: Array<[string, number]> = []) => {
    for (const [group, n] of list) for (let i = 0; i < n; i++) memberships.push({ kind, groupExternalId: group, memberType, memberExternalId: `${group}-${memberType}-${i}` });
  };
  rows('remove', 'user', p.removals);
  rows('remove', 'group', p.groupRemovals);
  rows('add', 'user', p.adds);
  return {
    users,
    groups: Array.from({ length: p.groupDeletes ?? 0 }, (_, i) => ({ kind: 'delete' as const, groupId: `g${i}`, externalId: `g${i}`, name: `Group ${i}` })),
    memberships: groupMembershipChanges(memberships),
    grants: [],
    mirror: { upserts: [], deletes: [] },
    errors: [],
    usersUnchanged: 0,
    groupsProcessed: 0,
  };
}

function context(c: Partial<SafeguardContext> = {}): SafeguardContext {
  return { safeguards: DEFAULTS, activeSyncedUsers: 1000, usersRead: 1000, lastGoodUsersRead: 1000, groupSizes: new Map(), groupsBefore: 100, ...c };
}

const codes = (p: Plan, c: Partial<SafeguardContext> = {}) => checkSafeguards(p, context(c)).map((t) => t.code);

describe('safeguards: deactivation threshold (20% or 500, whichever is smaller; never for 10 or fewer)', () => {
  it.each([
    // [active users, deactivations, trips?]
    [100, 20, false], // exactly 20%
    [100, 21, true],
    [50, 10, false], // 20% of 50, and at the floor
    [50, 11, true],
    [40, 10, false], // 25%, but never for 10 or fewer
    [20, 10, false], // 50%, still never for 10 or fewer
    [20, 11, true],
    [10_000, 500, false], // 5%: the count limit
    [10_000, 501, true],
    [100_000, 501, true],
    [1000, 0, false],
  ])('%i active users, %i deactivations → trips: %s', (active, deactivations, trips) => {
    expect(codes(planWith({ deactivations }), { activeSyncedUsers: active, usersRead: active, lastGoodUsersRead: active }).includes('deactivation_threshold')).toBe(trips);
  });

  it('counts users disabled at the source too, and nothing but deactivations', () => {
    expect(codes(planWith({ deactivations: 11, disabledAtSource: 10 }), { activeSyncedUsers: 100 })).toContain('deactivation_threshold');
    expect(codes(planWith({ deactivations: 10, disabledAtSource: 10, updates: 500 }), { activeSyncedUsers: 100 })).toEqual([]);
  });

  it('says how many, out of how many, and what the limit is', () => {
    const [trip] = checkSafeguards(planWith({ deactivations: 30 }), context({ activeSyncedUsers: 100 }));
    expect(trip).toMatchObject({ code: 'deactivation_threshold', message: expect.stringContaining('30 of 100') });
    expect(trip!.message).toContain('limit of 20');
    expect(trip!.hint).toBeTruthy();
  });

  it("follows the directory's own thresholds", () => {
    const strict = { ...DEFAULTS, maxDeactivationPercent: 5, minimumUsers: 2 };
    expect(codes(planWith({ deactivations: 6 }), { safeguards: strict, activeSyncedUsers: 100 })).toContain('deactivation_threshold');
    expect(codes(planWith({ deactivations: 5 }), { safeguards: strict, activeSyncedUsers: 100 })).toEqual([]);
    const lenient = { ...DEFAULTS, maxDeactivationPercent: 100, maxDeactivationCount: 100_000 };
    expect(codes(planWith({ deactivations: 100 }), { safeguards: lenient, activeSyncedUsers: 100 })).toEqual([]);
  });

  it('never trips for the minimum or fewer, and keeps tripping as deactivations grow (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 800 }), fc.integer({ min: 0, max: 200 }), (active, n, more) => {
      const trips = (k: number) => codes(planWith({ deactivations: k }), { activeSyncedUsers: active, usersRead: active, lastGoodUsersRead: active }).includes('deactivation_threshold');
      if (n <= DEFAULTS.minimumUsers) expect(trips(n)).toBe(false);
      if (trips(n)) expect(trips(n + more)).toBe(true);
      // within both limits it never trips
      if (n <= Math.max(DEFAULTS.minimumUsers, Math.min(500, (active * 20) / 100))) expect(trips(n)).toBe(false);
    }), { numRuns: 200 });
  });
});

describe('safeguards: source health', () => {
  it('blocks a read of zero users while this directory has synced users', () => {
    const trips = checkSafeguards(planWith({}), context({ activeSyncedUsers: 3, usersRead: 0, lastGoodUsersRead: 3 }));
    expect(trips.map((t) => t.code)).toEqual(['source_health']);
    expect(trips[0]!.message).toContain('no users');
  });

  it('lets an empty read through when nothing is synced yet', () => {
    expect(codes(planWith({}), { activeSyncedUsers: 0, usersRead: 0, lastGoodUsersRead: null })).toEqual([]);
  });

  it.each([
    // [last good read, this read, trips?]
    [1000, 700, true], // 30% fewer
    [1000, 800, false], // 20% fewer: at the threshold
    [1000, 799, true],
    [1000, 1500, false], // growth is fine
    [50, 30, true], // 40% fewer, 20 users
    [15, 5, false], // 66% fewer, but only 10 users fewer
    [10, 1, false], // a directory of 10 or fewer is never judged by its drop
  ])('last good read %i, this read %i → trips: %s', (lastGood, read, trips) => {
    expect(codes(planWith({}), { activeSyncedUsers: read, usersRead: read, lastGoodUsersRead: lastGood }).includes('source_health')).toBe(trips);
  });

  it('does not judge the first run by a drop', () => {
    expect(codes(planWith({}), { activeSyncedUsers: 0, usersRead: 5, lastGoodUsersRead: null })).toEqual([]);
  });

  it('reports a drop once, even when the read is empty and there are no synced users left', () => {
    const trips = checkSafeguards(planWith({}), context({ activeSyncedUsers: 0, usersRead: 0, lastGoodUsersRead: 1000 }));
    expect(trips.map((t) => t.code)).toEqual(['source_health']);
    expect(trips[0]!.message).toContain('100% fewer');
  });

  it('reports a drop together with the deactivations it causes', () => {
    expect(codes(planWith({ deactivations: 300 }), { activeSyncedUsers: 1000, usersRead: 700, lastGoodUsersRead: 1000 })).toEqual(['source_health', 'deactivation_threshold']);
  });
});

describe('safeguards: group deletions (20% or 100)', () => {
  it.each([
    [100, 20, false],
    [100, 21, true],
    [20, 10, false], // never for 10 or fewer
    [20, 11, true],
    [1000, 100, false],
    [1000, 101, true],
  ])('%i groups, %i deleted → trips: %s', (before, deletes, trips) => {
    expect(codes(planWith({ groupDeletes: deletes }), { groupsBefore: before }).includes('group_deletion_threshold')).toBe(trips);
  });
});

describe('safeguards: membership guard (a group of 20 or more losing more than 50%)', () => {
  it.each([
    // [group size, user members removed, trips?]
    [20, 10, false], // exactly 50%
    [20, 11, true],
    [19, 19, false], // too small to judge
    [40, 21, true],
    [40, 20, false],
    [1000, 501, true],
  ])('group of %i losing %i → trips: %s', (size, removed, trips) => {
    expect(codes(planWith({ removals: [['sales', removed]] }), { groupSizes: new Map([['sales', size]]) }).includes('membership_removal_threshold')).toBe(trips);
  });

  it('counts only user members, per group', () => {
    const sizes = new Map([['a', 20], ['b', 20]]);
    expect(codes(planWith({ groupRemovals: [['a', 20]] }), { groupSizes: sizes })).toEqual([]);
    expect(codes(planWith({ removals: [['a', 6], ['b', 6]] }), { groupSizes: sizes })).toEqual([]);
  });

  it('does not judge a group it knew no size for (a group new in this run)', () => {
    expect(codes(planWith({ removals: [['new', 30]] }), { groupSizes: new Map() })).toEqual([]);
  });

  it('names the group and how many more groups are affected', () => {
    const trips = checkSafeguards(planWith({ removals: [['a', 15], ['b', 30], ['c', 1]] }), context({ groupSizes: new Map([['a', 20], ['b', 40], ['c', 40]]) }));
    expect(trips).toHaveLength(1);
    expect(trips[0]).toMatchObject({ code: 'membership_removal_threshold', message: expect.stringContaining('15 of 20 members from group a (and 1 more groups)') });
  });

  it('lets a plan through that stays inside every threshold', () => {
    expect(codes(planWith({ deactivations: 5, groupDeletes: 3, removals: [['a', 5]], adds: [['a', 50]] }), { groupSizes: new Map([['a', 20]]) })).toEqual([]);
  });
});
