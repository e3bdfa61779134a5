/** Ids: prefixed, unguessable, never repeated (they come from a pool of random bytes). */
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.js';

describe('newId', () => {
  it('names the kind of record and carries up to 22 url-safe random characters', () => {
    const id = newId('usr');
    expect(id).toMatch(/^usr_[A-Za-z0-9]{16,22}$/);
  });

  it('does not repeat across many pool refills, and its characters are spread', () => {
    const ids = Array.from({ length: 50_000 }, () => newId('grt'));
    expect(new Set(ids).size).toBe(ids.length);
    // each of the 62 characters turns up at the first random position (a stuck pool would not)
    expect(new Set(ids.map((id) => id[4])).size).toBe(62);
  });
});
