import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Database, SyncRunRow } from '../schema.js';
import type { Store } from '../database.js';
import { newId } from '../../lib/ids.js';
import { emptyCounts, type RunCounts, type RunStatus, type RunTrigger } from '../../domain/run-counts.js';
import { clampLimit, decodeCursor, toPage, type PageRequest } from '../pagination.js';
import { jsonObject } from '../json-column.js';

export interface SyncRun {
  id: string;
  directoryId: string;
  status: RunStatus;
  trigger: RunTrigger;
  dryRun: boolean;
  mode: string;
  counts: RunCounts;
  error: { code: string; message: string; hint?: string } | null;
  progress: Record<string, unknown> | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

export const toRun = (r: SyncRunRow): SyncRun => ({
  id: r.id, directoryId: r.directory_id, status: r.status, trigger: r.trigger, dryRun: r.dry_run === 1, mode: r.mode,
  counts: { ...emptyCounts(), ...(jsonObject(r.counts) as Partial<RunCounts>) },
  error: r.error ? (jsonObject(r.error) as SyncRun['error']) : null,
  progress: r.progress ? jsonObject(r.progress) : null,
  createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at,
  durationMs: r.started_at && r.finished_at ? Date.parse(r.finished_at) - Date.parse(r.started_at) : null,
});

export interface SyncEvent {
  seq: number;
  kind: string;
  subject: string;
  message: string;
  details: Record<string, unknown> | null;
  createdAt: string;
}

export interface EventFilter {
  /** Exact kinds (`user.created`) or suffixes (`created` matches user.created and group.created). */
  kinds?: string[] | undefined;
  q?: string | undefined;
}

export function createRunRepository(db: Kysely<Database>, withoutWaiting: Store['withoutWaiting'] = (fn) => fn(db)) {
  return {
    /**
     * Queues a run unless the directory already has one queued or running: then returns that one
     * (`created: false`). The partial unique index makes this atomic across processes.
     */
    async enqueue(tenantId: string, directoryId: string, opts: { trigger: RunTrigger; dryRun: boolean; mode?: string }) {
      const row: SyncRunRow = {
        id: newId('run'), tenant_id: tenantId, directory_id: directoryId, status: 'queued', trigger: opts.trigger,
        dry_run: opts.dryRun ? 1 : 0, mode: opts.mode ?? 'auto', counts: JSON.stringify(emptyCounts()), error: null, progress: null,
        blocked_plan: null, lease_owner: null, lease_expires_at: null, created_at: new Date().toISOString(), started_at: null, finished_at: null,
      };
      try {
        await db.insertInto('sync_runs').values(row).execute();
        return { run: toRun(row), created: true };
      } catch (e) {
        const active = await this.active(tenantId, directoryId);
        if (active) return { run: active, created: false };
        throw e;
      }
    },

    async active(tenantId: string, directoryId: string) {
      const r = await db.selectFrom('sync_runs').selectAll().where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId)
        .where('status', 'in', ['queued', 'running']).executeTakeFirst();
      return r && toRun(r);
    },

    async get(tenantId: string, id: string) {
      const r = await db.selectFrom('sync_runs').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return r && toRun(r);
    },

    async getRow(id: string) {
      return db.selectFrom('sync_runs').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async listByDirectory(tenantId: string, directoryId: string, page: PageRequest) {
      const limit = clampLimit(page.limit);
      let q = db.selectFrom('sync_runs').selectAll().where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId);
      if (page.cursor) {
        const [created, id] = decodeCursor(page.cursor);
        q = q.where((eb) => eb.or([eb('created_at', '<', String(created)), eb.and([eb('created_at', '=', String(created)), eb('id', '<', id)])]));
      }
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
      return toPage(rows, limit, toRun, (r) => [r.created_at, r.id]);
    },

    /** The last finished, applied run of a directory (for the dashboard and the source-health gate). */
    async lastFinished(tenantId: string, directoryId: string, status?: RunStatus) {
      let q = db.selectFrom('sync_runs').selectAll().where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId)
        .where('dry_run', '=', 0).where('finished_at', 'is not', null);
      if (status) q = q.where('status', '=', status);
      const r = await q.orderBy('finished_at', 'desc').limit(1).executeTakeFirst();
      return r && toRun(r);
    },

    /**
     * Claims the oldest queued run, or a running one whose lease expired (its worker died), for
     * `owner`, in ONE statement: `UPDATE … WHERE id = (SELECT … LIMIT 1 [FOR UPDATE SKIP LOCKED])
     * RETURNING *`. On PostgreSQL the row lock makes concurrent workers skip each other's pick
     * instead of colliding; the repeated status/lease condition keeps the UPDATE conditional, so
     * of two racing claimers at most one changes the row (SQLite has a single writer anyway).
     * Lease times are this process's wall clock (leases measure process liveness, not the schedule).
     */
    async claimNext(owner: string, leaseMs: number, skipLocked: boolean): Promise<SyncRunRow | undefined> {
      const nowIso = new Date().toISOString();
      const claimable = (eb: ExpressionBuilder<Database, 'sync_runs'>) =>
        eb.or([eb('status', '=', 'queued'), eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', nowIso)])]);
      for (let attempt = 0; attempt < 3; attempt++) {
        const claimed = await db.updateTable('sync_runs')
          .set({ status: 'running', lease_owner: owner, lease_expires_at: new Date(Date.now() + leaseMs).toISOString(), started_at: sql`coalesce(started_at, ${nowIso})` })
          .where('id', '=', (eb) => {
            const pick = eb.selectFrom('sync_runs').select('id').where(claimable).orderBy('created_at').limit(1);
            return skipLocked ? pick.forUpdate().skipLocked() : pick;
          })
          .where(claimable)
          .returningAll()
          .executeTakeFirst();
        if (claimed) return claimed;
        // nothing claimable, or (PostgreSQL, READ COMMITTED) the picked row changed under us: look once more
        const any = await db.selectFrom('sync_runs').select('id').where(claimable).limit(1).executeTakeFirst();
        if (!any) return undefined;
      }
      return undefined;
    },

    /**
     * Extends the lease; false when another worker took the run over (then stop working on it).
     * Never waits for another connection's write lock (SQLite: the sync thread's apply): a refused
     * renewal throws and the next one, a third of a lease later, tries again; nobody else can take
     * a SQLite run's lease meanwhile (one process per SQLite file).
     */
    async renewLease(id: string, owner: string, leaseMs: number) {
      const r = await withoutWaiting((c) => c.updateTable('sync_runs').set({ lease_expires_at: new Date(Date.now() + leaseMs).toISOString() })
        .where('id', '=', id).where('lease_owner', '=', owner).where('status', '=', 'running').executeTakeFirst());
      return Number(r.numUpdatedRows) === 1;
    },

    async setProgress(id: string, progress: Record<string, unknown>) {
      await db.updateTable('sync_runs').set({ progress: JSON.stringify(progress) }).where('id', '=', id).where('status', '=', 'running').execute();
    },

    async events(tenantId: string, runId: string, filter: EventFilter, page: PageRequest) {
      const limit = clampLimit(page.limit);
      let q = db.selectFrom('sync_events').selectAll().where('tenant_id', '=', tenantId).where('run_id', '=', runId);
      if (filter.kinds?.length) {
        const kinds = filter.kinds;
        q = q.where((eb) => eb.or(kinds.flatMap((k) => (k.includes('.') ? [eb('kind', '=', k)] : [eb('kind', '=', k), eb('kind', 'like', `%.${k}`)]))));
      }
      if (filter.q) {
        const like = `%${filter.q.toLowerCase().replace(/[%_\\]/g, (c) => '\\' + c)}%`;
        q = q.where((eb) => eb.or([eb(eb.fn('lower', ['subject']), 'like', like), eb(eb.fn('lower', ['message']), 'like', like)]));
      }
      if (page.cursor) q = q.where('seq', '>', Number(decodeCursor(page.cursor)[0]));
      const rows = await q.orderBy('seq').limit(limit + 1).execute();
      return toPage(rows, limit, (e): SyncEvent => ({
        seq: e.seq, kind: e.kind, subject: e.subject, message: e.message, details: e.details ? jsonObject(e.details) : null, createdAt: e.created_at,
      }), (e) => [e.seq, '']);
    },
  };
}

export type RunRepository = ReturnType<typeof createRunRepository>;
