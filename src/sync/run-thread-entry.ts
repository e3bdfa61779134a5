/**
 * The sync thread (see run-thread.ts): opens its own store connection and SecretBox, builds an
 * executor and executes the runs the main thread posts to it, one message per run. Log lines go
 * back to the main thread, which writes them through the service's logger (same destination,
 * level and redaction); so do per-request connector events when the service listens to them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { openStore, reportIdleConnectionErrors } from '../store/database.js';
import { createSecretBox } from '../security/secret-box.js';
import type { ConnectorContext } from '../providers/types.js';
import { createRunExecutor, type RunExecutor } from './run-executor.js';
import type { FinishedRun, FromThread, RunThreadData, ToThread } from './run-thread.js';

if (!parentPort) throw new Error('run-thread-entry.ts runs only as a worker thread (see run-thread.ts).');
const port = parentPort;
const data = workerData as RunThreadData;
const post = (m: FromThread) => port.postMessage(m);

// no pid/hostname/time here: the main thread's logger adds its own when it writes the line
const logger = pino({ level: data.logLevel, base: null, timestamp: false }, { write: (line: string) => post({ type: 'log', line }) });
reportIdleConnectionErrors((err) => logger.warn({ err: err.message }, 'a pooled database connection was closed by the server; it will be replaced'));

const finished = new Map<string, FinishedRun>();
const connectorContext: ConnectorContext = {
  ...(data.retry ? { retry: data.retry } : {}),
  ...(data.forwardRequests ? { onRequest: (e) => post({ type: 'request', event: e }) } : {}),
};
const ready = (async () => {
  const store = await openStore(data.store);
  const secretBox = createSecretBox(Buffer.from(data.keys.current), data.keys.previous.map((k) => Buffer.from(k)));
  const executor: RunExecutor = createRunExecutor({
    store, secretBox, logger, connectorContext,
    // the main thread runs the real onFinished (scheduler bookkeeping, alerts) once the run is done
    onFinished: (run) => { finished.set(run.id, run); },
  });
  return { store, executor };
})();
// an unopenable store fails every run (reported per run below), not the thread
ready.catch(() => undefined);

const aborts = new Map<string, AbortController>();

async function execute(id: string, run: Parameters<RunExecutor['execute']>[0]) {
  const abort = new AbortController();
  aborts.set(id, abort);
  let opened = false;
  try {
    const { executor } = await ready;
    opened = true;
    await executor.execute(run, abort.signal);
    post({ type: 'done', id, finished: finished.get(run.id) ?? null });
  } catch (e) {
    post({ type: 'failed', id, message: e instanceof Error ? e.message : String(e), fatal: !opened });
  } finally {
    aborts.delete(id);
    finished.delete(run.id);
  }
}

async function close() {
  const opened = await ready.catch(() => null);
  await opened?.store.close();
  port.close(); // nothing else keeps the thread alive: it exits
}

port.on('message', (m: ToThread) => {
  if (m.type === 'execute') void execute(m.id, m.run);
  else if (m.type === 'abort') aborts.get(m.id)?.abort();
  else void close();
});
