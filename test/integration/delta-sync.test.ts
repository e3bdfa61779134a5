/**
 * Incremental sync where the provider has deltas (Entra ID): after a full read, a run applies only
 * what changed, with far fewer requests; an expired delta token falls back to a full read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { entraAdapter, type StartedEmulator } from '../support/provider-adapters.js';
import { startTestService, type TestService } from '../support/test-service.js';
import type { EntraEmulatorHandle } from '../../emulators/entra/index.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- API bodies, asserted field by field

for (const engine of ENGINES) {
  describe(`entra delta sync on ${engine}`, () => {
    let svc: TestService;
    let started: StartedEmulator;
    let emu: EntraEmulatorHandle;
    let dirId: string;
    let fullRequests = 0;

    beforeAll(async () => {
      svc = await startTestService(engine);
      started = await entraAdapter.start({ users: 10_000, groups: 40 });
      emu = started.emulator as EntraEmulatorHandle;
      const d = await svc.api.post('/api/v1/directories', { name: 'Entra', provider: 'entra', credentials: started.credentials });
      dirId = d.body.id;
      const first = await svc.api.sync(dirId, {}, 300_000);
      expect(first.status, JSON.stringify(first.error)).toBe('succeeded');
      expect(first.mode).toBe('full');
      fullRequests = first.counts.requests;
    }, 400_000);
    afterAll(async () => {
      await emu?.close();
      await svc?.close();
    });

    const userOf = async (ext: string) => (await svc.api.all<Json>(`/api/v1/users?directoryId=${dirId}`)).find((u) => u.externalId === ext);

    it('applies exactly the changes since the last run, with at least 10× fewer requests than a full read', async () => {
      const state = emu.state;
      const active = state.people.filter((p) => p.state === 'active' && p.index > 100);
      const added = state.addPerson({ givenName: 'Delta', familyName: 'Added', email: 'delta.added@example.test', state: 'active' });
      state.updatePerson(active[0]!.key, { familyName: 'Deltachanged' });
      const groupsOfDeleted = state.groupsOfPerson(active[1]!.key).length; // their memberships go with them
      state.deletePerson(active[1]!.key);
      const team = state.groups.find((g) => g.kind !== 'department' && g.memberKeys.length > 3)!;
      const leaving = team.memberKeys.find((k) => k !== active[1]!.key)!;
      state.removeMember(team.key, leaving);
      state.addMember(team.key, added.key);

      const run = await svc.api.sync(dirId);
      expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
      expect(run.mode).toBe('incremental');
      expect(run.counts).toMatchObject({ usersCreated: 1, usersUpdated: 1, usersDeactivated: 1, membershipsAdded: 1, membershipsRemoved: 1 + groupsOfDeleted });
      expect(run.counts.requests * 10).toBeLessThanOrEqual(fullRequests);
      console.log(`entra 10k on ${engine}: full read ${fullRequests} requests, incremental ${run.counts.requests} requests`);
      expect(await userOf(emu.idOfPerson(added.key))).toMatchObject({ status: 'active', email: 'delta.added@example.test' });
      expect(await userOf(emu.idOfPerson(active[0]!.key))).toMatchObject({ familyName: 'Deltachanged' });
      expect(await userOf(emu.idOfPerson(active[1]!.key))).toMatchObject({ status: 'deactivated' });

      const quiet = await svc.api.sync(dirId);
      expect(quiet.mode).toBe('incremental');
      expect(quiet.counts.rowsWritten).toBe(0);
    });

    it('a group stripped of more than half its members blocks the incremental run (sizes read for the guard)', async () => {
      const state = emu.state;
      const big = state.groups.find((g) => g.memberKeys.length >= 40 && !state.parentsOfGroup(g.key).length)!;
      const leaving = big.memberKeys.slice(0, Math.floor(big.memberKeys.length * 0.6));
      for (const k of leaving) state.removeMember(big.key, k);
      const run = await svc.api.sync(dirId);
      expect(run.status, JSON.stringify(run.error)).toBe('blocked');
      expect(run.mode).toBe('incremental');
      expect(run.error.code).toBe('membership_removal_threshold');
      expect(run.error.message).toContain(`${leaving.length} of ${leaving.length + big.memberKeys.length} members`);
      const approved = await svc.api.post(`/api/v1/sync-runs/${run.id}/approve`);
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect(approved.body.counts).toMatchObject({ membershipsRemoved: leaving.length });
    });

    it('a deleted group is deleted with its member list (held for review: a whole group loses its members)', async () => {
      const state = emu.state;
      const gone = state.groups.find((g) => g.kind !== 'department' && g.memberKeys.length > 0 && !g.childGroupKeys.length && !state.parentsOfGroup(g.key).length)!;
      const members = gone.memberKeys.length;
      state.deleteGroup(gone.key);
      const run = await svc.api.sync(dirId);
      // every member of a big group goes: the membership guard holds the run for review
      expect(run.status, JSON.stringify(run.error)).toBe('blocked');
      expect(run.error.message).toContain(`${members} of ${members} members`);
      const approved = await svc.api.post(`/api/v1/sync-runs/${run.id}/approve`);
      expect(approved.body.counts).toMatchObject({ groupsDeleted: 1, membershipsRemoved: members, membershipsAdded: 0 });
      const full = await svc.api.sync(dirId, { full: true });
      expect(full.counts.rowsWritten).toBe(0);
    });

    it('an expired delta token falls back to a full read', async () => {
      emu.invalidateDeltaTokens();
      const run = await svc.api.sync(dirId);
      expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
      expect(run.mode).toBe('full');
      const log = await svc.api.all<Json>(`/api/v1/sync-runs/${run.id}/log?kind=info`);
      expect(log.some((e) => /delta token is no longer valid/.test(e.message))).toBe(true);
      const next = await svc.api.sync(dirId);
      expect(next.mode).toBe('incremental');
    });

    it('full: true forces a full read', async () => {
      const run = await svc.api.sync(dirId, { full: true });
      expect(run.mode).toBe('full');
      expect(run.counts.rowsWritten).toBe(0);
    });

    it('deleting the directory removes its whole mirror, memberships included, and keeps its users', async () => {
      const db = svc.ctx.store.db;
      const count = async (table: 'directory_users' | 'directory_groups' | 'directory_memberships') =>
        Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).where('directory_id', '=', dirId).executeTakeFirstOrThrow()).n);
      expect(await count('directory_memberships')).toBeGreaterThan(1000);
      const users = (await svc.api.all<Json>('/api/v1/users')).length;
      expect((await svc.api.del(`/api/v1/directories/${dirId}`)).status).toBe(204);
      expect({ users: await count('directory_users'), groups: await count('directory_groups'), memberships: await count('directory_memberships') }).toEqual({ users: 0, groups: 0, memberships: 0 });
      expect((await svc.api.all<Json>('/api/v1/users')).length).toBe(users);
    });
  });
}
