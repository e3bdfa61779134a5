/**
 * Scale-out on PostgreSQL with real processes: three `accessiq worker` processes share fifty
 * directories (twenty emulated Okta users each, one tenant per directory). The schedule's time is
 * a file all three read (ACCESSIQ_CLOCK_FILE): the test moves it forward a window at a time, so
 * nothing waits for wall-clock windows. Leases use real time (short: ACCESSIQ_LEASE_MS=1500).
 *
 * - every due directory is synced exactly once per window, never two runs of one directory at once;
 * - a worker killed with SIGKILL mid-run: another worker runs the directory again, and its end
 *   state equals that of a twin directory synced cleanly from an identical emulator;
 * - Sync Now during a scheduled run answers with that run;
 * - SIGTERM: a worker mid-run exits 0 within its grace, another completes the run; an idle one exits 0.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { createApiClient, type ApiClient } from '../support/api-client.js';
import { oktaAdapter, type StartedEmulator } from '../support/provider-adapters.js';
import { startService } from '../../src/service.js';
import { loadConfig } from '../../src/config.js';
import { spawnWorker, type WorkerProcess } from './support/worker-process.js';

const SHARED_EMULATORS = 4;
const DIRECTORIES = 50;

interface Dir { id: string; tenantId: string; api: ApiClient; emulator: StartedEmulator }

describe.runIf(ENGINES.includes('postgres'))('3 worker processes on PostgreSQL', () => {
  let database: TestDatabase;
  let service: Awaited<ReturnType<typeof startService>>;
  const shared: StartedEmulator[] = [];
  let killEmu: StartedEmulator; let twinEmu: StartedEmulator; let nowEmu: StartedEmulator;
  const dirs: Dir[] = [];
  let killDir: Dir; let twinDir: Dir; let nowDir: Dir;
  let workers: WorkerProcess[] = [];
  let clockFile: string;
  let clock = Date.now();
  let workerEnv: Record<string, string>;
  const db = () => service.ctx.store.db;
  const setClock = (t: number) => { clock = t; fs.writeFileSync(clockFile, new Date(t).toISOString()); };

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const secretKey = randomBytes(32).toString('base64');
    const env = {
      DATABASE_URL: database.databaseUrl!, ACCESSIQ_SECRET_KEY: secretKey, ACCESSIQ_DATA_DIR: database.dataDir,
      ACCESSIQ_ALLOW_INSECURE_ENDPOINTS: '1', LOG_LEVEL: 'silent',
    };
    // the API only: scheduling and runs happen in the worker processes
    service = await startService(loadConfig({ ...env, PORT: '0' }), { worker: false, scheduler: false });
    clockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aiq-clock-')), 'now');
    setClock(Date.now());
    workerEnv = {
      ...env, ACCESSIQ_CLOCK_FILE: clockFile, ACCESSIQ_WORKER_POLL_MS: '100', ACCESSIQ_SCHEDULER_POLL_MS: '100',
      ACCESSIQ_LEASE_MS: '1500', ACCESSIQ_SHUTDOWN_GRACE_MS: '300', LOG_LEVEL: 'info',
    };
    const spawning = [0, 1, 2].map(() => spawnWorker(workerEnv));

    for (let i = 0; i < SHARED_EMULATORS; i++) shared.push(await oktaAdapter.start({ users: 20, groups: 3, seed: 100 + i }));
    killEmu = await oktaAdapter.start({ users: 20, groups: 3, seed: 7 });
    twinEmu = await oktaAdapter.start({ users: 20, groups: 3, seed: 7 });
    nowEmu = await oktaAdapter.start({ users: 20, groups: 3, seed: 8 });
    for (let i = 0; i < DIRECTORIES; i++) {
      const emulator = i === 0 ? killEmu : i === 1 ? twinEmu : i === 2 ? nowEmu : shared[i % SHARED_EMULATORS]!;
      // one tenant per directory: directories reading the same emulator never share users
      const { tenantId } = await service.ctx.repos.tenants.create(`tenant ${i}`);
      const { token } = await service.ctx.repos.tokens.create(tenantId, 'test');
      const api = createApiClient(service.url, token);
      const d = await api.post('/api/v1/directories', {
        name: `directory ${i}`, provider: 'okta', credentials: emulator.credentials, settings: { schedule: { enabled: true, frequency: '15m' } },
      });
      expect(d.status, JSON.stringify(d.body)).toBe(201);
      dirs.push({ id: d.body.id, tenantId, api, emulator });
    }
    [killDir, twinDir, nowDir] = dirs as [Dir, Dir, Dir];
    workers = await Promise.all(spawning);
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    for (const e of [...shared, killEmu, twinEmu, nowEmu]) await e?.emulator.close();
    await service?.close();
    await database?.drop();
  });

  const scheduleRuns = () => db().selectFrom('sync_runs').select(['id', 'directory_id', 'status', 'trigger', 'started_at', 'finished_at']).orderBy('created_at').execute();

  /** Waits (polling the database) until every directory has `n` finished runs. */
  async function allFinished(n: number) {
    await expect.poll(async () => {
      const runs = await scheduleRuns();
      return runs.filter((r) => r.finished_at).length;
    }, { timeout: 30_000, interval: 100 }).toBe(n * DIRECTORIES);
    const runs = await scheduleRuns();
    return runs;
  }

  function expectOnePerWindow(runs: Awaited<ReturnType<typeof scheduleRuns>>, windows: number) {
    const per = new Map<string, typeof runs>();
    for (const r of runs) per.set(r.directory_id, [...(per.get(r.directory_id) ?? []), r]);
    expect(per.size).toBe(DIRECTORIES);
    for (const [id, list] of per) {
      expect({ id, runs: list.length }).toEqual({ id, runs: windows });
      expect(list.every((r) => r.trigger === 'schedule' && r.status === 'succeeded'), JSON.stringify(list)).toBe(true);
      const sorted = [...list].sort((a, b) => a.started_at!.localeCompare(b.started_at!));
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.started_at! >= sorted[i - 1]!.finished_at!).toBe(true); // never two at once
    }
  }

  /** A window later than every directory's next due time (their next windows are ≤ 16.5 min away). */
  async function nextWindow() {
    const rows = await db().selectFrom('directories').select('next_sync_at').execute();
    const latest = Math.max(...rows.map((r) => Date.parse(r.next_sync_at!)));
    expect(latest).toBeGreaterThan(clock);
    setClock(latest + 1000);
  }

  it('every due directory is synced exactly once per window by the three workers', async () => {
    expect(await scheduleRuns()).toEqual([]); // nothing is due yet at the real time
    await nextWindow();
    expectOnePerWindow(await allFinished(1), 1);
    // the work was shared: each worker logged some of the fifty runs
    const finishedBy = () => workers.map((w) => w.output().split('\n').filter((l) => l.includes('"msg":"sync run finished"')).length);
    // the line comes from the sync thread through the worker's main thread: it may trail the commit by a moment
    await expect.poll(() => finishedBy().reduce((a, b) => a + b, 0), { timeout: 10_000, interval: 50 }).toBe(DIRECTORIES);
    expect(finishedBy().every((n) => n > 0), String(finishedBy())).toBe(true);

    await nextWindow();
    expectOnePerWindow(await allFinished(2), 2);
  }, 60_000);

  it('SIGKILL mid-run: another worker runs the directory again, ending as a clean run does; Sync Now during a scheduled run answers with that run', async () => {
    // the same change on both identical emulators, so the next run has work to apply
    for (const e of [killEmu, twinEmu]) {
      const people = e.emulator.state.people;
      e.emulator.state.addPerson({ givenName: 'Ada', familyName: 'Newhire' });
      e.emulator.state.setState(people[1]!.key, 'suspended');
      e.emulator.state.updatePerson(people[2]!.key, { title: 'Chief Scheduling Officer' });
    }
    killEmu.emulator.faults.add({ kind: 'slow', delayMs: 4000, times: 1, match: { path: '/api/v1/users' } });
    nowEmu.emulator.faults.add({ kind: 'slow', delayMs: 1500, times: 1, match: { path: '/api/v1/users' } });
    await nextWindow();

    // Sync Now while the scheduled run of that directory is queued or running
    const scheduled = await expect.poll(() => db().selectFrom('sync_runs').selectAll().where('directory_id', '=', nowDir.id).where('finished_at', 'is', null).executeTakeFirst(), { timeout: 10_000, interval: 20 }).toBeTruthy()
      .then(() => db().selectFrom('sync_runs').selectAll().where('directory_id', '=', nowDir.id).where('finished_at', 'is', null).executeTakeFirst());
    const syncNow = await nowDir.api.post(`/api/v1/directories/${nowDir.id}/sync`, {});
    expect(syncNow.status).toBe(202);
    expect(syncNow.body).toMatchObject({ id: scheduled!.id, trigger: 'schedule' });

    // the slow read of the kill directory is in flight: kill its worker
    await expect.poll(() => killEmu.emulator.faults.size, { timeout: 10_000, interval: 20 }).toBe(0);
    const running = await db().selectFrom('sync_runs').selectAll().where('directory_id', '=', killDir.id).where('status', '=', 'running').executeTakeFirstOrThrow();
    const victim = workers.find((w) => w.owner === running.lease_owner)!;
    expect(victim).toBeDefined();
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toBe('SIGKILL');

    const runs = await allFinished(3);
    expectOnePerWindow(runs, 3);
    const rerun = await killDir.api.get(`/api/v1/sync-runs/${running.id}`);
    expect(rerun.body).toMatchObject({ status: 'succeeded', counts: expect.objectContaining({ usersCreated: 1, usersDeactivated: 1 }) });
    expect(await stateOf(killDir)).toEqual(await stateOf(twinDir));
    expect((await stateOf(killDir)).users).toHaveLength(21);
    workers = workers.filter((w) => w !== victim);
  }, 60_000);

  it('SIGTERM: a worker stops taking work and exits 0; a run it abandons is completed by another worker', async () => {
    nowEmu.emulator.faults.add({ kind: 'slow', delayMs: 4000, times: 1, match: { path: '/api/v1/users' } });
    const started = await nowDir.api.post(`/api/v1/directories/${nowDir.id}/sync`, {});
    expect(started.status).toBe(202);
    await expect.poll(() => nowEmu.emulator.faults.size, { timeout: 10_000, interval: 20 }).toBe(0);
    const owner = (await db().selectFrom('sync_runs').select('lease_owner').where('id', '=', started.body.id).executeTakeFirstOrThrow()).lease_owner;
    const busy = workers.find((w) => w.owner === owner)!;
    const idle = workers.find((w) => w !== busy)!;
    busy.child.kill('SIGTERM');
    expect(await busy.exited).toBe(0);
    expect(busy.output()).toContain(`abandoned run ${started.body.id}`);
    const done = await nowDir.api.waitForRun(started.body.id, 60_000);
    expect(done.status).toBe('succeeded');

    idle.child.kill('SIGTERM');
    expect(await idle.exited).toBe(0);
    expect(idle.output()).toContain('accessiq worker stopped');
  }, 60_000);

  /** What a directory's sync made, without AccessIQ's own ids: users, groups, memberships, grants. */
  async function stateOf(d: Dir) {
    const users = await db().selectFrom('users').select(['id', 'external_id', 'email', 'status', 'given_name', 'family_name', 'display_name', 'attributes'])
      .where('tenant_id', '=', d.tenantId).orderBy('external_id').execute();
    const ext = new Map(users.map((u) => [u.id, u.external_id]));
    const groups = await db().selectFrom('directory_groups').selectAll().where('directory_id', '=', d.id).execute();
    const members = await db().selectFrom('directory_memberships').selectAll().where('directory_id', '=', d.id).execute();
    const grants = await db().selectFrom('role_grants').select(['user_id', 'role_key', 'source']).where('tenant_id', '=', d.tenantId).execute();
    return {
      users: users.map(({ id: _id, ...u }) => u),
      groups: groups.map((g) => ({ externalId: g.external_id, name: g.name })).sort((a, b) => a.externalId.localeCompare(b.externalId)),
      memberships: members.map((m) => JSON.stringify(Object.entries(m).filter(([k]) => !['tenant_id', 'directory_id'].includes(k)))).sort(),
      grants: grants.map((g) => `${ext.get(g.user_id)}:${g.role_key}:${g.source}`).sort(),
    };
  }
});
