/**
 * The scheduler inside the real service, on SQLite and PostgreSQL, driven by a fake clock: the
 * schedule is off until enabled; a due window queues exactly one run (trigger `schedule`); a
 * window missed for hours runs once; two schedulers on one database queue each window once; a
 * failing directory backs off and turns unhealthy, one success clears it; Sync Now during a
 * scheduled run answers with that run.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { oktaAdapter, type StartedEmulator } from '../support/provider-adapters.js';
import { createAppContext } from '../../src/app/app-context.js';
import { createFakeClock } from './support/fake-clock.js';
import { startScheduledService, type ScheduledService } from './support/scheduled-service.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- API bodies, asserted field by field
const MIN = 60_000;

for (const engine of ENGINES) {
  describe(`scheduler on ${engine}`, () => {
    const clock = createFakeClock(new Date());
    let svc: ScheduledService;
    let emu: StartedEmulator;

    beforeAll(async () => {
      svc = await startScheduledService(engine, clock, { backoffBaseMs: MIN });
      emu = await oktaAdapter.start({ users: 20, groups: 3 });
    });
    afterAll(async () => {
      await emu?.emulator.close();
      await svc?.close();
    });

    async function createDirectory(name: string) {
      const d = await svc.api.post('/api/v1/directories', { name, provider: 'okta', credentials: emu.credentials });
      expect(d.status, JSON.stringify(d.body)).toBe(201);
      return d.body.id as string;
    }
    /** The run's end, and the scheduler's bookkeeping after it (done by the worker right after). */
    async function settled(runId: string): Promise<Json> {
      const run = await svc.api.waitForRun(runId);
      await expect.poll(() => svc.ctx.worker!.activeRunId(), { timeout: 10_000, interval: 10 }).not.toBe(runId);
      return run;
    }
    const directory = async (id: string): Promise<Json> => (await svc.api.get(`/api/v1/directories/${id}`)).body;
    const runsOf = (id: string) => svc.api.all<Json>(`/api/v1/directories/${id}/runs`);
    const enable = async (id: string, frequency: string) => {
      const r = await svc.api.patch(`/api/v1/directories/${id}`, { settings: { schedule: { enabled: true, frequency } } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body as Json;
    };

    it('stays off until an admin enables it, then queues one run per window with trigger "schedule"', async () => {
      const id = await createDirectory('scheduled');
      expect((await directory(id)).nextSyncAt).toBeNull();
      clock.advance(2 * 24 * 60 * MIN);
      expect(await svc.scheduler.tick()).toEqual([]);
      expect(await runsOf(id)).toEqual([]);

      clock.set(new Date());
      const enabled = await enable(id, '15m');
      const due = enabled.nextSyncAt as string;
      expect(Date.parse(due)).toBeGreaterThan(clock.now().getTime());
      expect(Date.parse(due)).toBeLessThanOrEqual(clock.now().getTime() + 16.5 * MIN);

      clock.set(new Date(Date.parse(due) - 1));
      expect(await svc.scheduler.tick()).toEqual([]);
      clock.set(due);
      const [window, ...more] = await svc.scheduler.tick();
      expect(more).toEqual([]);
      expect(window).toMatchObject({ directoryId: id, dueAt: due });
      expect(window!.runId).toBeTruthy();
      expect(await svc.scheduler.tick()).toEqual([]); // same window: nothing more
      const run = await settled(window!.runId!);
      expect(run).toMatchObject({ status: 'succeeded', trigger: 'schedule' });
      expect(run.counts.usersCreated + run.counts.errors).toBe(20);
      const after = await directory(id);
      expect(Date.parse(after.nextSyncAt) - Date.parse(due)).toBe(15 * MIN);
      expect(after.health).toBe('healthy');
    });

    it('a window missed for hours runs once, never a burst', async () => {
      const id = await createDirectory('missed windows');
      clock.set(new Date());
      await enable(id, '15m');
      clock.advance(5 * 60 * MIN); // twenty windows while "the service was down"
      const claimed = (await svc.scheduler.tick()).filter((w) => w.directoryId === id);
      expect(claimed).toHaveLength(1);
      expect(await svc.scheduler.tick()).toEqual([]);
      await settled(claimed[0]!.runId!);
      expect(await runsOf(id)).toHaveLength(1);
      const next = Date.parse((await directory(id)).nextSyncAt);
      expect(next).toBeGreaterThan(clock.now().getTime());
      expect(next).toBeLessThanOrEqual(clock.now().getTime() + 15 * MIN);
    });

    it('a failing directory backs off (doubling, capped at its interval), turns unhealthy, and one success clears it', async () => {
      const id = await createDirectory('failing');
      clock.set(new Date());
      const { nextSyncAt } = await enable(id, '15m');
      const fault = emu.emulator.faults.add({ kind: 'status', status: 500, times: -1, match: { path: '/api/v1/users' } });
      onTestFinished(() => { emu.emulator.faults.remove(fault); });
      clock.set(nextSyncAt);
      const expected = [[1, 2, 'failing'], [2, 4, 'failing'], [3, 8, 'unhealthy'], [4, 15, 'unhealthy']] as const;
      for (const [failures, waitMin, health] of expected) {
        const [w] = (await svc.scheduler.tick()).filter((x) => x.directoryId === id);
        expect(w?.runId, `attempt ${failures}`).toBeTruthy();
        expect((await settled(w!.runId!)).status).toBe('failed');
        const d = await directory(id);
        expect({ failures: d.consecutiveFailures, health: d.health, wait: (Date.parse(d.nextSyncAt) - clock.now().getTime()) / MIN }).toEqual({ failures, health, wait: waitMin });
        clock.set(new Date(Date.parse(d.nextSyncAt) - 1));
        expect((await svc.scheduler.tick()).filter((x) => x.directoryId === id)).toEqual([]); // not before the backoff is over
        clock.set(d.nextSyncAt);
      }
      emu.emulator.faults.remove(fault);
      const [w] = (await svc.scheduler.tick()).filter((x) => x.directoryId === id);
      expect((await settled(w!.runId!)).status).toBe('succeeded');
      const healed = await directory(id);
      expect({ failures: healed.consecutiveFailures, health: healed.health }).toEqual({ failures: 0, health: 'healthy' });
      // back on its regular, jittered 15-minute windows
      const regular = Date.parse(healed.nextSyncAt);
      expect(regular).toBeGreaterThan(clock.now().getTime());
      expect((regular % (15 * MIN))).toBe(Date.parse(nextSyncAt) % (15 * MIN));
    });

    it('Sync Now during a scheduled run answers with that run, never a second one', async () => {
      const id = await createDirectory('sync now during schedule');
      clock.set(new Date());
      const { nextSyncAt } = await enable(id, '1h');
      emu.emulator.faults.add({ kind: 'slow', delayMs: 1500, times: 1, match: { path: '/api/v1/users' } });
      clock.set(nextSyncAt);
      const [w] = (await svc.scheduler.tick()).filter((x) => x.directoryId === id);
      const now = await svc.api.post(`/api/v1/directories/${id}/sync`, {});
      expect(now.status).toBe(202);
      expect(now.body).toMatchObject({ id: w!.runId, trigger: 'schedule' });
      expect(['queued', 'running']).toContain(now.body.status);
      expect((await settled(w!.runId!)).status).toBe('succeeded');
      expect(await runsOf(id)).toHaveLength(1);
    });
  });

  describe(`two schedulers on one ${engine} database`, () => {
    const clock = createFakeClock(new Date());
    let svc: ScheduledService;
    let emu: StartedEmulator;

    beforeAll(async () => {
      svc = await startScheduledService(engine, clock, { worker: false }); // runs stay queued: only windows are counted
      emu = await oktaAdapter.start({ users: 5, groups: 1 });
    });
    afterAll(async () => {
      await emu?.emulator.close();
      await svc?.close();
    });

    it('queue each window exactly once, and a window due while a run is still queued is covered by that run', async () => {
      // PostgreSQL: a second context = a second connection pool, as another process has. SQLite
      // is one process by design (its driver is synchronous: a second connection in the same
      // process would block the event loop), so there both schedulers share the one context.
      const second = engine === 'postgres' ? await createAppContext(svc.config, { worker: false, clock }) : null;
      const other = second ?? svc.ctx;
      try {
        const ids: string[] = [];
        for (let i = 0; i < 30; i++) {
          const d = await svc.api.post('/api/v1/directories', { name: `d${i}`, provider: 'okta', credentials: emu.credentials, settings: { schedule: { enabled: true, frequency: '15m' } } });
          expect(d.status).toBe(201);
          ids.push(d.body.id);
        }
        clock.advance(20 * MIN); // every directory is due
        const rounds = await Promise.all([svc.scheduler.tick(), other.scheduler.tick(), svc.scheduler.tick(), other.scheduler.tick()]);
        const claimed = rounds.flat();
        expect(claimed.map((w) => w.directoryId).sort()).toEqual([...ids].sort());
        expect(claimed.every((w) => w.runId)).toBe(true);
        const runs = await svc.ctx.store.db.selectFrom('sync_runs').select(['directory_id', 'trigger', 'status']).execute();
        expect(runs).toHaveLength(30);
        expect(new Set(runs.map((r) => r.directory_id)).size).toBe(30);
        expect(runs.every((r) => r.trigger === 'schedule' && r.status === 'queued')).toBe(true);

        clock.advance(15 * MIN); // the next window: the queued runs cover it
        const second = (await Promise.all([svc.scheduler.tick(), other.scheduler.tick()])).flat();
        expect(second).toHaveLength(30);
        expect(second.every((w) => w.runId === null)).toBe(true);
        expect(await svc.ctx.store.db.selectFrom('sync_runs').select('id').execute()).toHaveLength(30);
      } finally {
        await second?.close();
      }
    });
  });
}
