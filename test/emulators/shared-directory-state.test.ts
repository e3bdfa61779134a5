/** The shared directory state: indexes, bookkeeping of timestamps, change journal, admin operations. */
import { describe, expect, it } from 'vitest';
import { generateCompany } from '../../emulators/shared/company.js';
import { createDirectoryState, DirectoryStateError } from '../../emulators/shared/directory-state.js';

const make = (now = () => Date.UTC(2030, 0, 1)) => createDirectoryState(generateCompany({ users: 200, groups: 12, seed: 4 }), { now });

describe('createDirectoryState', () => {
  it('keeps generated data deterministic, ordered and in the past', () => {
    const a = make();
    const b = make();
    expect(a.people.map((p) => [p.key, p.lastUpdated])).toEqual(b.people.map((p) => [p.key, p.lastUpdated]));
    expect(a.people.every((p, i) => i === 0 || p.index > a.people[i - 1]!.index)).toBe(true);
    expect(a.people.every((p) => /\.\d{3}Z$/.test(p.lastUpdated) && p.lastUpdated >= p.created && Date.parse(p.lastUpdated) < Date.now())).toBe(true);
    expect(a.memberships()).toBe(a.groups.reduce((n, g) => n + g.memberKeys.length, 0));
    expect(a.lastSeq).toBe(0);
  });

  it('finds cursor positions by binary search, also after deletes', () => {
    const s = make();
    expect(s.personPositionAfter(-1)).toBe(0);
    expect(s.personPositionAfter(41)).toBe(42);
    s.deletePerson('p000042');
    expect(s.personPositionAfter(41)).toBe(42);
    expect(s.people[42]!.key).toBe('p000043');
    expect(s.personPositionAfter(42)).toBe(42); // the deleted cursor still resolves
    expect(s.indexOfPersonKey('p000042')).toBe(42);
    const g = s.groups[0]!;
    const third = s.person(g.memberKeys[2]!)!;
    expect(s.memberPositionAfter(g.key, third.index)).toBe(3);
  });

  it('membership edits bump the group lastMembershipUpdated only, and keep members sorted', () => {
    const s = make();
    const g = s.groups[1]!;
    const outsider = s.people.find((p) => !g.memberKeys.includes(p.key))!;
    const userStamp = outsider.lastUpdated;
    const groupStamp = g.lastUpdated;
    s.addMember(g.key, outsider.key);
    expect(g.lastMembershipUpdated).toBe('2030-01-01T00:00:00.000Z');
    expect(g.lastUpdated).toBe(groupStamp);
    expect(s.person(outsider.key)!.lastUpdated).toBe(userStamp);
    const indexes = g.memberKeys.map((k) => s.person(k)!.index);
    expect(indexes).toEqual([...indexes].sort((x, y) => x - y));
    expect(s.groupsOfPerson(outsider.key).map((x) => x.key)).toContain(g.key);
    s.removeMember(g.key, outsider.key);
    expect(g.memberKeys).not.toContain(outsider.key);
    expect(() => s.removeMember(g.key, outsider.key)).toThrow(DirectoryStateError);
  });

  it('journals every change with strictly increasing sequence and timestamps', () => {
    const s = make(() => Date.UTC(2030, 0, 1)); // frozen clock: stamps must still increase
    const p = s.addPerson({ givenName: 'Ada', familyName: 'Lovelace' });
    s.updatePerson(p.key, { title: 'Countess', state: 'suspended' });
    const g = s.addGroup({ name: 'Guild', memberKeys: [p.key] });
    s.updateGroup(g.key, { description: 'x' });
    s.addChildGroup(g.key, 'g00003');
    s.deletePerson(p.key);
    s.deleteGroup(g.key);
    const types = s.journal.map((e) => e.type);
    expect(types).toEqual(['person.created', 'person.state_changed', 'person.updated', 'group.created', 'member.added', 'group.updated', 'child.added', 'member.removed', 'person.deleted', 'group.deleted']);
    expect(s.journal.every((e, i) => i === 0 || (e.seq === s.journal[i - 1]!.seq + 1 && e.at > s.journal[i - 1]!.at))).toBe(true);
    expect(s.changesSince(8).map((e) => e.type)).toEqual(['person.deleted', 'group.deleted']);
    expect(s.journal.find((e) => e.type === 'person.state_changed')!.previousState).toBe('active');
    expect(s.person(p.key)).toBeUndefined();
    expect(s.parentsOfGroup('g00003').map((x) => x.key)).not.toContain(g.key);
  });

  it('refuses cycles, duplicates and unknown keys', () => {
    const s = make();
    s.addChildGroup('g00001', 'g00002');
    expect(() => s.addChildGroup('g00002', 'g00001')).toThrow(/cycle/);
    expect(() => s.addMember('g00001', 'p999999')).toThrow(DirectoryStateError);
    expect(() => s.addPerson({ key: 'p000001' })).toThrow(/exists/);
    const before = s.lastSeq;
    s.addMember('g00001', s.groups[1]!.memberKeys[0]!); // already a member: no-op
    expect(s.lastSeq).toBe(before);
  });
});
