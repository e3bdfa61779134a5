/** How a sync run reads in the terminal: the counts table, its errors, what to do next. */
import type { ApiClient } from './api-client.js';
import { formatDuration, formatNumber, formatTable } from './format.js';
import { logEntryGuard, type LogEntryView, type RunCountsView, type RunView } from './wire.js';

export const FINISHED = new Set(['succeeded', 'failed', 'blocked', 'rejected']);

const COUNT_ROWS: [keyof RunCountsView, string][] = [
  ['usersCreated', 'Users created'],
  ['usersUpdated', 'Users updated'],
  ['usersDeactivated', 'Users deactivated'],
  ['usersReactivated', 'Users reactivated'],
  ['usersUnchanged', 'Users unchanged'],
  ['groupsProcessed', 'Groups processed'],
  ['membershipsAdded', 'Memberships added'],
  ['membershipsRemoved', 'Memberships removed'],
  ['errors', 'Errors'],
];

export function countsTable(counts: RunCountsView): string {
  return formatTable(['RESULT', 'COUNT'], COUNT_ROWS.map(([k, label]) => [label, formatNumber(Number(counts[k] ?? 0))]), { alignRight: [1] });
}

export function runHeadline(run: RunView, directoryName?: string): string {
  const what = `${run.dryRun ? 'Dry run' : 'Sync'}${directoryName ? ` of ${directoryName}` : ''}`;
  const took = run.durationMs ?? (run.startedAt && run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : null);
  return `${what} ${run.status}${took !== null ? ` in ${formatDuration(took)}` : ''} (run ${run.id}).${run.dryRun && run.status === 'succeeded' ? ' Nothing was written: these are the changes a sync would make.' : ''}`;
}

export function firstErrors(client: ApiClient, runId: string, max = 10): Promise<LogEntryView[]> {
  return client.all(`/sync-runs/${encodeURIComponent(runId)}/log`, logEntryGuard, { kind: 'error' }, max);
}

export function errorsTable(entries: LogEntryView[]): string {
  return formatTable(['SUBJECT', 'ERROR'], entries.map((e) => [e.subject ?? '', e.message]));
}

/** The full human summary of a finished run. */
export function runSummary(run: RunView, errors: LogEntryView[], directoryName?: string): string {
  const parts = [runHeadline(run, directoryName), '', countsTable(run.counts)];
  if (run.error) parts.push('', `${run.status === 'blocked' ? 'Blocked' : 'Reason'}: ${run.error.message}`, ...(run.error.hint ? [`Hint: ${run.error.hint}`] : []));
  if (errors.length > 0) {
    const total = Number(run.counts.errors ?? errors.length);
    parts.push('', total > errors.length ? `First ${errors.length} of ${formatNumber(total)} errors:` : 'Errors:', errorsTable(errors));
    parts.push(`Full log: accessiq run log ${run.id} --kind error`);
  }
  if (run.status === 'blocked') parts.push('', `Review the run, then \`accessiq run approve ${run.id}\` to apply it or \`accessiq run reject ${run.id}\`.`);
  return parts.join('\n');
}

/** sync's exit code: 0 succeeded, 2 blocked (waiting for an admin), 1 anything else. */
export const exitCodeOf = (status: string): number => (status === 'succeeded' ? 0 : status === 'blocked' ? 2 : 1);
