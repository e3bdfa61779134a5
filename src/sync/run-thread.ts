/**
 * Executes sync runs in a worker thread, so the service's event loop (API, console, scheduler,
 * lease renewal) never waits on a read, plan or apply: the planner, JSON and SQLite statements are
 * synchronous and at 100k users stalled the loop for seconds. Same `execute(run, signal)` contract
 * as the in-process executor (run-executor.ts), which the thread runs unchanged.
 *
 * One long-lived thread per run worker, started with the worker (or by the first run) and reused; if it dies, the run it
 * held is recorded as failed and the next run starts a new thread. The thread opens its own store
 * connection (SQLite in WAL mode: the API reads while the thread writes; PostgreSQL: its own pool)
 * and its own SecretBox from the same keys. `onFinished` (scheduler bookkeeping, alerts) runs here,
 * on the main thread, after the thread reports the run done. ACCESSIQ_SYNC_THREAD=0 runs syncs in
 * the service's own thread instead (app-context.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Level, Logger } from 'pino';
import type { Store, StoreOptions } from '../store/database.js';
import type { SyncRunRow } from '../store/schema.js';
import type { ConnectorContext } from '../providers/types.js';
import { emptyCounts } from '../domain/run-counts.js';
import { writeLog } from './applier.js';
import type { RunExecutorDeps } from './run-executor.js';

export type FinishedRun = Parameters<NonNullable<RunExecutorDeps['onFinished']>>[0];
type RequestEvent = Parameters<NonNullable<ConnectorContext['onRequest']>>[0];

/** What the thread is started with (structured-cloned: plain data only). */
export interface RunThreadData {
  store: StoreOptions;
  keys: { current: Uint8Array; previous: Uint8Array[] };
  logLevel: string;
  retry?: ConnectorContext['retry'];
  /** Post every connector request back (the main thread's `onRequest` is a callback: it cannot cross). */
  forwardRequests: boolean;
  /** Modules (file URLs) the thread imports before anything else: the fault suite's in-thread hooks. */
  preload?: string[];
}

export type ToThread =
  | { type: 'execute'; id: string; run: SyncRunRow }
  | { type: 'abort'; id: string }
  | { type: 'close' };

export type FromThread =
  | { type: 'done'; id: string; finished: FinishedRun | null }
  /** `execute` rejected; `fatal` when the thread could not even open its store (it is replaced). */
  | { type: 'failed'; id: string; message: string; fatal: boolean }
  | { type: 'log'; line: string }
  | { type: 'request'; event: RequestEvent };

export interface RunThreadOptions {
  /** The main thread's store: records a run whose thread died under it. */
  store: Store;
  /** Where the thread opens its own connection (the same database). */
  storeOptions: StoreOptions;
  /** The credential key and the previous keys still accepted for reading. */
  keys: { current: Buffer; previous: Buffer[] };
  /** The thread's log lines are written through this logger (its level applies in the thread too). */
  logger: Logger;
  connectorContext?: ConnectorContext;
  onFinished?: RunExecutorDeps['onFinished'];
  /** The thread's old-generation heap limit (default: the service's own, a 100k-user plan lives there). */
  maxHeapMb?: number;
  /** Modules the thread imports first (tests only: fault hooks that must run beside the thread's connection). */
  preload?: string[];
}

interface Pending {
  run: SyncRunRow;
  signal: AbortSignal;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** The thread's module, in this module's own form (.js compiled, .ts from source). */
const THREAD_ENTRY = new URL(`./run-thread-entry${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;

const LEVELS = new Set<string>(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

/**
 * How far past its live size V8 lets a heap grow before the next full collection. By default it
 * grows up to 4× on a machine with memory to spare: a first sync of 100k users (~300 MiB live) then
 * peaked at ~1 GiB of RSS. At 30% the same sync peaked at ~680 MiB in the same time (measured
 * 10% → 610 MiB but 10–15% slower). The flag is process-wide: the API's heap follows it too.
 */
const HEAP_GROWING_PERCENT = 30;

export function createRunThread(o: RunThreadOptions) {
  const { logger } = o;
  const pending = new Map<string, Pending>();
  let thread: Worker | null = null;
  let seq = 0;
  let closing: Promise<void> | null = null;

  function start(): Worker {
    const data: RunThreadData = {
      store: o.storeOptions,
      keys: { current: o.keys.current, previous: o.keys.previous },
      logLevel: logger.level,
      ...(o.connectorContext?.retry ? { retry: o.connectorContext.retry } : {}),
      forwardRequests: Boolean(o.connectorContext?.onRequest),
      ...(o.preload?.length ? { preload: o.preload } : {}),
    };
    setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    // run-thread-boot.mjs loads the entry beside this module: compiled JavaScript, or TypeScript through tsx
    const w = new Worker(new URL('./run-thread-boot.mjs', import.meta.url), {
      workerData: { ...data, entry: THREAD_ENTRY }, name: 'accessiq-sync',
      resourceLimits: { maxOldGenerationSizeMb: o.maxHeapMb ?? Math.floor(getHeapStatistics().heap_size_limit / 1024 / 1024) },
    });
    let crash: Error | null = null;
    w.on('message', (m: FromThread) => onMessage(w, m));
    w.on('error', (e) => { crash = e; });
    w.on('exit', (code) => {
      if (thread === w) thread = null;
      const lost = [...pending.entries()];
      pending.clear();
      const reason = crash?.message ?? `the sync thread exited with code ${code}`;
      // an idle thread that dies (it could not load, say) is replaced by the next run: say so now
      if (!lost.length && !closing) logger.error({ err: reason }, 'the sync thread stopped; the next run starts a new one');
      for (const [, p] of lost) void recordLost(p, reason).then(p.resolve, p.reject);
    });
    // an idle thread does not keep the process alive; a run in progress is awaited by the run worker
    w.unref();
    return w;
  }

  function onMessage(w: Worker, m: FromThread) {
    if (m.type === 'log') return writeLine(m.line);
    if (m.type === 'request') return o.connectorContext?.onRequest?.(m.event);
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.type === 'failed') {
      if (m.fatal) void w.terminate();
      return p.reject(new Error(m.message));
    }
    if (!m.finished || !o.onFinished) return p.resolve();
    Promise.resolve(o.onFinished(m.finished)).then(() => p.resolve(), (e: unknown) => p.reject(e instanceof Error ? e : new Error(String(e))));
  }

  function writeLine(line: string) {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const { level, msg, ...fields } = entry;
    const label = typeof level === 'number' ? logger.levels.labels[level] : undefined;
    if (!label || !LEVELS.has(label)) return;
    logger[label as Level](fields, typeof msg === 'string' ? msg : '');
  }

  /**
   * The thread died while it held a run (out of memory, a native crash): nothing was committed
   * (the apply is one transaction on the thread's connection). Record the failure as the executor
   * would, fenced by the lease; when stopping, hand the run back instead, as the executor does.
   */
  async function recordLost(p: Pending, reason: string) {
    const { run } = p;
    const db = o.store.db;
    logger.error({ runId: run.id, err: reason }, 'the sync thread stopped during a run');
    if (p.signal.aborted && run.lease_owner) {
      await db.updateTable('sync_runs').set({ status: 'queued', lease_owner: null, lease_expires_at: null, progress: null })
        .where('id', '=', run.id).where('lease_owner', '=', run.lease_owner).execute().catch(() => undefined);
      return;
    }
    const now = new Date().toISOString();
    const error = { code: 'internal', message: `The sync failed: ${reason}`, hint: 'Nothing was changed. Run the sync again; if it keeps failing, check the service log.' };
    const updated = await db.updateTable('sync_runs').set({
      status: 'failed', counts: JSON.stringify({ ...emptyCounts(), errors: 1 }), error: JSON.stringify(error), finished_at: now,
      lease_owner: null, lease_expires_at: null, progress: null,
    }).where('id', '=', run.id)
      .$if(run.lease_owner !== null, (q) => q.where('lease_owner', '=', run.lease_owner))
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return; // another worker owns it now
    await writeLog(o.store, db, run.tenant_id, run.id, [{ kind: 'error', subject: run.directory_id, message: error.message, details: { code: error.code, hint: error.hint } }], now)
      .catch(() => undefined);
    if (run.dry_run === 0) {
      await db.updateTable('directories').set({ last_sync_at: now, consecutive_failures: (eb) => eb('consecutive_failures', '+', 1) })
        .where('id', '=', run.directory_id).execute();
    }
    await o.onFinished?.({ id: run.id, tenantId: run.tenant_id, directoryId: run.directory_id, status: 'failed', dryRun: run.dry_run === 1 });
  }

  return {
    /** Starts the thread now (it loads its modules and opens its store), so the first run does not wait for it. */
    warm(): void {
      if (!closing) thread ??= start();
    },
    /** Executes the run in the thread; resolves once it is recorded and `onFinished` has run. */
    async execute(run: SyncRunRow, signal: AbortSignal): Promise<void> {
      if (closing) throw new Error('The sync thread is closed.');
      const w = (thread ??= start());
      const id = `${run.id}#${++seq}`;
      const onAbort = () => w.postMessage({ type: 'abort', id } satisfies ToThread);
      try {
        await new Promise<void>((resolve, reject) => {
          pending.set(id, { run, signal, resolve, reject });
          w.ref();
          w.postMessage({ type: 'execute', id, run } satisfies ToThread);
          if (signal.aborted) onAbort();
          else signal.addEventListener('abort', onAbort, { once: true });
        });
      } finally {
        signal.removeEventListener('abort', onAbort);
        if (!pending.size) w.unref();
      }
    },
    /** Closes the thread's store and ends it (after the run worker has stopped). */
    close(): Promise<void> {
      closing ??= (async () => {
        const w = thread;
        if (!w) return;
        const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
        w.postMessage({ type: 'close' } satisfies ToThread);
        const timer = setTimeout(() => void w.terminate(), 5000);
        await exited;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}

export type RunThread = ReturnType<typeof createRunThread>;
