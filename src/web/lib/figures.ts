/**
 * The dashboard figures of the product page, from run records: the latest completed (applied, not
 * dry-run) sync of each directory. Last sync time is the newest of those; the other figures add up
 * what each directory's latest sync did.
 */
import type { Run } from '../api/types.js';

export interface DashboardFigures {
  lastSyncAt: string | null;
  usersCreated: number;
  usersUpdated: number;
  usersDeactivated: number;
  groupsSynced: number;
  errors: number;
  /** How many directories have completed a sync. */
  directoriesSynced: number;
}

const isCompleted = (r: Run) => !r.dryRun && r.status === 'succeeded' && r.finishedAt !== null;

/** `runs`: each directory's runs, newest first (as GET /directories/:id/runs answers). */
export function dashboardFigures(runsPerDirectory: Run[][]): DashboardFigures {
  const f: DashboardFigures = { lastSyncAt: null, usersCreated: 0, usersUpdated: 0, usersDeactivated: 0, groupsSynced: 0, errors: 0, directoriesSynced: 0 };
  for (const runs of runsPerDirectory) {
    const last = runs.find(isCompleted);
    if (!last) continue;
    f.directoriesSynced++;
    if (!f.lastSyncAt || last.finishedAt! > f.lastSyncAt) f.lastSyncAt = last.finishedAt;
    f.usersCreated += last.counts.usersCreated;
    f.usersUpdated += last.counts.usersUpdated;
    f.usersDeactivated += last.counts.usersDeactivated;
    f.groupsSynced += last.counts.groupsProcessed;
    f.errors += last.counts.errors;
  }
  return f;
}

export interface ChartPoint {
  runId: string;
  at: string;
  usersChanged: number;
  errors: number;
  failed: boolean;
}

/** Applied runs that finished (failed ones too: they show as errors), oldest first, at most `limit`. */
export function chartPoints(runs: Run[], limit = 20): ChartPoint[] {
  return runs
    .filter((r) => !r.dryRun && r.finishedAt && (r.status === 'succeeded' || r.status === 'failed'))
    .sort((a, b) => a.finishedAt!.localeCompare(b.finishedAt!))
    .slice(-limit)
    .map((r) => ({
      runId: r.id, at: r.finishedAt!,
      usersChanged: r.counts.usersCreated + r.counts.usersUpdated + r.counts.usersDeactivated + r.counts.usersReactivated,
      errors: r.counts.errors + (r.status === 'failed' ? 1 : 0),
      failed: r.status === 'failed',
    }));
}
