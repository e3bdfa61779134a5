/**
 * The scenario table every provider passes, on SQLite and on PostgreSQL, over real HTTP: the real
 * service against the provider's emulator. Adding a provider = adding an adapter to ADAPTERS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { ADAPTERS, type StartedEmulator } from '../support/provider-adapters.js';
import { startTestService, type TestService } from '../support/test-service.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- API bodies, asserted field by field

for (const engine of ENGINES) {
  for (const adapter of ADAPTERS) {
    describe(`${adapter.provider} on ${engine}`, () => {
      let svc: TestService;
      let emu: StartedEmulator;
      let directoryId: string;
      const userCount = adapter.pageSize * 2 + 60; // page 3 exists, for the fault scenario

      beforeAll(async () => {
        svc = await startTestService(engine);
        emu = await adapter.start({ users: userCount, groups: 16 });
        const d = await svc.api.post('/api/v1/directories', { name: `${adapter.provider} directory`, provider: adapter.provider, credentials: emu.credentials });
        expect(d.status, JSON.stringify(d.body)).toBe(201);
        directoryId = d.body.id;
      });
      afterAll(async () => {
        await emu?.emulator.close();
        await svc?.close();
      });

      const usersOf = () => svc.api.all<Json>(`/api/v1/users?directoryId=${directoryId}`);
      const userByExternal = async (ext: string) => (await usersOf()).find((u) => u.externalId === ext);
      const people = () => emu.emulator.state.people;

      it('first full sync imports every user and group, deactivating those disabled at the source', async () => {
        const run = await svc.api.sync(directoryId);
        expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
        const everyone = people();
        expect(run.counts.usersCreated + run.counts.errors).toBe(everyone.length);
        expect(run.counts.groupsProcessed).toBeGreaterThanOrEqual(16);
        const users = await usersOf();
        expect(users.length).toBe(run.counts.usersCreated);
        const active = users.filter((u) => u.status === 'active').length;
        expect(active).toBe(everyone.filter((p) => adapter.enabledStates.has(p.state)).length);
        const p0 = everyone[0]!;
        const u0 = users.find((u) => u.externalId === emu.emulator.idOfPerson(p0.key));
        expect(u0).toMatchObject({ email: p0.email, givenName: p0.givenName, familyName: p0.familyName, status: 'active' });
        const detail = await svc.api.get(`/api/v1/users/${u0.id}`);
        expect(detail.body.grants).toEqual([expect.objectContaining({ role: 'member', source: 'default-role', directoryId })]);
      });

      it('a second sync with nothing changed changes nothing and writes no rows', async () => {
        const run = await svc.api.sync(directoryId);
        expect(run.status).toBe('succeeded');
        const { usersCreated, usersUpdated, usersDeactivated, usersReactivated, membershipsAdded, membershipsRemoved, grantsAdded, grantsRevoked, rowsWritten } = run.counts;
        expect({ usersCreated, usersUpdated, usersDeactivated, usersReactivated, membershipsAdded, membershipsRemoved, grantsAdded, grantsRevoked, rowsWritten })
          .toEqual({ usersCreated: 0, usersUpdated: 0, usersDeactivated: 0, usersReactivated: 0, membershipsAdded: 0, membershipsRemoved: 0, grantsAdded: 0, grantsRevoked: 0, rowsWritten: 0 });
      });

      it('a user added, changed, disabled and deleted at the source is created, updated and deactivated', async () => {
        const state = emu.emulator.state;
        // people nobody reports to: changing them changes no one else's manager attribute
        const managers = new Set(people().map((p) => p.managerKey));
        const active = people().filter((p) => p.state === 'active' && !managers.has(p.key));
        const [changed, disabled, deleted] = [active[1]!, active[2]!, active[3]!];
        const added = state.addPerson({ givenName: 'Newt', familyName: 'Hire', email: `newt.hire@${'example.test'}`, state: 'active' });
        state.updatePerson(changed.key, { familyName: 'Renamed' });
        state.setState(disabled.key, 'suspended');
        state.deletePerson(deleted.key);
        const run = await svc.api.sync(directoryId);
        expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
        expect(run.counts).toMatchObject({ usersCreated: 1, usersUpdated: 1, usersDeactivated: 2 });
        expect(await userByExternal(emu.emulator.idOfPerson(added.key))).toMatchObject({ status: 'active', email: 'newt.hire@example.test' });
        expect(await userByExternal(emu.emulator.idOfPerson(changed.key))).toMatchObject({ familyName: 'Renamed', status: 'active' });
        expect(await userByExternal(emu.emulator.idOfPerson(disabled.key))).toMatchObject({ status: 'deactivated' });
        expect(await userByExternal(emu.emulator.idOfPerson(deleted.key))).toMatchObject({ status: 'deactivated' });
        const log = await svc.api.all<Json>(`/api/v1/sync-runs/${run.id}/log?kind=deactivated`);
        expect(log.map((e) => e.message).sort()).toEqual(['Deactivated: disabled in the directory', 'Deactivated: no longer in the directory']);

        // back at the source: reactivated
        state.setState(disabled.key, 'active');
        const back = await svc.api.sync(directoryId);
        expect(back.counts).toMatchObject({ usersReactivated: 1, usersDeactivated: 0 });
        expect(await userByExternal(emu.emulator.idOfPerson(disabled.key))).toMatchObject({ status: 'active' });
      });

      it('group mapping grants and revokes the role as membership changes; manual grants stay', async () => {
        const org = await svc.api.post('/api/v1/organizations', { name: `Eng ${adapter.provider}` });
        const groups = await svc.api.all<Json>(`/api/v1/directories/${directoryId}/source-groups`);
        const team = emu.emulator.state.groups.find((g) => g.kind !== 'department' && !g.childGroupKeys.length && g.memberKeys.length > 2) ?? emu.emulator.state.groups[1]!;
        const teamId = emu.emulator.idOfGroup(team.key);
        expect(groups.some((g) => g.id === teamId)).toBe(true);
        const mapping = await svc.api.post(`/api/v1/directories/${directoryId}/group-mappings`, { sourceGroupId: teamId, organizationId: org.body.id, role: 'admin' });
        expect(mapping.status).toBe(201);
        const memberKey = team.memberKeys.find((k) => emu.emulator.state.person(k)?.state === 'active')!;
        const member = (await userByExternal(emu.emulator.idOfPerson(memberKey)))!;
        const manual = await svc.api.post(`/api/v1/users/${member.id}/grants`, { organizationId: org.body.id, role: 'owner' });
        expect(manual.status).toBe(201);

        const run = await svc.api.sync(directoryId);
        expect(run.counts.grantsAdded).toBeGreaterThan(0);
        const grantsOf = async (id: string) => (await svc.api.get(`/api/v1/users/${id}`)).body.grants as Json[];
        expect(await grantsOf(member.id)).toEqual(expect.arrayContaining([
          expect.objectContaining({ organizationId: org.body.id, role: 'admin', source: 'group-mapping', mappingId: mapping.body.id }),
          expect.objectContaining({ organizationId: org.body.id, role: 'owner', source: 'manual' }),
        ]));

        emu.emulator.state.removeMember(team.key, memberKey);
        const after = await svc.api.sync(directoryId);
        expect(after.counts.grantsRevoked).toBe(1);
        const remaining = await grantsOf(member.id);
        expect(remaining.filter((g) => g.organizationId === org.body.id).map((g) => `${g.role}/${g.source}`)).toEqual(['owner/manual']);
      });

      it('a user outside the user filter is deactivated, and reactivated when back (deactivate behaviour)', async () => {
        const dept = emu.emulator.state.groups.find((g) => g.kind === 'department')!;
        const deptId = emu.emulator.idOfGroup(dept.key);
        const set = await svc.api.patch(`/api/v1/directories/${directoryId}`, { settings: { userFilter: { groups: [deptId] }, safeguards: { maxDeactivationPercent: 100, maxDeactivationCount: 100000 } } });
        expect(set.status, JSON.stringify(set.body)).toBe(200);
        const run = await svc.api.sync(directoryId);
        expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
        expect(run.counts.usersDeactivated).toBeGreaterThan(0);
        const outsider = people().find((p) => p.state === 'active' && !dept.memberKeys.includes(p.key) && !emu.emulator.state.groupsOfPerson(p.key).some((g) => g.key === dept.key))!;
        expect(await userByExternal(emu.emulator.idOfPerson(outsider.key))).toMatchObject({ status: 'deactivated' });
        const log = await svc.api.all<Json>(`/api/v1/sync-runs/${run.id}/log?kind=deactivated`);
        expect(log.some((e) => e.message === 'Deactivated: outside the user filter')).toBe(true);

        emu.emulator.state.addMember(dept.key, outsider.key);
        const back = await svc.api.sync(directoryId);
        expect(back.counts.usersReactivated).toBe(1);
        expect(await userByExternal(emu.emulator.idOfPerson(outsider.key))).toMatchObject({ status: 'active' });
        await svc.api.patch(`/api/v1/directories/${directoryId}`, { settings: { userFilter: { groups: [] } } });
        const all = await svc.api.sync(directoryId);
        expect(all.status).toBe('succeeded');
      });

      it('with deactivation behaviour "ignore", a user removed from the directory stays active', async () => {
        await svc.api.patch(`/api/v1/directories/${directoryId}`, { settings: { deactivationBehavior: 'ignore' } });
        const victim = people().find((p) => p.state === 'active' && p.index > 10)!;
        const ext = emu.emulator.idOfPerson(victim.key);
        emu.emulator.state.deletePerson(victim.key);
        const run = await svc.api.sync(directoryId);
        expect(run.counts.usersDeactivated).toBe(0);
        expect(await userByExternal(ext)).toMatchObject({ status: 'active' });
        await svc.api.patch(`/api/v1/directories/${directoryId}`, { settings: { deactivationBehavior: 'deactivate' } });
      });

      it('a 500 on page 3 of users fails the run and deactivates nobody', async () => {
        const before = (await usersOf()).filter((u) => u.status === 'active').length;
        emu.emulator.faults.add({ kind: 'status', status: 500, match: { path: adapter.usersPath, page: 3 }, times: -1 });
        const run = await svc.api.sync(directoryId, { full: true }); // a full read: delta runs do not list users
        emu.emulator.faults.clear();
        expect(run.status).toBe('failed');
        expect(run.error.message).toBeTruthy();
        expect((await usersOf()).filter((u) => u.status === 'active').length).toBe(before);
        const errors = await svc.api.all<Json>(`/api/v1/sync-runs/${run.id}/log?kind=error`);
        expect(errors.length).toBeGreaterThan(0);
      });

      it('a 429 asking to wait a second is waited out and the run succeeds', async () => {
        emu.emulator.faults.add(adapter.throttle);
        const run = await svc.api.sync(directoryId);
        expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
        expect(emu.emulator.faults.list()).toHaveLength(0);
      });

      it('bad credentials give a clear message from Test connection and fail a sync', async () => {
        const bad = await svc.api.post('/api/v1/directories', { name: 'bad creds', provider: adapter.provider, credentials: emu.badCredentials });
        expect(bad.status).toBe(201);
        const test = await svc.api.post(`/api/v1/directories/${bad.body.id}/test`);
        expect(test.status).toBe(200);
        expect(test.body.ok).toBe(false);
        expect(test.body.message.length).toBeGreaterThan(20);
        const run = await svc.api.sync(bad.body.id);
        expect(run.status).toBe('failed');
        expect(['auth_failed', 'permission_denied']).toContain(run.error.code);
        const good = await svc.api.post(`/api/v1/directories/${directoryId}/test`);
        expect(good.body.ok).toBe(true);
      });
    });
  }
}
