/**
 * The user filter: groups (nested members included, cycles tolerated) and organizational units
 * (with sub-units); a user matching either is in scope; no filter means everyone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGroupGraph, createScope, isFiltered } from '../../src/sync/scope.js';
import { membershipsFromRows } from '../../src/sync/memberships.js';
import type { MembershipRow } from '../../src/sync/plan.js';

const user = (group: string, id: string): MembershipRow => ({ groupExternalId: group, memberType: 'user', memberExternalId: id });
const nested = (group: string, child: string): MembershipRow => ({ groupExternalId: group, memberType: 'group', memberExternalId: child });
const sorted = (s: ReadonlySet<string>) => [...s].sort();
/** The graph of membership rows, grouped the way the read and the store hand them over. */
const graphOf = (rows: MembershipRow[]) => createGroupGraph(membershipsFromRows(rows));

describe('createGroupGraph', () => {
  it('expands nested groups to their user members, at any depth', () => {
    const graph = graphOf([user('all', 'a'), nested('all', 'eng'), user('eng', 'b'), nested('eng', 'eng-emea'), user('eng-emea', 'c'), user('other', 'd')]);
    expect(sorted(graph.usersOf('all'))).toEqual(['a', 'b', 'c']);
    expect(sorted(graph.usersOf('eng'))).toEqual(['b', 'c']);
    expect(sorted(graph.usersOf('eng-emea'))).toEqual(['c']);
  });

  it('tolerates cycles, including a group that contains itself', () => {
    const graph = graphOf([nested('a', 'b'), nested('b', 'c'), nested('c', 'a'), user('a', 'u1'), user('c', 'u3'), nested('self', 'self'), user('self', 'u9')]);
    for (const g of ['a', 'b', 'c']) expect(sorted(graph.usersOf(g))).toEqual(['u1', 'u3']);
    expect(sorted(graph.usersOf('self'))).toEqual(['u9']);
  });

  it('does not confuse a user and a group that share an id', () => {
    const graph = graphOf([user('g1', 'x'), nested('g2', 'x'), user('x', 'y')]);
    expect(sorted(graph.usersOf('g1'))).toEqual(['x']);
    expect(sorted(graph.usersOf('g2'))).toEqual(['y']);
  });

  it('gives an empty set for an unknown or empty group', () => {
    const graph = graphOf([nested('parent', 'empty')]);
    expect(graph.usersOf('nope').size).toBe(0);
    expect(graph.usersOf('parent').size).toBe(0);
  });

  it('counts a user reached by several paths once', () => {
    const graph = graphOf([nested('top', 'l'), nested('top', 'r'), user('l', 'u'), user('r', 'u'), user('top', 'u')]);
    expect(sorted(graph.usersOf('top'))).toEqual(['u']);
  });

  it('agrees with a naive transitive closure on random graphs with cycles', () => {
    const groups = ['g0', 'g1', 'g2', 'g3', 'g4', 'g5'];
    const row = fc.oneof(
      fc.record({ groupExternalId: fc.constantFrom(...groups), memberType: fc.constant('user' as const), memberExternalId: fc.constantFrom('u0', 'u1', 'u2', 'u3', 'u4') }),
      fc.record({ groupExternalId: fc.constantFrom(...groups), memberType: fc.constant('group' as const), memberExternalId: fc.constantFrom(...groups) }),
    );
    fc.assert(fc.property(fc.array(row, { maxLength: 25 }), (rows) => {
      const graph = graphOf(rows);
      for (const root of groups) {
        // reachable groups by fixed point, then their direct users
        const reach = new Set([root]);
        for (let grew = true; grew;) {
          grew = false;
          for (const r of rows) if (r.memberType === 'group' && reach.has(r.groupExternalId) && !reach.has(r.memberExternalId)) { reach.add(r.memberExternalId); grew = true; }
        }
        const expected = new Set(rows.filter((r) => r.memberType === 'user' && reach.has(r.groupExternalId)).map((r) => r.memberExternalId));
        expect(sorted(graph.usersOf(root))).toEqual(sorted(expected));
      }
    }), { numRuns: 200 });
  });
});

describe('createScope', () => {
  const graph = graphOf([user('sales', 'in-sales'), nested('sales', 'sales-emea'), user('sales-emea', 'in-emea'), user('eng', 'in-eng')]);
  const u = (externalId: string, orgUnitPath: string | null = null) => ({ externalId, orgUnitPath });

  it('has everyone in scope when there is no filter', () => {
    expect(isFiltered({ groups: [], orgUnits: [] })).toBe(false);
    const inScope = createScope({ groups: [], orgUnits: [] }, graph);
    for (const x of [u('anyone'), u('in-eng', '/Eng'), u('nobody', null)]) expect(inScope(x)).toBe(true);
  });

  it('keeps members of the chosen groups, nested members included', () => {
    const inScope = createScope({ groups: ['sales'], orgUnits: [] }, graph);
    expect(inScope(u('in-sales'))).toBe(true);
    expect(inScope(u('in-emea'))).toBe(true);
    expect(inScope(u('in-eng'))).toBe(false);
    expect(inScope(u('stranger', '/Sales'))).toBe(false);
  });

  it('matches an org unit and its sub-units, not a unit whose name merely starts the same', () => {
    const inScope = createScope({ groups: [], orgUnits: ['/Sales'] }, graph);
    expect(inScope(u('a', '/Sales'))).toBe(true);
    expect(inScope(u('b', '/Sales/EMEA'))).toBe(true);
    expect(inScope(u('c', '/Sales/EMEA/Paris'))).toBe(true);
    expect(inScope(u('d', '/SalesOps'))).toBe(false);
    expect(inScope(u('e', '/'))).toBe(false);
    expect(inScope(u('f', '/Eng/Sales'))).toBe(false);
    expect(inScope(u('g', null))).toBe(false);
  });

  it('ignores a trailing slash on the chosen unit', () => {
    const inScope = createScope({ groups: [], orgUnits: ['/Sales/'] }, graph);
    expect(inScope(u('a', '/Sales'))).toBe(true);
    expect(inScope(u('b', '/Sales/EMEA'))).toBe(true);
    expect(inScope(u('c', '/SalesOps'))).toBe(false);
  });

  it('treats the root unit "/" as every user that has a unit', () => {
    const inScope = createScope({ groups: [], orgUnits: ['/'] }, graph);
    expect(inScope(u('a', '/'))).toBe(true);
    expect(inScope(u('b', '/Sales/EMEA'))).toBe(true);
    expect(inScope(u('c', null))).toBe(false);
  });

  it('takes the union of group and org unit filters', () => {
    const inScope = createScope({ groups: ['eng'], orgUnits: ['/Sales', '/Support'] }, graph);
    expect(inScope(u('in-eng', null))).toBe(true);
    expect(inScope(u('x', '/Sales/EMEA'))).toBe(true);
    expect(inScope(u('y', '/Support'))).toBe(true);
    expect(inScope(u('in-sales', '/Marketing'))).toBe(false);
    expect(inScope(u('z', '/Marketing'))).toBe(false);
  });

  it('keeps nobody for a group filter naming a group that was not read', () => {
    const inScope = createScope({ groups: ['deleted-group'], orgUnits: [] }, graph);
    expect(isFiltered({ groups: ['deleted-group'], orgUnits: [] })).toBe(true);
    expect(inScope(u('in-sales', '/Sales'))).toBe(false);
  });
});
