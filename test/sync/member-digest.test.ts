/**
 * Member list digests (src/sync/member-digest.ts): the digest of the database's joined text is the
 * digest of the ids, whatever their order, and different lists have different digests. The stored
 * lists built on them (focused-full-read.ts) agree with comparing the lists as sets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestOfIds, digestOfJoined, newDigestSeed, sameDigest } from '../../src/sync/member-digest.js';
import { storedListsOfTexts } from '../../src/sync/focused-full-read.js';

const SEP = '\u001f';
// ids as providers send them, non-ASCII and astral characters included, never the separator
const idArb = fc.string({ minLength: 1, maxLength: 12, unit: fc.oneof(fc.constantFrom(...'abc019-_@.'), fc.constantFrom('é', 'ß', '中', '😀')) });
const listArb = fc.uniqueArray(idArb, { maxLength: 30 });
const seedArb = fc.record({ a: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), b: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) });

describe('member digests', () => {
  it('of the joined text equal those of the ids, in any order', () => {
    fc.assert(fc.property(listArb.filter((l) => l.length > 0), seedArb, fc.nat(), (ids, seed, k) => {
      const shuffled = [...ids].sort((x, y) => ((x.length * 31 + k) % 7) - ((y.length * 31 + k) % 7) || (x < y ? -1 : 1));
      expect(digestOfJoined(shuffled.join(SEP), SEP, seed)).toEqual(digestOfIds(ids, seed));
    }));
  });

  it('differ for different lists', () => {
    fc.assert(fc.property(listArb, listArb, seedArb, (x, y, seed) => {
      const same = x.length === y.length && x.every((id) => y.includes(id));
      expect(sameDigest(digestOfIds(x, seed), digestOfIds(y, seed))).toBe(same);
    }), { numRuns: 2000 });
  });

  it('differ for lists one id apart, or the same ids split differently', () => {
    const seed = newDigestSeed();
    expect(sameDigest(digestOfIds(['ab', 'c'], seed), digestOfIds(['a', 'bc'], seed))).toBe(false);
    expect(sameDigest(digestOfIds(['u1', 'u2'], seed), digestOfIds(['u1', 'u3'], seed))).toBe(false);
    expect(sameDigest(digestOfIds([], seed), digestOfIds([''], seed))).toBe(false);
  });
});

describe('stored lists compared by digest', () => {
  it('agree with comparing the lists as sets, and give the stored lists back', () => {
    fc.assert(fc.property(listArb, listArb, listArb, listArb, (storedUsers, storedGroups, readUsers, readGroups) => {
      const rows = [
        ...(storedUsers.length ? [{ group_external_id: 'g', member_type: 'user' as const, n: storedUsers.length, ids: storedUsers.join(SEP) }] : []),
        ...(storedGroups.length ? [{ group_external_id: 'g', member_type: 'group' as const, n: storedGroups.length, ids: storedGroups.join(SEP) }] : []),
      ];
      const lists = storedListsOfTexts(rows, SEP);
      const asSet = (a: string[], b: string[]) => a.length === b.length && a.every((id) => b.includes(id));
      expect(lists.same('g', { users: readUsers, groups: readGroups })).toBe(asSet(readUsers, storedUsers) && asSet(readGroups, storedGroups));
      expect(lists.same('g', { users: storedUsers, groups: storedGroups })).toBe(true);
      expect(lists.same('g', undefined)).toBe(rows.length === 0);
      expect(lists.get('g')).toEqual(rows.length ? { users: storedUsers, groups: storedGroups } : undefined);
      expect([...lists.groups()]).toEqual(rows.length ? ['g'] : []);
      expect(lists.all()).toEqual(new Map(rows.length ? [['g', { users: storedUsers, groups: storedGroups }]] : []));
    }));
  });
});
