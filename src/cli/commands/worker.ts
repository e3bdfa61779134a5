/**
 * `accessiq worker`: the scheduler and a sync worker without HTTP, for scaling out on PostgreSQL.
 * Any number of worker processes (and `accessiq serve`) share one database: each due window is
 * queued once (scheduler/due-windows.ts), each run executed by one worker under a lease.
 *
 * SIGTERM/SIGINT: stop taking work, let the current run finish for up to the grace period, then
 * exit 0. A run still executing then is abandoned as a SIGKILL would leave it: the process exits
 * before the run's single apply transaction commits (PostgreSQL rolls it back), and its lease
 * expires so another worker runs it again. Nothing is written on the way out, so an abandoned
 * run can never be half-recorded. A second signal exits at once.
 *
 * Environment (besides the service's own): ACCESSIQ_WORKER_POLL_MS (1000), ACCESSIQ_LEASE_MS
 * (30000), ACCESSIQ_SCHEDULER_POLL_MS (1000), ACCESSIQ_SHUTDOWN_GRACE_MS (10000),
 * ACCESSIQ_BACKOFF_BASE_MS (60000); ACCESSIQ_CLOCK_FILE is a test hook (scheduler/clock-file.ts).
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { print } from '../api-options.js';
import { waitForStopSignal } from '../signals.js';

interface WorkerOptions {
  scheduler: boolean;
}

function msFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1 || n > 24 * 60 * 60_000) throw new CliError(`${name} must be a whole number of milliseconds (1 to 86400000), got "${raw}".`);
  return n;
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run the scheduler and a sync worker without HTTP, sharing the PostgreSQL database (DATABASE_URL) with the service and other workers')
    .option('--no-scheduler', 'only execute queued runs; leave queueing scheduled syncs to other processes')
    .action(async (o: WorkerOptions) => {
      const [{ loadConfig }, { createAppContext }, { systemClock }, { createFileClock }] = await Promise.all([
        import('../../config.js'), import('../../app/app-context.js'), import('../../lib/clock.js'), import('../../scheduler/clock-file.js'),
      ]);
      const config = loadConfig(process.env);
      if (!config.databaseUrl) {
        throw new CliError('accessiq worker needs a PostgreSQL database: set DATABASE_URL.', { hint: 'With SQLite (the default) the scheduler and the worker run inside `accessiq serve`.' });
      }
      const leaseMs = msFromEnv('ACCESSIQ_LEASE_MS', 30_000);
      const graceMs = msFromEnv('ACCESSIQ_SHUTDOWN_GRACE_MS', 10_000);
      const clockFile = process.env.ACCESSIQ_CLOCK_FILE;
      if (clockFile) process.stderr.write(`Note: the schedule follows the time in ${clockFile} (ACCESSIQ_CLOCK_FILE, a test hook).\n`);
      const owner = `wrk_${os.hostname()}_${process.pid}_${randomBytes(3).toString('hex')}`;
      const ctx = await createAppContext(config, {
        workerOwner: owner, leaseMs,
        workerPollMs: msFromEnv('ACCESSIQ_WORKER_POLL_MS', 1000),
        schedulerPollMs: msFromEnv('ACCESSIQ_SCHEDULER_POLL_MS', 1000),
        backoffBaseMs: msFromEnv('ACCESSIQ_BACKOFF_BASE_MS', 60_000),
        clock: clockFile ? createFileClock(clockFile) : systemClock,
      });
      ctx.worker!.start();
      if (o.scheduler) ctx.scheduler.start();
      print(`accessiq worker ${owner} started (pid ${process.pid}, scheduler ${o.scheduler ? 'on' : 'off'})`);

      const signal = await waitForStopSignal();
      ctx.logger.info({ owner, signal }, 'worker stopping: no new runs');
      await ctx.scheduler.stop();
      const unfinished = await ctx.worker!.stop({ graceMs });
      if (unfinished) {
        // exit without another write: the lease expires and another worker runs it again
        ctx.logger.warn({ owner, runId: unfinished, leaseMs }, 'worker stopped mid-run: the run is abandoned (nothing applied); another worker takes it over when its lease expires');
        print(`abandoned run ${unfinished}: another worker runs it again within ${Math.ceil(leaseMs / 1000)} s`);
        process.exit(0);
      }
      await ctx.close();
      print('accessiq worker stopped');
      process.exit(0);
    });
}
