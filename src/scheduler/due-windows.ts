/**
 * The scheduler's database work. A due window is claimed by moving the directory's next_sync_at
 * forward with a conditional UPDATE (`… WHERE next_sync_at = <the value read>`), in the same
 * transaction that queues the run: of several processes that saw the same window, exactly one
 * moves it, and the window and its run are committed together or not at all. On PostgreSQL the
 * due rows are also read `FOR UPDATE SKIP LOCKED`, so concurrent schedulers split the due
 * directories between them instead of queueing behind each other's locks.
 */
import type { Kysely } from 'kysely';
import type { Database, SyncRunRow } from '../store/schema.js';
import { newId } from '../lib/ids.js';
import { emptyCounts } from '../domain/run-counts.js';
import { parseStoredSettings } from '../store/repositories/directory-repository.js';
import type { Schedule } from '../domain/directory-settings.js';

export interface ClaimedWindow {
  directoryId: string;
  tenantId: string;
  /** The window's due time (the next_sync_at that was claimed). */
  dueAt: string;
  nextSyncAt: string | null;
  /** The queued run, or null when a run of the directory was already queued or running (it covers the window). */
  runId: string | null;
}

export interface ClaimDueOptions {
  now: Date;
  limit: number;
  skipLocked: boolean;
  /** The next window after `now` for this schedule (null: the schedule is off or broken). */
  next(schedule: Schedule, directoryId: string, now: Date): string | null;
}

export async function claimDueWindows(db: Kysely<Database>, o: ClaimDueOptions): Promise<ClaimedWindow[]> {
  const due = (conn: Kysely<Database>) => {
    const q = conn.selectFrom('directories').select(['id', 'tenant_id', 'settings', 'next_sync_at'])
      .where('next_sync_at', 'is not', null).where('next_sync_at', '<=', o.now.toISOString())
      .orderBy('next_sync_at').limit(o.limit);
    return (o.skipLocked ? q.forUpdate().skipLocked() : q).execute();
  };
  if (o.skipLocked) return db.transaction().execute(async (tx) => claim(tx, await due(tx), o));
  // SQLite: read first, then a transaction whose first statement writes (a read-then-write
  // transaction could not upgrade its lock while another connection writes: "database is locked")
  const rows = await due(db);
  return rows.length ? db.transaction().execute((tx) => claim(tx, rows, o)) : [];
}

type DueRow = { id: string; tenant_id: string; settings: string; next_sync_at: string | null };

async function claim(tx: Kysely<Database>, rows: DueRow[], o: ClaimDueOptions): Promise<ClaimedWindow[]> {
  const claimed: ClaimedWindow[] = [];
  for (const r of rows) {
    const schedule = scheduleOf(r.settings);
    // a stored next_sync_at with the schedule off (or unreadable settings) is cleared, never run
    const next = schedule?.enabled ? o.next(schedule, r.id, o.now) : null;
    const moved = await tx.updateTable('directories').set({ next_sync_at: next })
      .where('id', '=', r.id).where('next_sync_at', '=', r.next_sync_at!).executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1 || !schedule?.enabled) continue; // another process took this window
    const run: SyncRunRow = {
      id: newId('run'), tenant_id: r.tenant_id, directory_id: r.id, status: 'queued', trigger: 'schedule', dry_run: 0, mode: 'auto',
      counts: JSON.stringify(emptyCounts()), error: null, progress: null, blocked_plan: null, lease_owner: null, lease_expires_at: null,
      created_at: new Date().toISOString(), started_at: null, finished_at: null,
    };
    // the partial unique index (one queued/running run per directory) turns a second run into nothing
    const inserted = await tx.insertInto('sync_runs').values(run).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst();
    claimed.push({ directoryId: r.id, tenantId: r.tenant_id, dueAt: r.next_sync_at!, nextSyncAt: next, runId: inserted?.id ?? null });
  }
  return claimed;
}

function scheduleOf(settings: string): Schedule | null {
  try {
    return parseStoredSettings(settings).schedule;
  } catch {
    return null;
  }
}
