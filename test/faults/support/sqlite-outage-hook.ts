/**
 * The SQLite half of "the database is unavailable during the apply" (database-outage.ts), run
 * beside the connection that applies: the sync thread imports this module first (the fault rig's
 * `syncThreadPreload`), and the test process installs it too when syncs run in-process
 * (ACCESSIQ_SYNC_THREAD=0). The test arms it over a BroadcastChannel, which crosses threads.
 *
 * Armed, it watches that thread's better-sqlite3 `prepare`: when a handle inside a transaction
 * prepares its first write of the mirror (the apply), a second connection takes an EXCLUSIVE lock
 * and the applying handle's busy timeout is cut to 200 ms, so the write fails as it would behind a
 * backup or another process; the lock is released when the apply rolls back, and the busy timeout
 * restored.
 */
import { BroadcastChannel } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

export const OUTAGE_CHANNEL = 'accessiq-test-sqlite-outage';

export type OutageMessage =
  | { type: 'arm'; file: string }
  | { type: 'disarm' }
  | { type: 'armed' }
  | { type: 'happened'; what: string }
  | { type: 'disarmed'; happened: boolean };

let installed = false;

export function installSqliteOutageHook(): void {
  if (installed) return;
  installed = true;
  const channel = new BroadcastChannel(OUTAGE_CHANNEL);
  (channel as unknown as { unref(): void }).unref();
  const post = (m: OutageMessage) => channel.postMessage(m);
  const original = SQLite.prototype.prepare;
  let locker: SQLite.Database | null = null;
  let victim: { db: SQLite.Database; busyTimeout: number } | null = null;
  let state: 'idle' | 'armed' | 'locked' | 'done' = 'idle';

  function release() {
    if (locker?.inTransaction) locker.exec('ROLLBACK');
    if (victim) victim.db.pragma(`busy_timeout = ${victim.busyTimeout}`);
    victim = null;
  }

  SQLite.prototype.prepare = function prepare(this: SQLite.Database, source: string, ...rest: unknown[]) {
    if (locker && this !== locker) {
      if (state === 'armed' && this.inTransaction && /^insert into "directory_users"/i.test(source)) {
        // pragma() does not go through prepare(): no recursion into this hook
        const busyTimeout = this.pragma('busy_timeout', { simple: true }) as number;
        this.pragma('busy_timeout = 200');
        victim = { db: this, busyTimeout };
        locker.exec('BEGIN EXCLUSIVE');
        state = 'locked';
        post({ type: 'happened', what: 'another connection held an EXCLUSIVE lock when the apply wrote its first row' });
      } else if (state === 'locked' && this === victim?.db && /^rollback/i.test(source)) {
        release();
        state = 'done';
      }
    }
    return (original as (this: SQLite.Database, s: string, ...r: unknown[]) => SQLite.Statement).call(this, source, ...rest);
  } as typeof original;

  channel.onmessage = (event: unknown) => {
    const m = (event as { data: OutageMessage }).data;
    if (m.type === 'arm') {
      locker = new SQLite(m.file);
      state = 'armed';
      post({ type: 'armed' });
    } else if (m.type === 'disarm') {
      const happened = state === 'locked' || state === 'done';
      release();
      locker?.close();
      locker = null;
      state = 'idle';
      post({ type: 'disarmed', happened });
    }
  };
}

installSqliteOutageHook();
