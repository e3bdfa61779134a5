/**
 * When a full read may be planned in focus: never while the attribute mapping reads a field the
 * content hash leaves out (such a value changes without the hash). Every provider's default mapping
 * must stay clear of them, or its directories would never be planned in focus.
 */
import { describe, expect, it } from 'vitest';
import { compileMapping } from '../../src/sync/mapping/index.js';
import { readsVolatileFields } from '../../src/sync/focused-full-read.js';
import { findProvider } from '../../src/providers/registry.js';

const compiled = (mapping: Record<string, string>) => {
  const c = compileMapping(mapping);
  if (!c.ok) throw new Error(c.errors.map((e) => e.message).join('; '));
  return c.mapping;
};

describe('readsVolatileFields', () => {
  it.each(['okta', 'entra', 'google'])('is false for the %s default mapping', (name) => {
    expect(readsVolatileFields(compiled(findProvider(name)!.defaultAttributeMapping))).toBe(false);
  });

  it.each([
    ['a login time', { 'attributes.lastSeen': 'lastLogin' }],
    ['a nested sign-in time', { 'attributes.lastSignIn': 'signInActivity.lastSignInDateTime' }],
    ['an etag inside a template', { displayName: '{givenName} {etag}' }],
    ['a volatile field inside a function', { 'attributes.changed': 'default(lastUpdated, "never")' }],
  ])('is true for %s', (_, mapping) => {
    expect(readsVolatileFields(compiled({ email: 'profile.email', ...mapping }))).toBe(true);
  });

  it('is false for fields the hash covers', () => {
    expect(readsVolatileFields(compiled({ email: 'profile.email', 'attributes.office': 'profile.city', displayName: '{profile.firstName} {profile.lastName}' }))).toBe(false);
  });
});
