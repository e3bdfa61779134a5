/** The shared fault list and deterministic ids. */
import { describe, expect, it } from 'vitest';
import { createFaultList, FAULT_KINDS } from '../../emulators/shared/faults.js';
import { deterministicGuid, scrambledIndex, unscrambleIndex } from '../../emulators/shared/ids.js';

describe('createFaultList', () => {
  it('matches on path substring, method and page; counts down times', () => {
    const faults = createFaultList();
    faults.add({ match: { path: '/members', page: 2 }, kind: 'drop', times: 2 });
    expect(faults.take({ method: 'GET', pathname: '/groups/1/members' })).toBeUndefined(); // page-scoped
    expect(faults.take({ method: 'GET', pathname: '/groups/1/members', page: 1 })).toBeUndefined();
    expect(faults.take({ method: 'GET', pathname: '/groups/1/members', page: 2 })?.kind).toBe('drop');
    expect(faults.take({ method: 'GET', pathname: '/groups/1/members', page: 2 })?.kind).toBe('drop');
    expect(faults.take({ method: 'GET', pathname: '/groups/1/members', page: 2 })).toBeUndefined();
    faults.add({ match: { method: 'post' }, kind: 'empty_200', times: -1 });
    for (let i = 0; i < 5; i++) expect(faults.take({ method: 'POST', pathname: '/x' })?.kind).toBe('empty_200');
    expect(faults.take({ method: 'GET', pathname: '/x' })).toBeUndefined();
    faults.clear();
    expect(faults.size).toBe(0);
  });

  it('takeKind leaves other kinds in place, validation rejects bad faults', () => {
    const faults = createFaultList();
    faults.add({ kind: 'premature_end' });
    expect(faults.takeKind({ method: 'GET', pathname: '/a' }, ['status'])).toBeUndefined();
    expect(faults.takeKind({ method: 'GET', pathname: '/a' }, ['premature_end'])?.kind).toBe('premature_end');
    expect(() => faults.add({ kind: 'status', status: 99 })).toThrow();
    expect(FAULT_KINDS).toHaveLength(13);
  });
});

describe('deterministic ids', () => {
  it('scrambles indexes bijectively and inverts them', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const s = scrambledIndex(3, i, 6);
      expect(unscrambleIndex(3, s)).toBe(i);
      seen.add(s);
    }
    expect(seen.size).toBe(20_000);
    expect(unscrambleIndex(3, '!!')).toBeUndefined();
  });

  it('builds stable GUIDs', () => {
    expect(deterministicGuid(1, 'user', 5)).toBe(deterministicGuid(1, 'user', 5));
    expect(deterministicGuid(1, 'user', 5)).not.toBe(deterministicGuid(1, 'user', 6));
    expect(deterministicGuid(1, 'user', 5)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
