/**
 * Scheduler benchmark on PostgreSQL: 1000 directories (one tenant each, small emulated Okta
 * directories) and 4 `accessiq worker` processes with their default poll intervals, real clock.
 *   first  — every directory's first sync, all due at once (the heaviest runs: users are created);
 *   burst  — every directory due at the same instant again (no-change resyncs; a missed window at
 *            start-up, or no jitter): runs per minute, and the due→start delay (mostly queueing);
 *   steady — due times spread evenly at about half the burst throughput (what jitter gives):
 *            the due→start delay is then the scheduler's own latency (polling, claiming).
 * During the burst, Sync Now is pressed for 100 directories whose scheduled run is queued or
 * running: each must answer with that run. Last, the start/finish intervals of every run in
 * sync_runs are checked: no directory ever ran twice at once.
 *
 * npm run bench:scheduler [-- --directories 1000 --workers 4 --users 10 --load 0.5]
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { createTestDatabase } from '../test/support/databases.js';
import { oktaAdapter, type StartedEmulator } from '../test/support/provider-adapters.js';
import { spawnWorker, type WorkerProcess } from '../test/scheduler/support/worker-process.js';
import { loadConfig } from '../src/config.js';
import { createAppContext } from '../src/app/app-context.js';
import { createDirectoryService } from '../src/app/directory-service.js';

const { values } = parseArgs({
  options: {
    directories: { type: 'string', default: '1000' }, workers: { type: 'string', default: '4' },
    users: { type: 'string', default: '10' }, groups: { type: 'string', default: '2' }, emulators: { type: 'string', default: '10' },
    load: { type: 'string', default: '0.5' }, quick: { type: 'boolean', default: false },
  },
});
const N = values.quick ? 100 : Number(values.directories);
const WORKERS = Number(values.workers);
const LOAD = Number(values.load);

const database = await createTestDatabase('postgres');
const env = {
  DATABASE_URL: database.databaseUrl!, ACCESSIQ_SECRET_KEY: randomBytes(32).toString('base64'), ACCESSIQ_DATA_DIR: database.dataDir,
  ACCESSIQ_ALLOW_INSECURE_ENDPOINTS: '1', LOG_LEVEL: 'silent',
};
const ctx = await createAppContext(loadConfig(env), { worker: false });
const emulators: StartedEmulator[] = [];
let workers: WorkerProcess[] = [];
const db = ctx.store.db;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function waitFinished(total: number) {
  for (;;) {
    const r = await db.selectFrom('sync_runs').select((eb) => eb.fn.countAll<string>().as('n')).where('finished_at', 'is not', null).executeTakeFirstOrThrow();
    if (Number(r.n) >= total) return;
    await new Promise((res) => setTimeout(res, 200));
  }
}

/** Sets each directory's due time and waits until every run of the phase has finished. */
async function phase(name: string, dues: Map<string, number>, total: number, during?: () => Promise<string>) {
  const since = new Date().toISOString();
  for (const [id, due] of dues) await db.updateTable('directories').set({ next_sync_at: new Date(due).toISOString() }).where('id', '=', id).execute();
  const note = during ? await during() : '';
  await waitFinished(total);
  const runs = await db.selectFrom('sync_runs').select(['directory_id', 'status', 'started_at', 'finished_at']).where('trigger', '=', 'schedule').where('created_at', '>=', since).execute();
  const delays = runs.map((r) => Date.parse(r.started_at!) - dues.get(r.directory_id)!);
  const first = Math.min(...runs.map((r) => Date.parse(r.started_at!)));
  const last = Math.max(...runs.map((r) => Date.parse(r.finished_at!)));
  const failed = runs.filter((r) => r.status !== 'succeeded').length;
  const durations = runs.map((r) => Date.parse(r.finished_at!) - Date.parse(r.started_at!));
  console.log(`  ${name.padEnd(7)} ${runs.length} runs${failed ? ` (${failed} not succeeded)` : ''}: ${((runs.length / (last - first)) * 60_000).toFixed(0)} runs/min; due→start median ${sec(quantile(delays, 0.5))}, p99 ${sec(quantile(delays, 0.99))}, max ${sec(Math.max(...delays))}; run duration median ${sec(quantile(durations, 0.5))}${note}`);
  return (runs.length / (last - first)) * 1000;
}

try {
  const emulatorCount = Math.min(Number(values.emulators), N);
  for (let i = 0; i < emulatorCount; i++) emulators.push(await oktaAdapter.start({ users: Number(values.users), groups: Number(values.groups), seed: 1 + i }));
  const directories = createDirectoryService(ctx);
  const ids: string[] = [];
  const tenantOf = new Map<string, string>();
  let t = performance.now();
  for (let i = 0; i < N; i++) {
    const { tenantId } = await ctx.repos.tenants.create(`bench ${i}`);
    const d = await directories.create(tenantId, {
      name: `directory ${i}`, provider: 'okta', credentials: emulators[i % emulatorCount]!.credentials, settings: { schedule: { enabled: true, frequency: '1h' } },
    });
    ids.push(d.id);
    tenantOf.set(d.id, tenantId);
  }
  // nothing due until a phase says so
  await db.updateTable('directories').set({ next_sync_at: new Date(Date.now() + 24 * 3_600_000).toISOString() }).execute();
  console.log(`\nscheduler benchmark: ${N} directories (${values.users} users, ${values.groups} groups each; ${emulatorCount} Okta emulators), ${WORKERS} worker processes, PostgreSQL`);
  console.log(`  setup   ${sec(performance.now() - t)} to create the tenants and directories`);

  t = performance.now();
  workers = await Promise.all(Array.from({ length: WORKERS }, () => spawnWorker({ ...env, LOG_LEVEL: 'warn' }, 60_000)));
  console.log(`  workers ${WORKERS} started in ${sec(performance.now() - t)} (default polls: scheduler 1 s, worker 1 s; lease 30 s)`);

  // first: every directory's first sync, all due at once (creates the users: the heaviest runs)
  await phase('first', new Map(ids.map((id) => [id, Date.now() + 2000])), N);

  // burst: all due at once again (no-change resyncs); Sync Now for up to 100 directories while
  // their scheduled run is queued or running
  const burstAt = Date.now() + 2000;
  const rate = await phase('burst', new Map(ids.map((id) => [id, burstAt])), 2 * N, async () => {
    const sample = ids.slice(Math.floor(N / 2), Math.floor(N / 2) + Math.min(100, N));
    let answered = 0; let tried = 0;
    for (const id of sample) {
      for (;;) { // wait until its scheduled run exists (the schedulers queue the burst in batches)
        const active = await db.selectFrom('sync_runs').select('id').where('directory_id', '=', id).where('status', 'in', ['queued', 'running']).executeTakeFirst();
        if (active) {
          const { run, created } = await ctx.repos.runs.enqueue(tenantOf.get(id)!, id, { trigger: 'api', dryRun: false });
          tried++;
          if (!created && run.id === active.id) answered++;
          break;
        }
        const done = await db.selectFrom('sync_runs').select('id').where('directory_id', '=', id).where('created_at', '>=', new Date(burstAt - 2000).toISOString()).where('finished_at', 'is not', null).executeTakeFirst();
        if (done) break; // already finished: nothing to press against
        await new Promise((res) => setTimeout(res, 20));
      }
    }
    return `; Sync Now during the scheduled run answered with that run ${answered}/${tried}`;
  });

  // steady: the same directories due one after another at LOAD × the burst throughput
  const gapMs = 1000 / (rate * LOAD);
  const steadyAt = Date.now() + 2000;
  await phase('steady', new Map(ids.map((id, i) => [id, steadyAt + i * gapMs])), 3 * N);
  console.log(`          (first: first syncs; burst: no-change resyncs all due at once; steady: one due every ${gapMs.toFixed(0)} ms, ${(LOAD * 100).toFixed(0)}% of the burst throughput)`);

  // no directory ever ran twice at once, from the run records themselves
  const all = await db.selectFrom('sync_runs').select(['directory_id', 'started_at', 'finished_at']).orderBy('directory_id').orderBy('started_at').execute();
  let overlaps = 0;
  for (let i = 1; i < all.length; i++) {
    const a = all[i - 1]!; const b = all[i]!;
    if (a.directory_id === b.directory_id && b.started_at! < a.finished_at!) overlaps++;
  }
  const perDirectory = new Map<string, number>();
  for (const r of all) perDirectory.set(r.directory_id, (perDirectory.get(r.directory_id) ?? 0) + 1);
  console.log(`  overlap ${overlaps === 0 ? 'none' : `${overlaps} OVERLAPPING RUNS`}: checked ${all.length} runs of ${perDirectory.size} directories (start/finish intervals in sync_runs)`);
  if (overlaps) process.exitCode = 1;
} finally {
  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
  for (const e of emulators) await e.emulator.close();
  await ctx.close();
  await database.drop();
}
