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
  });
}
