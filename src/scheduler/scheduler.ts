/**
 * The scheduler: every `pollMs` it queues a run (trigger `schedule`) for each directory whose
 * next_sync_at has come, and moves next_sync_at to the next window after NOW — so a window missed
 * while the service was down runs once at start, never a burst. Any number of processes may run
 * one against the same database: due-windows.ts makes each window queued exactly once.
 *
 * After a run it applies the failure backoff: a failed run moves next_sync_at to
 * now + min(interval, base · 2^failures) (directories.consecutive_failures, kept by the executor);
 * a successful run puts a directory that was backing off back on its regular windows.
 * Time comes from the injected clock only.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../store/schema.js';
import type { Clock } from '../lib/clock.js';
import type { Schedule } from '../domain/directory-settings.js';
import { parseStoredSettings } from '../store/repositories/directory-repository.js';
import { nextSyncAt } from './next-sync-at.js';
import { DEFAULT_BACKOFF_BASE_MS, failureBackoffMs, intervalMs } from './backoff.js';
import { claimDueWindows, type ClaimedWindow } from './due-windows.js';
import { isDatabaseBusy } from '../store/database-busy.js';

/** Consecutive failures after which a directory is unhealthy (the API's `health`). */
export const UNHEALTHY_AFTER_FAILURES = 3;

export interface SchedulerOptions {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  /** PostgreSQL: read due directories FOR UPDATE SKIP LOCKED. */
  skipLocked: boolean;
  /** How often to look for due directories (default 1 s). */
  pollMs?: number;
  /** Windows claimed per transaction (default 100). */
  batchSize?: number;
  /** First retry after a failure waits 2 × this (default 1 min). */
  backoffBaseMs?: number;
  /** Called after runs were queued (wakes the local run worker). */
  onQueued?: (windows: ClaimedWindow[]) => void;
}

export interface FinishedRun {
  directoryId: string;
  status: string;
  dryRun: boolean;
}

export function createScheduler(o: SchedulerOptions) {
  const pollMs = o.pollMs ?? 1000;
  const batchSize = o.batchSize ?? 100;
  const backoffBaseMs = o.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<unknown> | null = null;
  let running = false;

  const next = (schedule: Schedule, directoryId: string, now: Date): string | null => {
    try {
      return nextSyncAt(schedule, directoryId, now);
    } catch {
      return null; // a cron expression that never fires again: the schedule stops
    }
  };

  /** Queues every due window once; returns what was claimed (by this process). */
  async function tick(): Promise<ClaimedWindow[]> {
    const all: ClaimedWindow[] = [];
    const now = o.clock.now();
    for (;;) {
      const batch = await claimDueWindows(o.db, { now, limit: batchSize, skipLocked: o.skipLocked, next });
      all.push(...batch);
      if (batch.length < batchSize) break;
    }
    const queued = all.filter((w) => w.runId);
    if (queued.length) o.onQueued?.(queued);
    if (all.length) o.logger.info({ queued: queued.length, coveredByActiveRun: all.length - queued.length }, 'scheduler: queued due syncs');
    return all;
  }

  function loop() {
    if (!running) return;
    ticking = tick()
      .catch((e: unknown) => isDatabaseBusy(e)
        // SQLite: the sync thread's apply holds the write lock; the windows stay due for the next poll
        ? o.logger.warn({ err: (e as Error).message }, 'scheduler: database busy with a sync; due directories will be queued at the next poll')
        : o.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'scheduler: looking for due directories failed'))
      .finally(() => {
        ticking = null;
        if (running) timer = setTimeout(loop, pollMs);
      });
  }

  /** Backoff bookkeeping after a run (wired to the executor's onFinished). */
  async function onRunFinished(run: FinishedRun): Promise<void> {
    if (run.dryRun) return;
    const row = await o.db.selectFrom('directories').select(['id', 'settings', 'next_sync_at', 'consecutive_failures'])
      .where('id', '=', run.directoryId).executeTakeFirst();
    if (!row) return;
    const schedule = parseStoredSettings(row.settings).schedule;
    if (!schedule.enabled) return;
    const now = o.clock.now();
    let target: string | null;
    if (run.status === 'failed') {
      const wait = failureBackoffMs(row.consecutive_failures, intervalMs(schedule, row.id, now), backoffBaseMs);
      target = new Date(now.getTime() + wait).toISOString();
      if (row.consecutive_failures === UNHEALTHY_AFTER_FAILURES) {
        o.logger.warn({ directoryId: row.id, failures: row.consecutive_failures }, 'directory is unhealthy: its syncs keep failing');
      }
    } else {
      // a window already due is left for the scheduler; otherwise back onto the regular windows
      // (for a directory that was not backing off this is the value already stored: no write)
      if (row.next_sync_at && row.next_sync_at <= now.toISOString()) return;
      target = next(schedule, row.id, now);
    }
    if (target === row.next_sync_at) return;
    let q = o.db.updateTable('directories').set({ next_sync_at: target }).where('id', '=', row.id);
    q = row.next_sync_at === null ? q.where('next_sync_at', 'is', null) : q.where('next_sync_at', '=', row.next_sync_at);
    await q.execute(); // conditional: an admin's schedule change in between wins
  }

  return {
    tick,
    onRunFinished,
    /** Starts polling; the first look is immediate (missed windows run once, now). */
    start() {
      if (running) return;
      running = true;
      loop();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await ticking;
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
