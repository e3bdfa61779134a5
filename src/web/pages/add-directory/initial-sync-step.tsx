/** Step 4: Sync Now with progress, review the results, then Enable automatic sync. */
import { useState } from 'react';
import { patch, post, type ApiFailure } from '../../api/client.js';
import { directoryGuard, runGuard, type Directory } from '../../api/types.js';
import { formatTime, frequencyLabel } from '../../lib/format.js';
import { toFailure } from '../../lib/use-async.js';
import { isFinished, useRun } from '../../lib/use-run.js';
import { href } from '../../router.js';
import { RunResults } from '../../components/run-results.js';
import { SyncLog } from '../../components/sync-log.js';
import { SyncProgress } from '../../components/sync-progress.js';
import { ErrorMessage, Notice } from '../../components/ui.js';
import { stepHref } from './steps.js';

export function InitialSyncStep({ directory, onChanged }: { directory: Directory; onChanged(): void }) {
  const [runId, setRunId] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const [enabled, setEnabled] = useState<Directory | null>(directory.settings.schedule.enabled ? directory : null);
  const { run, error, refresh } = useRun(runId);
  const finished = run && isFinished(run);

  async function syncNow() {
    setBusy(true);
    setFailure(null);
    try {
      setRunId((await post(`/directories/${encodeURIComponent(directory.id)}/sync`, {}, runGuard)).id);
    } catch (e) {
      setFailure(toFailure(e));
    } finally {
      setBusy(false);
    }
  }

  async function enable() {
    setBusy(true);
    setFailure(null);
    try {
      setEnabled(await patch(`/directories/${encodeURIComponent(directory.id)}`, { settings: { schedule: { ...directory.settings.schedule, enabled: true } } }, directoryGuard));
      onChanged();
    } catch (e) {
      setFailure(toFailure(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="card">
      <h2 className="step-title">Step 4: Run initial sync</h2>
      <p>Sync Now reads every user and group from {directory.target}, applies your settings and mappings, and shows what was imported. Review it before you turn on the schedule.</p>
      <div className="actions">
        <a className="btn btn-quiet" href={stepHref(directory.id, 3)}>Back</a>
        <button type="button" className="btn btn-primary" onClick={syncNow} disabled={busy || (!!run && !finished)}>{run ? 'Sync again' : 'Sync Now'}</button>
      </div>
      <ErrorMessage error={failure ?? error} />
      {run && !finished ? <SyncProgress run={run} /> : null}
      {run && finished ? (
        <>
          <RunResults run={run} onChanged={() => refresh()} />
          <SyncLog runId={run.id} />
          {run.status === 'succeeded' ? (
            <section className="enable-schedule" aria-labelledby="enable-title">
              <h2 id="enable-title">Automatic sync</h2>
              {enabled ? (
                <Notice kind="success">
                  <span data-testid="schedule-on">Automatic sync is on: {frequencyLabel(enabled.settings.schedule.frequency).toLowerCase()}. Next sync {formatTime(enabled.nextSyncAt, 'soon')}.</span>{' '}
                  <a href={href('directory-sync', directory.id)}>Open the directory</a>
                </Notice>
              ) : (
                <>
                  <p>Once you are satisfied with the results, enable the schedule ({frequencyLabel(directory.settings.schedule.frequency).toLowerCase()}).</p>
                  <button type="button" className="btn btn-primary" onClick={enable} disabled={busy}>Enable automatic sync</button>
                </>
              )}
            </section>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
