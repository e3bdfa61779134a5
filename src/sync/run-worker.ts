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
  executor: RunExecutor;
  logger: Logger;
  owner: string;
  skipLocked: boolean;
  leaseMs?: number;
  pollMs?: number;
}

export function createRunWorker(o: RunWorkerOptions) {
  const leaseMs = o.leaseMs ?? 60_000;
  const pollMs = o.pollMs ?? 1000;
  let running = false;
  let wake: (() => void) | null = null;
  let loop: Promise<void> | null = null;
  const current = new AbortController();
  let active: AbortController | null = null;

  async function runOnce(): Promise<boolean> {
    const run = await o.runs.claimNext(o.owner, leaseMs, o.skipLocked);
    if (!run) return false;
    const abort = new AbortController();
    active = abort;
    const renew = setInterval(() => {
      o.runs.renewLease(run.id, o.owner, leaseMs).then((ok) => {
        if (!ok) abort.abort(); // another worker owns it now: stop reading
      }).catch(() => undefined);
    }, Math.max(1000, leaseMs / 3));
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
    start() {
      if (running) return;
      running = true;
      loop = main();
    },
    /** Wakes the worker now (a run was just queued). */
    notify() {
      wake?.();
    },
    /** Stops taking work; the current run is abandoned cleanly (not applied) if `abandon`. */
    async stop({ abandon = false } = {}) {
      running = false;
      wake?.();
      if (abandon) active?.abort();
      await loop;
    },
  };
}

export type RunWorker = ReturnType<typeof createRunWorker>;
