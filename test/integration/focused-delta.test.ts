/**
 * Focused incremental runs (src/sync/focused-input.ts): a delta round plans only the users it
 * touched. Each step below checks the run's own counts, then that a forced full read finds nothing
 * left to do: the focused run reached exactly the state a whole-directory plan would have.
 * Covered: scope through a nested group of the user filter, a group mapping fed by nesting, a user
 * removed at the source, an email conflict that resolves on a later run, and a settings change
 * (which plans every user again, once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { entraAdapter, type StartedEmulator } from '../support/provider-adapters.js';
import { startTestService, type TestService } from '../support/test-service.js';
import type { EntraEmulatorHandle } from '../../emulators/entra/index.js';
import type { DirectoryState } from '../../emulators/shared/directory-state.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- API bodies, asserted field by field

for (const engine of ENGINES) {
  describe(`focused incremental runs on ${engine}`, () => {
    let svc: TestService;
    let started: StartedEmulator;
    let emu: EntraEmulatorHandle;
    let state: DirectoryState;
    let dirId: string;
    let orgId: string;
    /** People, all active with an email: the filter group holds 0–49, the nested group 50–59, the mapped group 0–4. */
    let p: string[];
    let filterKey: string;
    let nestedKey: string;
    let mappedKey: string;
    /** 30 people (20–49): big enough for the membership safeguard (≥ 20 members). */
    let bigKey: string;

    beforeAll(async () => {
      svc = await startTestService(engine);
      started = await entraAdapter.start({ users: 200, groups: 8 });
      emu = started.emulator as EntraEmulatorHandle;
      state = emu.state;
      p = state.people.filter((x) => x.state === 'active' && x.email).slice(0, 70).map((x) => x.key);
      filterKey = state.addGroup({ name: 'Synced staff', kind: 'team' }).key;
      nestedKey = state.addGroup({ name: 'Contractors', kind: 'team' }).key;
      mappedKey = state.addGroup({ name: 'Admins', kind: 'team' }).key;
      for (const k of p.slice(0, 50)) state.addMember(filterKey, k);
      for (const k of p.slice(50, 60)) state.addMember(nestedKey, k);
      for (const k of p.slice(0, 5)) state.addMember(mappedKey, k);
      bigKey = state.addGroup({ name: 'Everyone in sales', kind: 'team' }).key;
      for (const k of p.slice(20, 50)) state.addMember(bigKey, k);

      const d = await svc.api.post('/api/v1/directories', { name: 'Entra', provider: 'entra', credentials: started.credentials });
      dirId = d.body.id;
      const set = await svc.api.patch(`/api/v1/directories/${dirId}`, { settings: {
        userFilter: { groups: [emu.idOfGroup(filterKey)] },
        safeguards: { maxDeactivationPercent: 100, maxDeactivationCount: 100_000 },
      } });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      orgId = (await svc.api.post('/api/v1/organizations', { name: 'Ops' })).body.id;
      const mapping = await svc.api.post(`/api/v1/directories/${dirId}/group-mappings`, { sourceGroupId: emu.idOfGroup(mappedKey), organizationId: orgId, role: 'admin' });
      expect(mapping.status).toBe(201);

      const first = await svc.api.sync(dirId, {}, 120_000);
      expect(first.status, JSON.stringify(first.error)).toBe('succeeded');
      // the default role for each of the 50, and admin for the 5 of the mapped group
      expect(first.counts).toMatchObject({ usersCreated: 50, grantsAdded: 55 });
    }, 200_000);
    afterAll(async () => {
      await emu?.close();
      await svc?.close();
    });

    const userOf = async (key: string) => (await svc.api.all<Json>(`/api/v1/users?directoryId=${dirId}`)).find((u) => u.externalId === emu.idOfPerson(key));
    const infoLog = async (runId: string) => (await svc.api.all<Json>(`/api/v1/sync-runs/${runId}/log?kind=info`)).map((e) => e.message as string);
    const incremental = async () => {
      const run = await svc.api.sync(dirId);
      expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
      expect(run.mode).toBe('incremental');
      return run;
    };
    /** A whole read and plan: nothing may be left for it to change. */
    const expectInStep = async () => {
      // forget the last whole plan, or the full read would plan only what differs from the mirror
      await svc.ctx.store.db.updateTable('directories').set({ last_whole_plan_at: null }).where('id', '=', dirId).execute();
      const full = await svc.api.sync(dirId, { full: true });
      expect((await infoLog(full.id)).some((m) => /^Planned only/.test(m))).toBe(false);
      expect(full.status, JSON.stringify(full.error)).toBe('succeeded');
      expect(full.counts).toMatchObject({ rowsWritten: 0, usersCreated: 0, usersUpdated: 0, usersDeactivated: 0, grantsAdded: 0, grantsRevoked: 0, membershipsAdded: 0, membershipsRemoved: 0 });
    };

    it('nesting a group into the filter brings its members into scope; a mapping follows nesting', async () => {
      state.addChildGroup(filterKey, nestedKey);
      state.addMember(nestedKey, p[60]!);
      state.addChildGroup(mappedKey, nestedKey);
      state.removeMember(mappedKey, p[0]!);
      state.updatePerson(p[1]!, { familyName: 'Renamed' });
      const run = await incremental();
      // 11 new users in scope: the default role and admin (through the nested group) each; admin revoked for p0
      expect(run.counts).toMatchObject({ usersCreated: 11, usersUpdated: 1, usersDeactivated: 0, grantsAdded: 22, grantsRevoked: 1, errors: 0 });
      expect((await infoLog(run.id)).some((m) => /^Planned only the \d+ users/.test(m))).toBe(true);
      expect(await userOf(p[60]!)).toMatchObject({ status: 'active' });
      expect(await userOf(p[1]!)).toMatchObject({ familyName: 'Renamed' });
      await expectInStep();
    });

    it('un-nesting deactivates the group\'s members (outside the filter); a user removed at the source is deactivated', async () => {
      state.removeChildGroup(filterKey, nestedKey);
      state.deletePerson(p[2]!);
      const run = await incremental();
      expect(run.counts).toMatchObject({ usersCreated: 0, usersDeactivated: 12, errors: 0 });
      expect(await userOf(p[55]!)).toMatchObject({ status: 'deactivated' });
      expect(await userOf(p[2]!)).toMatchObject({ status: 'deactivated' });
      expect(await userOf(p[3]!)).toMatchObject({ status: 'active' });
      await expectInStep();
    });

    it('a user refused for an email another user holds is planned again on the next runs, and takes it once free', async () => {
      const taken = state.person(p[11]!)!.email!;
      state.updatePerson(p[10]!, { email: taken });
      const refused = await incremental();
      expect(refused.counts).toMatchObject({ usersUpdated: 0, errors: 1 });

      state.updatePerson(p[11]!, { email: 'moved.away@example.test' });
      const freed = await incremental();
      // p11 gives the address up in this run; p10 (an error of the last run) takes it in the next
      expect(freed.counts).toMatchObject({ usersUpdated: 1, errors: 1 });
      const taking = await incremental();
      expect(taking.counts).toMatchObject({ usersUpdated: 1, errors: 0 });
      expect((await userOf(p[10]!)).email.toLowerCase()).toBe(taken.toLowerCase());
      await expectInStep();
    });

    it('a group stripped of more than half its members blocks the run; approved, it applies exactly that plan', async () => {
      for (const k of p.slice(20, 36)) state.removeMember(bigKey, k);
      const run = await svc.api.sync(dirId);
      expect(run.status, JSON.stringify(run.error)).toBe('blocked');
      expect(run.error.code).toBe('membership_removal_threshold');
      expect(run.error.message).toContain('16 of 30 members');
      const blockedLog = await svc.api.all<Json>(`/api/v1/sync-runs/${run.id}/log`);
      const approved = await svc.api.post(`/api/v1/sync-runs/${run.id}/approve`);
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect(approved.body.counts).toMatchObject({ membershipsRemoved: 16 });
      // the approval's entries follow the blocked run's, numbered on without a gap
      const log = await svc.api.all<Json>(`/api/v1/sync-runs/${run.id}/log`);
      expect(log.map((e) => e.seq).sort((a, b) => Number(a) - Number(b))).toEqual(log.map((_, i) => i + 1));
      expect(log.find((e) => e.kind === 'approved')?.seq).toBe(blockedLog.length + 1);
      // the approved run moved the delta cursor: the next round is empty
      expect((await incremental()).counts.rowsWritten).toBe(0);
      await expectInStep();
    });

    it('a settings change plans every user again once; the run after is focused again', async () => {
      const set = await svc.api.patch(`/api/v1/directories/${dirId}`, { settings: { attributeMapping: { 'attributes.office': 'officeLocation' } } });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      const whole = await incremental();
      expect(await infoLog(whole.id)).toContain('The settings changed since the last run: every user was planned again.');
      expect(whole.counts.usersUnchanged + whole.counts.usersUpdated).toBeGreaterThanOrEqual(48);
      const quiet = await incremental();
      expect(quiet.counts).toMatchObject({ rowsWritten: 0, usersUpdated: 0 });
      expect((await infoLog(quiet.id)).some((m) => /^Planned only the 0 users/.test(m))).toBe(true);
      await expectInStep();
    });
  });
}
