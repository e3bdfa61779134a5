/**
 * A blocked run keeps its plan as JSON until an admin approves it, possibly across an upgrade:
 * planGuard reads the grouped member list changes, and the one-record-per-membership form that
 * plans blocked before the grouping hold, as the same changes.
 */
import { describe, expect, it } from 'vitest';
import { planGuard } from '../../src/sync/plan-guard.js';
import { membershipChangeRows } from '../../src/sync/memberships.js';
import type { Plan } from '../../src/sync/plan.js';

const emptyPlan: Plan = { users: [], groups: [], memberships: [], grants: [], mirror: { upserts: [], deletes: [] }, errors: [], usersUnchanged: 0, groupsProcessed: 0 };

describe('planGuard', () => {
  it('reads grouped member list changes as they are', () => {
    const plan: Plan = { ...emptyPlan, memberships: [{ groupExternalId: 'g1', memberType: 'user', added: ['a', 'b'], removed: ['c'] }] };
    expect(planGuard.parse(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
  });

  it('reads a plan blocked before member changes were grouped as the same changes', () => {
    const legacy = [
      { kind: 'add', groupExternalId: 'g1', memberType: 'user', memberExternalId: 'a' },
      { kind: 'add', groupExternalId: 'g1', memberType: 'group', memberExternalId: 'g2' },
      { kind: 'remove', groupExternalId: 'g1', memberType: 'user', memberExternalId: 'c' },
      { kind: 'add', groupExternalId: 'g1', memberType: 'user', memberExternalId: 'b' },
    ];
    const parsed = planGuard.parse({ ...emptyPlan, memberships: legacy });
    expect(parsed.memberships).toEqual([
      { groupExternalId: 'g1', memberType: 'user', added: ['a', 'b'], removed: ['c'] },
      { groupExternalId: 'g1', memberType: 'group', added: ['g2'], removed: [] },
    ]);
    const key = (r: { kind: string; groupExternalId: string; memberType: string; memberExternalId: string }) => `${r.kind} ${r.groupExternalId} ${r.memberType} ${r.memberExternalId}`;
    expect([...membershipChangeRows(parsed.memberships)].map(key).sort()).toEqual(legacy.map(key).sort());
  });

  it('refuses a member change that is neither form', () => {
    expect(planGuard.safeParse({ ...emptyPlan, memberships: [{ groupExternalId: 'g1', memberType: 'user', added: 'a' }] }).success).toBe(false);
  });
});
