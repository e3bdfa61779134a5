/**
 * Takes queued runs from the database and executes them, one at a time per worker. Exclusivity
 * lives in the database (a conditional UPDATE claims a run; a lease, renewed while it works, lets
 * another worker take over a run whose worker died). `start()`/`stop()`; no timers until started.
 */
import type { Logger } from 'pino';
import type { RunRepository } from '../store/repositories/run-repository.js';
import type { RunExecutor } from './run-executor.js';

export interface RunWorkerOptions {
  runs: RunRepository;
  /** Executes a claimed run: in this thread (run-executor.ts) or in a sync thread (run-thread.ts). */
  executor: Pick<RunExecutor, 'execute'> & { warm?(): void };
  logger: Logger;
  /** Names this worker in `sync_runs.lease_owner` (unique per process). */
  owner: string;
  skipLocked: boolean;
  /** How long a claimed run stays ours without renewal (default 60 s); renewed every third of it. */
  leaseMs?: number;
  /** How often an idle worker looks for queued runs (default 1 s); `notify()` wakes it sooner. */
  pollMs?: number;
}

export interface StopOptions {
  /** How long to let the current run finish (default: as long as it takes; 0 with `abandon`). */
  graceMs?: number;
  /** After the grace: abort the current run (it is recorded as failed, nothing applied). */
  abandon?: boolean;
}

export function createRunWorker(o: RunWorkerOptions) {
  const leaseMs = o.leaseMs ?? 60_000;
  const pollMs = o.pollMs ?? 1000;
  let running = false;
  let wake: (() => void) | null = null;
  let loop: Promise<void> | null = null;
  const current = new AbortController();
  let active: { runId: string; abort: AbortController } | null = null;

  async function runOnce(): Promise<boolean> {
    const run = await o.runs.claimNext(o.owner, leaseMs, o.skipLocked);
    if (!run) return false;
    const abort = new AbortController();
    active = { runId: run.id, abort };
    const renew = setInterval(() => {
      o.runs.renewLease(run.id, o.owner, leaseMs).then((ok) => {
        if (!ok) abort.abort(); // another worker owns it now: stop reading
      }).catch(() => undefined);
    }, Math.max(50, Math.floor(leaseMs / 3)));
    try {
      await o.executor.execute(run, AbortSignal.any([abort.signal, current.signal]));
    } finally {
      clearInterval(renew);
      active = null;
    }
    return true;
  }

  async function main() {
    while (running) {
      let worked = false;
      try {
        worked = await runOnce();
      } catch (e) {
        o.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'run worker: claiming or executing a run failed');
      }
      if (!running) break;
      if (!worked) await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        wake = () => { clearTimeout(t); resolve(); };
      });
      wake = null;
    }
  }

  return {
    owner: o.owner,
    start() {
      if (running) return;
      running = true;
      // a sync thread loads its modules and opens its store now, not during the first run (~2-3 s)
      o.executor.warm?.();
      loop = main();
    },
    /** Wakes the worker now (a run was just queued). */
    notify() {
      wake?.();
    },
    /** The run being executed right now, if any. */
    activeRunId(): string | null {
      return active?.runId ?? null;
    },
    /**
     * Stops taking work and waits for the current run up to `graceMs`. Resolves with the id of a
     * run still executing after the grace (null when idle or finished). `abandon` aborts it here
     * (recorded as failed, nothing applied); the worker command instead exits, and the run's lease
     * expires so another worker runs it again (see commands/worker.ts).
     */
    async stop({ graceMs: grace, abandon = false }: StopOptions = {}): Promise<string | null> {
      const graceMs = grace ?? (abandon ? 0 : undefined);
      running = false;
      wake?.();
      if (!loop) return null;
      const finished = loop.then(() => true);
      const inTime = graceMs === undefined ? await finished
        : await Promise.race([finished, new Promise<false>((resolve) => setTimeout(() => resolve(false), graceMs).unref())]);
      if (inTime) return null;
      const unfinished = active?.runId ?? null;
      if (abandon) {
        active?.abort.abort();
        await loop;
      }
      return unfinished;
    },
  };
}

export type RunWorker = ReturnType<typeof createRunWorker>;
