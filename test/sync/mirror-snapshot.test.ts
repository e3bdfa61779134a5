/**
 * applyDelta: the mirror's snapshot after one complete delta round, with memberships grouped by
 * group. Only the groups a change touches get new member lists; the snapshot passed in is not
 * changed (the planner input must be what was read).
 */
import { describe, expect, it } from 'vitest';
import { applyDelta } from '../../src/sync/mirror-snapshot.js';
import { membershipRows, membershipsFromRows } from '../../src/sync/memberships.js';
import type { DirectorySnapshot } from '../../src/sync/read-directory.js';
import type { DeltaChanges } from '../../src/providers/types.js';
import type { MembershipRow } from '../../src/sync/plan.js';

const u = (groupExternalId: string, id: string): MembershipRow => ({ groupExternalId, memberType: 'user', memberExternalId: id });
const g = (groupExternalId: string, id: string): MembershipRow => ({ groupExternalId, memberType: 'group', memberExternalId: id });
const rowsOf = (s: DirectorySnapshot) => [...membershipRows(s.memberships)].map((m) => `${m.groupExternalId} ${m.memberType} ${m.memberExternalId}`).sort();
const user = (externalId: string) => ({ externalId, enabled: true, orgUnitPath: null, raw: { id: externalId }, hash: `h-${externalId}` });
const group = (externalId: string) => ({ externalId, name: externalId, description: null, raw: { id: externalId }, hash: `h-${externalId}` });

function snapshot(rows: MembershipRow[]): DirectorySnapshot {
  return { users: ['a', 'b', 'c'].map(user), groups: ['eng', 'ops', 'all'].map(group), memberships: membershipsFromRows(rows), duplicates: 0 };
}
const changes = (c: Partial<DeltaChanges>): DeltaChanges => ({ users: [], groups: [], memberships: [], cursor: 'next', ...c });

describe('applyDelta', () => {
  it('adds and removes single memberships, an add of a present member once', () => {
    const before = snapshot([u('eng', 'a'), u('eng', 'b'), g('all', 'eng')]);
    const after = applyDelta(before, changes({
      memberships: [
        { groupExternalId: 'eng', member: { type: 'user', externalId: 'b' }, removed: true },
        { groupExternalId: 'eng', member: { type: 'user', externalId: 'a' }, removed: false },
        { groupExternalId: 'ops', member: { type: 'user', externalId: 'c' }, removed: false },
        { groupExternalId: 'all', member: { type: 'group', externalId: 'ops' }, removed: false },
      ],
    }));
    expect(rowsOf(after)).toEqual(['all group eng', 'all group ops', 'eng user a', 'ops user c']);
    expect(rowsOf(before)).toEqual(['all group eng', 'eng user a', 'eng user b']);
  });

  it('drops the memberships of removed users and removed groups, nested ones included', () => {
    const before = snapshot([u('eng', 'a'), u('eng', 'b'), u('ops', 'b'), g('all', 'eng'), g('all', 'ops'), u('all', 'c')]);
    const after = applyDelta(before, changes({
      users: [{ removed: true, user: { externalId: 'b' } }],
      groups: [{ removed: true, group: { externalId: 'eng' } }],
    }));
    expect(rowsOf(after)).toEqual(['all group ops', 'all user c']);
    expect(after.users.map((x) => x.externalId)).toEqual(['a', 'c']);
    expect(after.groups.map((x) => x.externalId)).toEqual(['ops', 'all']);
    expect(rowsOf(before)).toHaveLength(6);
  });

  it('keeps untouched groups\' member lists as they were', () => {
    const before = snapshot([u('eng', 'a'), u('ops', 'b')]);
    const after = applyDelta(before, changes({ memberships: [{ groupExternalId: 'eng', member: { type: 'user', externalId: 'c' }, removed: false }] }));
    expect(after.memberships.get('ops')).toBe(before.memberships.get('ops'));
    expect(after.memberships.get('eng')).not.toBe(before.memberships.get('eng'));
  });
});
