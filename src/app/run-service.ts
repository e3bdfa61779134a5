/** Sync runs: read, approve or reject a blocked run. */
import type { AppContext } from './app-context.js';
import { ApiError, notFound } from './api-error.js';
import type { PageRequest } from '../store/pagination.js';
import type { EventFilter } from '../store/repositories/run-repository.js';
import { describeFailure } from '../sync/run-executor.js';
import { clearStagedUsers } from '../sync/staged-users.js';

export function createRunService(ctx: AppContext) {
  const { repos } = ctx;
  const db = ctx.store.db;

  async function get(tenantId: string, id: string) {
    const run = await repos.runs.get(tenantId, id);
    if (!run) throw notFound('sync run', id);
    return run;
  }

  return {
    get,
    async listForDirectory(tenantId: string, directoryId: string, page: PageRequest) {
      if (!(await repos.directories.get(tenantId, directoryId))) throw notFound('directory', directoryId);
      return repos.runs.listByDirectory(tenantId, directoryId, page);
    },
    async log(tenantId: string, id: string, filter: EventFilter, page: PageRequest) {
      await get(tenantId, id);
      return repos.runs.events(tenantId, id, filter, page);
    },

    /** Applies exactly the plan the blocked run holds. Only the newest run of the directory can be approved. */
    async approve(tenantId: string, id: string) {
      const run = await get(tenantId, id);
      if (run.status !== 'blocked') throw new ApiError(409, 'not_blocked', `Run ${id} is ${run.status}; only a blocked run can be approved.`);
      const newer = await db.selectFrom('sync_runs').select('id').where('tenant_id', '=', tenantId).where('directory_id', '=', run.directoryId)
        .where('dry_run', '=', 0).where('created_at', '>', run.createdAt).where('status', 'in', ['succeeded', 'running', 'queued']).executeTakeFirst();
      if (newer) throw new ApiError(409, 'stale_plan', `A later run (${newer.id}) has run since; this plan is out of date.`, { hint: 'Run Sync Now again and review the new result.' });
      // blocked → running, atomically: two approvals cannot both apply
      const claimed = await db.updateTable('sync_runs').set({ status: 'running' }).where('id', '=', id).where('tenant_id', '=', tenantId).where('status', '=', 'blocked').executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) throw new ApiError(409, 'not_blocked', `Run ${id} is no longer blocked.`);
      const row = (await repos.runs.getRow(id))!;
      try {
        await ctx.executor.applyBlocked({ ...row, status: 'blocked' });
      } catch (e) {
        const error = describeFailure(e);
        await db.updateTable('sync_runs').set({ status: 'blocked' }).where('id', '=', id).execute();
        throw new ApiError(409, 'approve_failed', `The plan could not be applied: ${error.message}`, { hint: 'Run Sync Now again and review the new result.' });
      }
      return get(tenantId, id);
    },

    async reject(tenantId: string, id: string) {
      const run = await get(tenantId, id);
      if (run.status !== 'blocked') throw new ApiError(409, 'not_blocked', `Run ${id} is ${run.status}; only a blocked run can be rejected.`);
      await db.updateTable('sync_runs').set({ status: 'rejected', blocked_plan: null }).where('id', '=', id).where('tenant_id', '=', tenantId).where('status', '=', 'blocked').execute();
      await clearStagedUsers(db, id);
      const seq = await db.selectFrom('sync_events').select((eb) => eb.fn.max('seq').as('max')).where('run_id', '=', id).executeTakeFirst();
      await db.insertInto('sync_events').values({ tenant_id: tenantId, run_id: id, seq: Number(seq?.max ?? 0) + 1, kind: 'rejected', subject: id, message: 'An admin rejected the run; nothing was applied.', details: null, created_at: new Date().toISOString() }).execute();
      return get(tenantId, id);
    },
  };
}

export type RunService = ReturnType<typeof createRunService>;
