import { describe, expect, it } from 'vitest';
import { confirmRemovals } from '../../src/sync/confirm-removals.js';
import { RunFailure } from '../../src/sync/run-failure.js';
import type { Plan } from '../../src/sync/plan.js';
import { groupMembershipChanges } from '../../src/sync/memberships.js';
import type { DirectoryConnector, SourceMember } from '../../src/providers/types.js';

/** A directory as its records' own endpoints see it, counting what the check reads. */
function directory(o: { users?: string[]; groups?: string[]; members?: Record<string, string[]> }) {
  const reads = { users: [] as string[], groups: [] as string[], listings: [] as string[] };
  const connector: DirectoryConnector = {
    capabilities: { supportsDelta: false, supportsNestedGroups: false, supportsOrgUnits: false },
    stats: { requests: 0, retries: 0, throttled: 0 },
    testConnection: () => Promise.reject(new Error('unused')),
    listUsers: () => { throw new Error('unused'); },
    listGroups: () => { throw new Error('unused'); },
    async *listGroupMembers(id: string): AsyncIterable<SourceMember[]> {
      reads.listings.push(id);
      yield (o.members?.[id] ?? []).map((externalId) => ({ type: 'user' as const, externalId }));
    },
    async getUser(id) {
      reads.users.push(id);
      return o.users?.includes(id) ? { externalId: id, enabled: true, raw: {} } : null;
    },
    async getGroup(id) {
      reads.groups.push(id);
      return o.groups?.includes(id) ? { externalId: id, name: id, raw: {} } : null;
    },
  };
  return { connector, reads };
}

function plan(p: Partial<Plan>): Plan {
  return { users: [], groups: [], memberships: [], grants: [], mirror: { upserts: [], deletes: [] }, errors: [], usersUnchanged: 0, groupsProcessed: 0, ...p };
}

const removeMember = (groupExternalId: string, memberExternalId: string) => ({ kind: 'remove' as const, groupExternalId, memberType: 'user' as const, memberExternalId });

describe('confirming removals before a full run applies them', () => {
  it('lets removals through when the records are really gone', async () => {
    const { connector, reads } = directory({ members: { g1: ['u3'] } });
    const p = plan({
      users: [{ kind: 'deactivate', userId: 'a', externalId: 'u1', reason: 'removed_from_directory' }],
      mirror: { upserts: [], deletes: ['u1', 'u2'] },
      groups: [{ kind: 'delete', groupId: 'x', externalId: 'g9', name: 'Old' }],
      memberships: groupMembershipChanges([removeMember('g1', 'u1'), removeMember('g9', 'u3')]),
    });
    const result = await confirmRemovals(p, connector);
    expect(reads.users.sort()).toEqual(['u1', 'u2']);
    expect(reads.groups).toEqual(['g9']);
    // the deleted group is confirmed by its own read, not listed again
    expect(reads.listings).toEqual(['g1']);
    expect(result).toMatchObject({ usersChecked: 2, groupsChecked: 1, groupsRelisted: 1 });
  });

  it('fails the run when a "removed" user still exists (the listing ended early)', async () => {
    const { connector } = directory({ users: ['u2'] });
    const p = plan({ mirror: { upserts: [], deletes: ['u1', 'u2'] } });
    const err = await confirmRemovals(p, connector).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunFailure);
    expect((err as RunFailure).code).toBe('incomplete_read');
    expect((err as RunFailure).message).toContain('left out 1 user the directory still has (u2)');
  });

  it('fails the run when a "deleted" group still exists', async () => {
    const { connector } = directory({ groups: ['g2'] });
    const err = await confirmRemovals(plan({ groups: [{ kind: 'delete', groupId: 'x', externalId: 'g2', name: 'Sales' }] }), connector).catch((e: unknown) => e);
    expect((err as RunFailure).code).toBe('incomplete_read');
  });

  it('fails the run when a second listing of a group returns a member the first lacked', async () => {
    const { connector } = directory({ members: { g1: ['u1', 'u2'] } });
    const err = await confirmRemovals(plan({ memberships: groupMembershipChanges([removeMember('g1', 'u2')]) }), connector).catch((e: unknown) => e);
    expect((err as RunFailure).code).toBe('incomplete_read');
    expect((err as RunFailure).message).toContain('member listing of 1 group (g1)');
  });

  it('reads an even sample past the limit, and it still catches a lost contiguous page', async () => {
    const gone = Array.from({ length: 5000 }, (_, i) => `u${String(i).padStart(5, '0')}`);
    // a listing cut short loses a contiguous block of records: the last 300 here still exist
    const { connector, reads } = directory({ users: gone.slice(4700) });
    const err = await confirmRemovals(plan({ mirror: { upserts: [], deletes: gone } }), connector, { limit: 100 }).catch((e: unknown) => e);
    expect(reads.users).toHaveLength(100);
    expect((err as RunFailure).code).toBe('incomplete_read');
  });

  it('reads nothing for a plan that removes nothing', async () => {
    const { connector, reads } = directory({});
    await confirmRemovals(plan({ users: [{ kind: 'create', externalId: 'u1', active: true, values: { email: null, emailNormalized: null, givenName: null, familyName: null, displayName: null, attributes: {} } }] }), connector);
    expect(reads).toEqual({ users: [], groups: [], listings: [] });
  });
});
