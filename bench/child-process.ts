/**
 * A bench helper process (emulator or service) spawned with an IPC channel: `node --import tsx
 * <entry>.ts`, or plain `node <entry>.js` for a compiled entry (the service). The child sends one `ready` message, then answers `{ id, cmd, args }` requests with
 * `{ id, result }` or `{ id, error }`. Separate processes keep the service's RSS and event-loop
 * lag its own, and keep the emulator's CPU off the service's event loop.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const replyGuard = z.object({ id: z.number(), result: z.unknown().optional(), error: z.string().optional() });
const readyGuard = z.object({ type: z.literal('ready'), info: z.unknown() });

export interface HelperProcess {
  child: ChildProcess;
  /** What the child sent with `ready`. */
  info: unknown;
  call(cmd: string, args?: unknown): Promise<unknown>;
  /** Asks the child to stop (cmd `close`), then waits for its exit; SIGKILL after 20 s. */
  stop(): Promise<void>;
}

export async function spawnHelper(entry: string, args: string[], opts: { nodeArgs?: string[]; env?: Record<string, string>; readyTimeoutMs?: number } = {}): Promise<HelperProcess> {
  const child = fork(path.join(ROOT, entry), args, {
    cwd: ROOT,
    execArgv: [...(entry.endsWith('.ts') ? ['--import', 'tsx'] : []), ...(opts.nodeArgs ?? [])],
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  child.on('message', (m) => {
    const r = replyGuard.safeParse(m);
    if (!r.success) return;
    const p = pending.get(r.data.id);
    pending.delete(r.data.id);
    if (r.data.error !== undefined) p?.reject(new Error(r.data.error));
    else p?.resolve(r.data.result);
  });
  void exited.then(() => {
    for (const p of pending.values()) p.reject(new Error(`${entry} exited`));
    pending.clear();
  });
  const info = await new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not get ready`)), opts.readyTimeoutMs ?? 120_000);
    const onMessage = (m: unknown) => {
      const r = readyGuard.safeParse(m);
      if (!r.success) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(r.data.info);
    };
    child.on('message', onMessage);
    void exited.then(() => { clearTimeout(timer); reject(new Error(`${entry} exited before it was ready`)); });
  });
  return {
    child,
    info,
    call(cmd, callArgs) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, cmd, args: callArgs });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.send({ id: 0, cmd: 'close' });
      await exited;
      clearTimeout(killer);
    },
  };
}

const requestGuard = z.object({ id: z.number(), cmd: z.string(), args: z.unknown().optional() });

/** Child side: announce readiness and serve requests; `close` runs `onClose` and exits. */
export function serveParent(info: unknown, handlers: Record<string, (args: unknown) => unknown>, onClose: () => Promise<void>): void {
  if (!process.send) throw new Error('run this file through bench/run-bench.ts (it needs an IPC channel)');
  process.on('message', (m) => {
    const r = requestGuard.safeParse(m);
    if (!r.success) return;
    const { id, cmd, args } = r.data;
    if (cmd === 'close') {
      void onClose().finally(() => process.exit(0));
      return;
    }
    const handler = handlers[cmd];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${cmd}`);
        return handler(args);
      })
      .then((result) => process.send?.({ id, result }), (err: unknown) => process.send?.({ id, error: err instanceof Error ? err.message : String(err) }));
  });
  // the parent going away (Ctrl-C, crash) ends the child too
  process.on('disconnect', () => void onClose().finally(() => process.exit(0)));
  process.send({ type: 'ready', info });
}
