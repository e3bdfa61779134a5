/**
 * Staged user records end to end (src/sync/staged-users.ts), over the API on both databases: a whole
 * read stages exactly the records the mirror lacks; a failed first sync leaves no stage and no
 * mirror; a blocked run keeps its stage (its plan holds no records) through a dry run, a rejection
 * drops it, an approval copies it into the mirror, and a later real run drops it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { oktaAdapter, type StartedEmulator } from '../support/provider-adapters.js';
import { startTestService, type TestService } from '../support/test-service.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- API bodies, asserted field by field

for (const engine of ENGINES) {
  describe(`staged user records on ${engine}`, () => {
    let svc: TestService;
    let started: StartedEmulator;
    let dirId: string;

    beforeAll(async () => {
      svc = await startTestService(engine);
      // three pages of users (Okta's page is 200)
      started = await oktaAdapter.start({ users: 450, groups: 5 });
      dirId = (await svc.api.post('/api/v1/directories', { name: 'Okta', provider: 'okta', credentials: started.credentials })).body.id;
    }, 60_000);
    afterAll(async () => {
      await started?.emulator.close();
      await svc?.close();
    });

    const db = () => svc.ctx.store.db;
    const staged = () => db().selectFrom('staged_directory_users').select(['run_id', 'external_id', 'hash']).execute();
    const mirror = async () => new Map((await db().selectFrom('directory_users').select(['external_id', 'raw', 'hash']).where('directory_id', '=', dirId).execute())
      .map((r) => [r.external_id, { raw: JSON.parse(r.raw) as Json, hash: r.hash }]));
    const people = () => started.emulator.state.people;
    /** A full read under unchanged settings plans only what differs (focused-full-read.ts) and stages nothing: plan whole. */
    const wholeSync = async (body: { dryRun?: boolean } = {}) => {
      await db().updateTable('directories').set({ last_whole_plan_at: null }).where('id', '=', dirId).execute();
      return svc.api.sync(dirId, { full: true, ...body }, 60_000);
    };

    it('a first sync that fails after two pages were staged leaves no stage and no mirror', async () => {
      started.emulator.faults.add({ kind: 'status', status: 500, match: { path: oktaAdapter.usersPath, page: 3 }, times: -1 });
      const run = await svc.api.sync(dirId, {}, 60_000);
      started.emulator.faults.clear();
      expect(run.status).toBe('failed');
      expect(await staged()).toEqual([]);
      expect((await mirror()).size).toBe(0);
    });

    it('a first sync copies every staged record into the mirror, whole, and leaves no stage', async () => {
      const run = await svc.api.sync(dirId, {}, 60_000);
      expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
      expect(await staged()).toEqual([]);
      const m = await mirror();
      expect(m.size).toBe(people().length);
      for (const p of people()) {
        const id = started.emulator.idOfPerson(p.key);
        // the provider's record as sent, volatile fields included (the mapping may read them)
        expect(m.get(id)?.raw).toMatchObject({ id, profile: { login: expect.any(String) }, lastUpdated: expect.any(String) });
      }
    });

    it('a whole resync of an unchanged directory stages nothing and writes nothing', async () => {
      const before = await mirror();
      const run = await wholeSync();
      expect(run.status).toBe('succeeded');
      expect(run.counts.rowsWritten).toBe(0);
      expect(await mirror()).toEqual(before);
    });

    it('a blocked run keeps exactly the changed records staged through a dry run; rejecting drops them, approving copies them', async () => {
      // suspend a third of the active users: the deactivation safeguard blocks the run
      const suspended = people().filter((p) => p.state === 'active').slice(0, 150).map((p) => p.key);
      for (const k of suspended) started.emulator.state.setState(k, 'suspended');
      const changedIds = suspended.map((k) => started.emulator.idOfPerson(k)).sort();
      const before = await mirror();

      const blocked = await wholeSync();
      expect(blocked.status).toBe('blocked');
      const rows = await staged();
      expect(rows.map((r) => r.external_id).sort()).toEqual(changedIds);
      expect(new Set(rows.map((r) => r.run_id))).toEqual(new Set([blocked.id]));
      // the blocked plan names the mirror rows it writes but holds none of their records
      const kept = await db().selectFrom('sync_runs').select('blocked_plan').where('id', '=', blocked.id).executeTakeFirstOrThrow();
      const upserts = (JSON.parse(kept.blocked_plan!) as Json).plan.mirror.upserts as Json[];
      expect(upserts.map((u) => u.externalId).sort()).toEqual(changedIds);
      expect(upserts.every((u) => u.raw === null)).toBe(true);

      // a dry run applies nothing, stages nothing, and does not make the blocked plan stale
      const dry = await wholeSync({ dryRun: true });
      expect(dry.status).toBe('succeeded');
      expect((await staged()).length).toBe(changedIds.length);

      expect((await svc.api.post(`/api/v1/sync-runs/${blocked.id}/reject`)).status).toBe(200);
      expect(await staged()).toEqual([]);
      expect(await mirror()).toEqual(before);

      const again = await wholeSync();
      expect(again.status).toBe('blocked');
      const approved = await svc.api.post(`/api/v1/sync-runs/${again.id}/approve`);
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect(approved.body.status).toBe('succeeded');
      expect(await staged()).toEqual([]);
      const after = await mirror();
      for (const id of changedIds) {
        expect(after.get(id)?.raw.status).toBe('SUSPENDED');
        expect(after.get(id)?.hash).not.toBe(before.get(id)?.hash);
      }
      for (const [id, row] of before) if (!changedIds.includes(id)) expect(after.get(id)).toEqual(row);
    });

    it('a later real run drops the stage of a blocked run it made stale, even one that stages nothing itself', async () => {
      const more = people().filter((p) => p.state === 'active').slice(0, 150).map((p) => p.key);
      for (const k of more) started.emulator.state.setState(k, 'suspended');
      const blocked = await wholeSync();
      expect(blocked.status).toBe('blocked');
      expect((await staged()).length).toBe(more.length);
      // a scheduled full read under the same settings, the last whole plan recent: it plans only what
      // differs (sync/focused-full-read.ts) and stages nothing itself
      await db().updateTable('directories').set({ last_whole_plan_at: new Date().toISOString() }).where('id', '=', dirId).execute();
      const later = await svc.api.sync(dirId, { full: true }, 60_000);
      expect(['succeeded', 'blocked']).toContain(later.status);
      expect(await staged()).toEqual([]);
      expect((await svc.api.post(`/api/v1/sync-runs/${blocked.id}/approve`)).status).toBe(409);
    });
  });
}
