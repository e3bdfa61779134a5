/** A finished run's results to review: what was (or, for a preview, would be) imported and changed. */
import { useState } from 'react';
import { post, type ApiFailure } from '../api/client.js';
import { runGuard, type Run } from '../api/types.js';
import { formatDuration, formatNumber, formatTime } from '../lib/format.js';
import { toFailure } from '../lib/use-async.js';
import { ErrorMessage, Notice, StatusBadge } from './ui.js';

export function RunResults({ run, onChanged }: { run: Run; onChanged?: (run: Run) => void }) {
  const c = run.counts;
  const would = run.dryRun ? 'would be ' : '';
  const rows: Array<[string, number, string?]> = [
    ['Users created', c.usersCreated, 'created'],
    ['Users updated', c.usersUpdated, 'updated'],
    ['Users deactivated', c.usersDeactivated, 'deactivated'],
    ['Users reactivated', c.usersReactivated],
    ['Existing users linked by email', c.usersLinked],
    ['Users unchanged', c.usersUnchanged],
    ['Groups processed', c.groupsProcessed, 'groups'],
    ['Groups created', c.groupsCreated],
    ['Group memberships added', c.membershipsAdded],
    ['Group memberships removed', c.membershipsRemoved],
    ['Role grants added (default role and group mappings)', c.grantsAdded, 'grants'],
    ['Role grants revoked', c.grantsRevoked],
    ['Errors', c.errors, 'errors'],
  ];
  return (
    <section className="run-results" aria-labelledby={`results-${run.id}`} data-testid="run-results">
      <div className="section-head">
        <h2 id={`results-${run.id}`}>{run.dryRun ? 'Preview: what a sync would change' : 'Sync results'}</h2>
        <StatusBadge status={run.status} />
      </div>
      <p className="muted">
        {run.dryRun ? 'Nothing was changed. ' : ''}Started {formatTime(run.startedAt ?? run.createdAt)} · took {formatDuration(run.durationMs)} · {run.mode} read · {formatNumber(c.requests)} requests to the directory
      </p>
      {run.status === 'failed' && run.error ? (
        <ErrorMessage error={`${run.error.message}${run.error.hint ? ` — ${run.error.hint}` : ''}`} title="The sync failed; nothing was changed." />
      ) : null}
      {run.status === 'blocked' ? <BlockedRun run={run} onChanged={onChanged} /> : null}
      {run.status === 'rejected' ? <Notice kind="warning">An admin rejected this run; nothing was applied.</Notice> : null}
      <table className="counts-table">
        <caption className="visually-hidden">Counts {run.dryRun ? 'that would change' : 'of this run'}</caption>
        <tbody>
          {rows.map(([label, n, key]) => (
            <tr key={label} className={key === 'errors' && n > 0 ? 'row-bad' : undefined} {...(key ? { 'data-count': key } : {})}>
              <th scope="row">{label} {would && n ? <span className="visually-hidden">({would.trim()})</span> : null}</th>
              <td>{formatNumber(n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** A run stopped by a safeguard: nothing applied until an admin approves exactly this plan. */
function BlockedRun({ run, onChanged }: { run: Run; onChanged?: ((run: Run) => void) | undefined }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  async function act(what: 'approve' | 'reject') {
    if (what === 'approve' && !window.confirm('Apply this plan, including every deactivation listed in the sync log?')) return;
    setBusy(true);
    setError(null);
    try {
      onChanged?.(await post(`/sync-runs/${encodeURIComponent(run.id)}/${what}`, {}, runGuard));
    } catch (e) {
      setError(toFailure(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="alert alert-warning" role="status">
      <strong>This sync is waiting for your approval.</strong>
      <p>{run.error?.message ?? 'A safeguard stopped it before anything was written.'}</p>
      {run.error?.hint ? <p className="hint">{run.error.hint}</p> : null}
      <p>Review the sync log below. Approve applies exactly this plan; Reject discards it.</p>
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="button" className="btn btn-danger" disabled={busy} onClick={() => act('approve')}>Approve and apply</button>
        <button type="button" className="btn" disabled={busy} onClick={() => act('reject')}>Reject</button>
      </div>
    </div>
  );
}
