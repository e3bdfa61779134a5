/**
 * Focused full reads (src/sync/focused-full-read.ts): under unchanged settings, a full read plans
 * only what differs from the mirror, while a whole plan is recent. Okta has no delta API, so every
 * run here is a full read. Each step checks the run's own counts, then that a whole plan (the last
 * one forgotten) finds nothing left to do; and that the whole directory is planned again after a
 * settings change, when the last whole plan is older than `fullSyncEveryHours`, and whenever the
 * mapping reads a field the content hash leaves out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { oktaAdapter, type StartedEmulator } from '../support/provider-adapters.js';
import { startTestService, type TestService } from '../support/test-service.js';
import type { DirectoryState } from '../../emulators/shared/directory-state.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- API bodies, asserted field by field

const FOCUSED = /^Planned only the (\d+) users and (\d+) member lists that differ from the last read/;

for (const engine of ENGINES) {
  describe(`focused full reads on ${engine}`, () => {
    let svc: TestService;
    let started: StartedEmulator;
    let state: DirectoryState;
    let dirId: string;
    let orgId: string;
    /** Active people with an email: the mapped group holds 0–4. */
    let p: string[];
    let mappedKey: string;
    let usersInScope: number;
    let groupsRead: number;

    beforeAll(async () => {
      svc = await startTestService(engine);
      started = await oktaAdapter.start({ users: 120, groups: 6 });
      state = started.emulator.state;
      // nobody reports to these people: a change to one changes no other record (records name the manager)
      const managers = new Set(state.people.map((x) => x.managerKey));
      p = state.people.filter((x) => x.state === 'active' && x.email && !managers.has(x.key)).slice(0, 20).map((x) => x.key);
      mappedKey = state.addGroup({ name: 'Admins', kind: 'team' }).key;
      for (const k of p.slice(0, 5)) state.addMember(mappedKey, k);

      const d = await svc.api.post('/api/v1/directories', { name: 'Okta', provider: 'okta', credentials: started.credentials });
      dirId = d.body.id;
      const set = await svc.api.patch(`/api/v1/directories/${dirId}`, { settings: { safeguards: { maxDeactivationPercent: 100, maxDeactivationCount: 100_000 } } });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      orgId = (await svc.api.post('/api/v1/organizations', { name: 'Ops' })).body.id;
      const mapping = await svc.api.post(`/api/v1/directories/${dirId}/group-mappings`, { sourceGroupId: started.emulator.idOfGroup(mappedKey), organizationId: orgId, role: 'admin' });
      expect(mapping.status).toBe(201);

      const first = await svc.api.sync(dirId, {}, 120_000);
      expect(first.status, JSON.stringify(first.error)).toBe('succeeded');
      expect(await focusedNote(first.id)).toBeUndefined();
      usersInScope = first.counts.usersCreated;
      groupsRead = first.counts.groupsProcessed;
      expect(usersInScope).toBeGreaterThan(100);
    }, 200_000);
    afterAll(async () => {
      await started?.emulator.close();
      await svc?.close();
    });

    const db = () => svc.ctx.store.db;
    const infoLog = async (runId: string) => (await svc.api.all<Json>(`/api/v1/sync-runs/${runId}/log?kind=info`)).map((e) => e.message as string);
    const focusedNote = async (runId: string) => (await infoLog(runId)).find((m) => FOCUSED.test(m));
    const userOf = async (key: string) => (await svc.api.all<Json>(`/api/v1/users?directoryId=${dirId}`)).find((u) => u.externalId === started.emulator.idOfPerson(key));
    const sync = async () => {
      const run = await svc.api.sync(dirId, {}, 120_000);
      expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
      expect(run.mode).toBe('full');
      return run;
    };
    /** A whole read and plan (the last whole plan forgotten): nothing may be left for it to change. */
    const expectInStep = async () => {
      await db().updateTable('directories').set({ last_whole_plan_at: null }).where('id', '=', dirId).execute();
      const whole = await sync();
      expect(await focusedNote(whole.id)).toBeUndefined();
      expect(whole.counts).toMatchObject({ rowsWritten: 0, usersCreated: 0, usersUpdated: 0, usersDeactivated: 0, grantsAdded: 0, grantsRevoked: 0, membershipsAdded: 0, membershipsRemoved: 0 });
    };

    it('a no-change resync plans nothing, writes nothing, and still counts every user and group it read', async () => {
      const run = await sync();
      expect(await focusedNote(run.id)).toMatch(/^Planned only the 0 users and 0 member lists/);
      expect(run.counts).toMatchObject({ rowsWritten: 0, usersCreated: 0, usersUpdated: 0, usersUnchanged: usersInScope, groupsProcessed: groupsRead });
    });

    it('changes at the source are planned and applied: an edit, a removal, a new user, and a group mapping\'s members', async () => {
      state.updatePerson(p[6]!, { familyName: 'Renamed' });
      state.deletePerson(p[7]!);
      const added = state.addPerson({ givenName: 'Nia', familyName: 'New', email: 'nia.new@example.test' });
      state.removeMember(mappedKey, p[0]!);
      state.addMember(mappedKey, p[8]!);
      const run = await sync();
      // focus: p6, p7 (gone), the new user, and p0 and p8 (the mapped group's members changed)
      const [, users, lists] = FOCUSED.exec((await focusedNote(run.id)) ?? '') ?? [];
      expect(Number(users)).toBe(5);
      expect(Number(lists)).toBeGreaterThanOrEqual(1);
      // revoked: p0's admin role, and the default role of p7 (deactivated)
      expect(run.counts).toMatchObject({ usersCreated: 1, usersUpdated: 1, usersDeactivated: 1, grantsRevoked: 2, errors: 0, usersUnchanged: usersInScope - 2, groupsProcessed: groupsRead });
      expect(await userOf(p[6]!)).toMatchObject({ familyName: 'Renamed' });
      expect(await userOf(p[7]!)).toMatchObject({ status: 'deactivated' });
      expect(await userOf(added.key)).toMatchObject({ status: 'active', email: 'nia.new@example.test' });
      const grantsOf = async (key: string) => (await svc.api.get(`/api/v1/users/${(await userOf(key)).id}`)).body.grants as Json[];
      expect((await grantsOf(p[8]!)).some((g) => g.organizationId === orgId && g.role === 'admin')).toBe(true);
      expect((await grantsOf(p[0]!)).some((g) => g.organizationId === orgId && g.role === 'admin')).toBe(false);
      await expectInStep();
    });

    it('a group renamed or removed at the source is updated or deleted', async () => {
      const other = state.addGroup({ name: 'Temporary', kind: 'team' }).key;
      state.addMember(other, p[9]!);
      const created = await sync();
      expect(created.counts).toMatchObject({ groupsCreated: 1, membershipsAdded: 1 });
      state.updateGroup(other, { name: 'Renamed team' });
      const renamed = await sync();
      expect(renamed.counts).toMatchObject({ groupsUpdated: 1, rowsWritten: 1 });
      state.deleteGroup(other);
      const deleted = await sync();
      expect(deleted.counts).toMatchObject({ groupsDeleted: 1, membershipsRemoved: 1 });
      await expectInStep();
    });

    it('plans the whole directory when the last whole plan is older than fullSyncEveryHours, then focuses again', async () => {
      const old = new Date(Date.now() - 25 * 3_600_000).toISOString();
      await db().updateTable('directories').set({ last_whole_plan_at: old }).where('id', '=', dirId).execute();
      const whole = await sync();
      expect(await focusedNote(whole.id)).toBeUndefined();
      const stored = await db().selectFrom('directories').select('last_whole_plan_at').where('id', '=', dirId).executeTakeFirstOrThrow();
      expect(Date.parse(stored.last_whole_plan_at!)).toBeGreaterThan(Date.parse(old));
      expect(await focusedNote((await sync()).id)).toBeDefined();
    });

    it('plans the whole directory after a settings change, and whenever the mapping reads a volatile field', async () => {
      const office = await svc.api.patch(`/api/v1/directories/${dirId}`, { settings: { attributeMapping: { 'attributes.office': 'profile.city' } } });
      expect(office.status, JSON.stringify(office.body)).toBe(200);
      expect(await focusedNote((await sync()).id)).toBeUndefined();
      expect(await focusedNote((await sync()).id)).toBeDefined();

      // a login time is left out of the content hash: only a whole plan sees it change
      const login = await svc.api.patch(`/api/v1/directories/${dirId}`, { settings: { attributeMapping: { 'attributes.lastSeen': 'lastLogin' } } });
      expect(login.status, JSON.stringify(login.body)).toBe(200);
      expect(await focusedNote((await sync()).id)).toBeUndefined();
      expect(await focusedNote((await sync()).id)).toBeUndefined();
    });
  });
}
