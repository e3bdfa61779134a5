import { describe, expect, it } from 'vitest';
import {
  attributeMappingGuard,
  attributeMappingOverridesGuard,
  compileMapping,
  mergeWithDefaults,
  normalizeEmail,
  validateEmail,
} from '../../src/sync/mapping/index.js';

describe('mergeWithDefaults', () => {
  const defaults = { email: 'profile.email', givenName: 'profile.firstName', displayName: 'profile.displayName' };

  it('lets overrides win, adds new targets after the defaults, and removes targets set to "" or null', () => {
    const merged = mergeWithDefaults(defaults, {
      'attributes.costCenter': 'profile.costCenter',
      email: 'lower(profile.login)',
      givenName: '',
      displayName: null,
    });
    expect(merged).toEqual({ email: 'lower(profile.login)', 'attributes.costCenter': 'profile.costCenter' });
    expect(Object.keys(merged)).toEqual(['email', 'attributes.costCenter']);
  });

  it('treats a whitespace-only override as removal, and ignores an undefined override', () => {
    expect(mergeWithDefaults(defaults, { givenName: '   ', email: undefined })).toEqual({ email: 'profile.email', displayName: 'profile.displayName' });
  });

  it('removing a target that has no default is harmless', () => {
    expect(mergeWithDefaults(defaults, { familyName: null })).toEqual(defaults);
  });

  it('does not modify its inputs', () => {
    const overrides = { email: null };
    mergeWithDefaults(defaults, overrides);
    expect(defaults).toEqual({ email: 'profile.email', givenName: 'profile.firstName', displayName: 'profile.displayName' });
    expect(overrides).toEqual({ email: null });
  });

  it('keeps a "__proto__" key from JSON as a key, which compileMapping then rejects', () => {
    // JSON.parse makes "__proto__" an own key; a plain `result[key] = …` would set the prototype instead.
    const overrides: Record<string, string> = JSON.parse('{"__proto__": "profile.email"}');
    const merged = mergeWithDefaults({}, overrides);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(['__proto__']);
    const result = compileMapping(merged);
    expect(result.ok ? [] : result.errors.map((e) => e.target)).toEqual(['__proto__']);
  });
});

describe('mapping guards', () => {
  it('accept string expressions and reject other values', () => {
    expect(attributeMappingGuard.safeParse({ email: 'profile.email' }).success).toBe(true);
    expect(attributeMappingGuard.safeParse({ email: 42 }).success).toBe(false);
    expect(attributeMappingGuard.safeParse({ email: null }).success).toBe(false);
    expect(attributeMappingOverridesGuard.safeParse({ email: null, givenName: 'x' }).success).toBe(true);
    expect(attributeMappingOverridesGuard.safeParse({ email: ['x'] }).success).toBe(false);
  });
});

describe('normalizeEmail', () => {
  it.each([
    ['  Mara.Quill@Example.TEST ', 'mara.quill@example.test'],
    ['JOSE\u0301@EXAMPLE.TEST', 'jos\u00e9@example.test'],
    ['jos\u00e9@example.test', 'jos\u00e9@example.test'],
    ['\tÅSA@Ö.EXAMPLE\n', 'åsa@ö.example'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it('makes composed and decomposed spellings of the same address equal', () => {
    expect(normalizeEmail('Ze\u0301lie@example.test')).toBe(normalizeEmail('z\u00c9lie@EXAMPLE.test'));
  });
});

describe('validateEmail', () => {
  it.each(['a@b', 'mara.quill@example.test', 'first+tag@sub.example.co.uk', 'jos\u00e9@b\u00fccher.example', `${'a'.repeat(64)}@example.test`])(
    'accepts %s',
    (email) => {
      expect(validateEmail(email)).toBeNull();
    },
  );

  it.each([
    ['', 'email is empty'],
    ['mara.example.test', 'email has no "@"'],
    ['mara quill@example.test', 'email contains a space'],
    [' mara@example.test', 'email contains a space'],
    ['mara@example.test\u00a0', 'email contains a space'],
    ['mara\u0000@example.test', 'email contains a control character'],
    ['mara\u007f@example.test', 'email contains a control character'],
    ['a@b@example.test', 'email has more than one "@"'],
    ['@example.test', 'email has nothing before "@"'],
    ['mara@', 'email has no domain after "@"'],
    ['mara@.example', 'email domain is malformed'],
    ['mara@example..test', 'email domain is malformed'],
    [`${'a'.repeat(65)}@example.test`, 'the part of the email before "@" is longer than 64 characters'],
    [`a@${'b'.repeat(253)}`, 'email is longer than 254 characters'],
  ])('rejects %j: %s', (email, message) => {
    expect(validateEmail(email)).toBe(message);
  });

  it('accepts exactly 254 characters', () => {
    expect(validateEmail(`a@${'b'.repeat(251)}`)).toBeNull();
  });
});
