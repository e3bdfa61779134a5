/**
 * "The database is unavailable mid-run", done for real on each engine.
 *
 * PostgreSQL: another session takes an EXCLUSIVE lock on `users`; once the service's apply
 * transaction is seen waiting on it (it has already written the mirror, groups and memberships),
 * that backend is killed with pg_terminate_backend (the connection is lost mid-apply), then the
 * lock is released. `dropIdleConnections` then kills the service's idle pooled connections too.
 *
 * SQLite: a database file cannot vanish under an open handle, and once the apply has written it
 * holds the only write lock, so the honest outage is another connection (a backup, a second
 * process) holding an EXCLUSIVE lock when the apply starts, for longer than the busy timeout. The
 * lock is taken from a second connection at the exact moment the service prepares its first write
 * of the apply (spotted through better-sqlite3's prepare), and released when the service rolls
 * back. The service's 10 s busy timeout is shortened to 200 ms for the test, then restored. The
 * lock is taken by sqlite-outage-hook.ts inside the sync thread (the apply's connection lives
 * there), armed from here over a BroadcastChannel.
 */
import path from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import pg from 'pg';
import { installSqliteOutageHook, OUTAGE_CHANNEL, type OutageMessage } from './sqlite-outage-hook.js';
import type { TestService } from '../../support/test-service.js';

export interface Outage {
  /** Resolves once the outage actually happened (the lock was hit and the connections killed). */
  happened: Promise<string>;
  restore(): Promise<void>;
}

/** Kills every connection of the service's pool (they are idle between runs); returns how many. */
export async function dropIdleConnections(svc: TestService): Promise<number> {
  const url = svc.database.databaseUrl!;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    // pids first, then the kills: in one WHERE clause PostgreSQL may call pg_terminate_backend
    // before the datname filter and kill other databases' sessions
    const r = await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [new URL(url).pathname.slice(1)]);
    for (const { pid } of r.rows) await c.query('SELECT pg_terminate_backend($1)', [pid]);
    return r.rows.length;
  } finally {
    await c.end();
  }
}

export async function arrangeOutage(svc: TestService): Promise<Outage> {
  return svc.ctx.store.engine === 'postgres' ? arrangePostgresOutage(svc) : arrangeSqliteOutage(svc);
}

async function arrangePostgresOutage(svc: TestService): Promise<Outage> {
  const url = svc.database.databaseUrl!;
  const dbName = new URL(url).pathname.slice(1);
  const locker = new pg.Client({ connectionString: url });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE users IN EXCLUSIVE MODE');
  const lockerPid = (await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  let stop = false;
  const happened = (async () => {
    // long enough for a read slowed by a loaded machine (1 s request timeouts, retries) to reach the apply
    const deadline = Date.now() + 45_000;
    while (!stop && Date.now() < deadline) {
      // a service session blocked by our lock: only the apply transaction writes users
      const waiting = await locker.query<{ pid: number; query: string }>(
        'SELECT pid, query FROM pg_stat_activity WHERE datname = $1 AND $2 = ANY(pg_blocking_pids(pid)) ORDER BY (backend_xid IS NOT NULL) DESC', [dbName, lockerPid]);
      const applying = waiting.rows[0];
      if (applying) {
        await locker.query('SELECT pg_terminate_backend($1)', [applying.pid]);
        await locker.query('ROLLBACK');
        return `the apply's connection was terminated while blocked ("${applying.query.slice(0, 30)}…")`;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await locker.query('ROLLBACK');
    return 'the apply never reached the lock';
  })();
  return {
    happened,
    async restore() {
      stop = true;
      await happened.catch(() => undefined);
      await locker.end();
    },
  };
}

async function arrangeSqliteOutage(svc: TestService): Promise<Outage> {
  // the hook runs beside the connection that applies: the sync thread's (preloaded by the rig),
  // or this process's when syncs run in-process
  if (process.env.ACCESSIQ_SYNC_THREAD === '0') installSqliteOutageHook();
  const channel = new BroadcastChannel(OUTAGE_CHANNEL);
  const next = (type: OutageMessage['type'], ms: number) => new Promise<OutageMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the SQLite outage hook did not answer "${type}" within ${ms} ms: is it preloaded in the sync thread (fault rig's syncThreadPreload)?`)), ms);
    channel.addEventListener('message', function on(event) {
      const m = (event as unknown as { data: OutageMessage }).data;
      if (m.type !== type) return;
      clearTimeout(timer);
      channel.removeEventListener('message', on);
      resolve(m);
    });
  });
  const armed = next('armed', 10_000);
  channel.postMessage({ type: 'arm', file: path.join(svc.database.dataDir, 'accessiq.db') } satisfies OutageMessage);
  await armed;
  let settle: (what: string) => void = () => undefined;
  const happened = new Promise<string>((resolve) => { settle = resolve; });
  void next('happened', 60_000).then((m) => settle(m.type === 'happened' ? m.what : ''), () => undefined);
  return {
    happened,
    async restore() {
      const disarmed = next('disarmed', 10_000);
      channel.postMessage({ type: 'disarm' } satisfies OutageMessage);
      const m = await disarmed;
      channel.close();
      if (m.type === 'disarmed' && !m.happened) settle('the apply never wrote');
    },
  };
}

/**
 * Records pg 'error' events nobody listens to instead of letting them throw: an unhandled one
 * would crash `accessiq serve` (the pool had no listener until 7b8ef30). `captured` lists them.
 */
export function captureUnhandledPgErrors() {
  const captured: string[] = [];
  const targets = [pg.Pool.prototype, pg.Client.prototype] as Array<{ emit(this: NodeJS.EventEmitter, event: string | symbol, ...args: unknown[]): boolean }>;
  const originals = targets.map((t) => t.emit);
  const own = targets.map((t) => Object.prototype.hasOwnProperty.call(t, 'emit'));
  targets.forEach((t, i) => {
    const original = originals[i]!;
    t.emit = function emit(this: NodeJS.EventEmitter, event: string | symbol, ...args: unknown[]) {
      if (event === 'error' && this.listenerCount('error') === 0) {
        captured.push(`${i === 0 ? 'Pool' : 'Client'}: ${args[0] instanceof Error ? args[0].message : String(args[0])}`);
        return false;
      }
      return original.call(this, event, ...args);
    };
  });
  return {
    captured,
    restore() {
      targets.forEach((t, i) => {
        if (own[i]) t.emit = originals[i]!;
        else delete (t as { emit?: unknown }).emit;
      });
    },
  };
}
