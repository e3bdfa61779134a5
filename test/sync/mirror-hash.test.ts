/**
 * Content hashes of the mirror: the order of a record's top-level keys does not matter, volatile
 * fields of the provider's record (logins, etags, links, timestamps) do not count as changes,
 * anything else does (decisions.md: "Mirror hashes sort only the record's top-level keys").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VOLATILE_KEYS, recordHash, stableStringify } from '../../src/lib/stable-hash.js';
import { toMirrorUser, toSnapshotGroup } from '../../src/sync/read-directory.js';

/** The straightforward definition stableStringify must agree with. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
}

const shuffled = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).reverse());

describe('stableStringify', () => {
  it('is JSON with sorted keys, undefined members left out', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(stableStringify(v)).toBe(reference(v));
      expect(JSON.parse(stableStringify(v))).toEqual(JSON.parse(JSON.stringify(v)));
    }), { numRuns: 300 });
    expect(stableStringify({ b: 1, a: undefined, c: [undefined, { z: 1, y: 2 }] })).toBe('{"b":1,"c":[null,{"y":2,"z":1}]}');
  });

  it('skips the given keys of the outermost object only', () => {
    expect(stableStringify({ etag: 1, a: { etag: 2 } }, new Set(['etag']))).toBe('{"a":{"etag":2}}');
  });
});

describe('recordHash', () => {
  const key = fc.oneof(fc.constantFrom(...VOLATILE_KEYS, 'id', 'profile', 'raw', 'enabled', '1', '10'), fc.string({ maxLength: 6 }));
  const record = fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 8 });
  const fields = fc.record({ enabled: fc.boolean(), ou: fc.option(fc.string()), name: fc.option(fc.string(), { nil: undefined }), description: fc.option(fc.string()) }, { requiredKeys: [] });
  const reordered = (o: Record<string, unknown>, by: number[]) => Object.fromEntries(Object.entries(o).map((e, i) => [by[i % by.length]! * 100 + i, e] as const).sort(([a], [b]) => a - b).map(([, e]) => e));
  const isVolatile = (k: string) => VOLATILE_KEYS.has(k);

  it('ignores the order of the top-level keys of the record and of the fields, and the volatile fields', () => {
    fc.assert(fc.property(fields, record, fc.array(fc.nat(9), { minLength: 1 }), fc.jsonValue({ maxDepth: 1 }), (f, raw, by, v) => {
      const h = recordHash(f, raw);
      expect(recordHash(reordered(f, by), reordered(raw, by))).toBe(h);
      const withoutVolatile = Object.fromEntries(Object.entries(raw).filter(([k]) => !isVolatile(k)));
      expect(recordHash(f, withoutVolatile)).toBe(h);
      expect(recordHash(f, { ...raw, lastLogin: v, etag: v })).toBe(h);
    }), { numRuns: 500 });
  });

  it('changes with any other top-level value of the record, and with the fields', () => {
    fc.assert(fc.property(fields, record, fc.string({ minLength: 1, maxLength: 6 }).filter((k) => !isVolatile(k)), fc.jsonValue({ maxDepth: 2 }), (f, raw, k, v) => {
      fc.pre(JSON.stringify(raw[k]) !== JSON.stringify(v) && v !== undefined);
      expect(recordHash(f, { ...raw, [k]: v })).not.toBe(recordHash(f, raw));
      expect(recordHash({ ...f, enabled: !f.enabled }, raw)).not.toBe(recordHash(f, raw));
    }), { numRuns: 500 });
    const withProto = JSON.parse('{"id":"1","__proto__":{"a":1}}') as Record<string, unknown>;
    expect(recordHash({}, withProto)).not.toBe(recordHash({}, JSON.parse('{"id":"1","__proto__":{"a":2}}') as Record<string, unknown>));
  });
});

describe('mirror hashes', () => {
  const okta = { id: '00u1', status: 'ACTIVE', profile: { login: 'a@x.test', firstName: 'Ann' }, lastLogin: '2026-01-01T00:00:00.000Z', lastUpdated: '2026-01-01T00:00:00.000Z', _links: { self: { href: 'https://x/1' } } };
  const hash = (raw: Record<string, unknown>, enabled = true) => toMirrorUser({ externalId: '00u1', enabled, raw }).hash;

  it('ignores key order and volatile fields, and keeps the record itself whole', () => {
    expect(hash(shuffled(okta))).toBe(hash(okta));
    expect(hash({ ...okta, lastLogin: '2026-02-02T00:00:00.000Z', lastUpdated: '2026-02-02T00:00:00.000Z', _links: {} })).toBe(hash(okta));
    expect(toMirrorUser({ externalId: '00u1', enabled: true, raw: okta }).raw).toBe(okta);
  });

  it('changes with the profile, the status or the org unit', () => {
    expect(hash({ ...okta, profile: { ...okta.profile, firstName: 'Anne' } })).not.toBe(hash(okta));
    expect(hash(okta, false)).not.toBe(hash(okta));
    expect(toMirrorUser({ externalId: '00u1', enabled: true, orgUnitPath: '/Sales', raw: okta }).hash).not.toBe(hash(okta));
  });

  it('hashes groups by name, description and record, not by their membership timestamp', () => {
    const g = { externalId: '00g1', name: 'Eng', description: null, raw: { id: '00g1', lastMembershipUpdated: '2026-01-01', profile: { name: 'Eng' } } };
    expect(toSnapshotGroup({ ...g, raw: { ...g.raw, lastMembershipUpdated: '2026-03-03' } }).hash).toBe(toSnapshotGroup(g).hash);
    expect(toSnapshotGroup({ ...g, name: 'Engineering' }).hash).not.toBe(toSnapshotGroup(g).hash);
  });
});
