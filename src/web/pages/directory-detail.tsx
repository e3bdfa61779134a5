/** A directory: its dashboard, Sync Now, Preview (dry run), settings, group mappings and run history. */
import { useEffect, useState } from 'react';
import { get, post, type ApiFailure } from '../api/client.js';
import { directoryGuard, runGuard, runPage, type Directory, type Run } from '../api/types.js';
import { Figures } from '../components/figures.js';
import { GroupMappings } from '../components/group-mappings.js';
import { RunChart } from '../components/run-chart.js';
import { SettingsForm } from '../components/settings-form.js';
import { SyncProgress } from '../components/sync-progress.js';
import { ErrorMessage, Loading, Notice, PageHeader, StatusBadge } from '../components/ui.js';
import { chartPoints, dashboardFigures } from '../lib/figures.js';
import { formatDuration, formatNumber, formatTime, frequencyLabel, providerName } from '../lib/format.js';
import { toFailure, useAsync } from '../lib/use-async.js';
import { useProviders } from '../lib/use-providers.js';
import { isFinished, useRun } from '../lib/use-run.js';
import { href, navigate } from '../router.js';

const TABS = [
  { key: 'overview', label: 'Overview' },
  { key: 'settings', label: 'Settings' },
  { key: 'group-mapping', label: 'Group Mapping' },
  { key: 'runs', label: 'Run history' },
];

export function DirectoryDetailPage({ id, tab }: { id: string; tab: string }) {
  const state = useAsync(async () => {
    const [directory, runs] = await Promise.all([
      get(`/directories/${encodeURIComponent(id)}`, directoryGuard),
      get(`/directories/${encodeURIComponent(id)}/runs?limit=50`, runPage),
    ]);
    return { directory, runs: runs.data };
  }, [id]);
  const providers = useProviders();
  const [activeRunId, setActiveRunId] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const { run: active } = useRun(activeRunId);

  // a run already in progress (started elsewhere, or before a reload) is followed too
  useEffect(() => {
    const running = state.data?.runs.find((r) => !isFinished(r));
    if (running && !activeRunId) setActiveRunId(running.id);
  }, [state.data, activeRunId]);

  useEffect(() => {
    if (!active || !isFinished(active)) return;
    setActiveRunId(null);
    if (active.dryRun) navigate(href('directory-sync', id, 'runs', active.id));
    else state.reload();
    // state.reload is stable
  }, [active, id]);

  async function start(dryRun: boolean) {
    setFailure(null);
    try {
      setActiveRunId((await post(`/directories/${encodeURIComponent(id)}/sync`, { dryRun }, runGuard)).id);
    } catch (e) {
      setFailure(toFailure(e));
    }
  }

  if (state.loading && !state.data) return <Loading />;
  if (!state.data) return <ErrorMessage error={state.error} title="The directory could not be loaded" />;
  const { directory: d, runs } = state.data;
  const defaults = providers.data?.find((p) => p.id === d.provider)?.defaultAttributeMapping ?? {};
  const current = TABS.some((t) => t.key === tab) ? tab : 'overview';
  const blocked = runs.find((r) => r.status === 'blocked');
  const busy = !!activeRunId;

  return (
    <div>
      <PageHeader crumbs={[{ label: 'Identity' }, { label: 'Directory Sync', href: '#/directory-sync' }, { label: d.name }]} title={d.name}
        actions={<>
          <button type="button" className="btn" onClick={() => start(true)} disabled={busy}>Preview</button>
          <button type="button" className="btn btn-primary" onClick={() => start(false)} disabled={busy}>Sync Now</button>
        </>}>
        <p className="lead">{providerName(d.provider)} · {d.target} · <StatusBadge status={d.health} /> · {d.settings.schedule.enabled ? `Automatic sync ${frequencyLabel(d.settings.schedule.frequency).toLowerCase()}, next ${formatTime(d.nextSyncAt, 'soon')}` : 'Automatic sync off'}</p>
      </PageHeader>
      <ErrorMessage error={failure} title="The sync could not start" />
      {active && !isFinished(active) ? <SyncProgress run={active} /> : null}
      {blocked ? (
        <div className="alert alert-warning" role="status">
          <strong>A sync is waiting for your approval.</strong> {blocked.error?.message} <a href={href('directory-sync', d.id, 'runs', blocked.id)}>Review it</a>
        </div>
      ) : null}
      <nav className="tabs" aria-label="Directory sections">
        {TABS.map((t) => <a key={t.key} href={href('directory-sync', d.id, ...(t.key === 'overview' ? [] : [t.key]))} aria-current={current === t.key ? 'page' : undefined}>{t.label}</a>)}
      </nav>
      {current === 'overview' ? <Overview directory={d} runs={runs} /> : null}
      {current === 'settings' ? (
        <div className="card"><SettingsForm key={d.id} directory={d} defaults={defaults} onSaved={() => state.reload()} /></div>
      ) : null}
      {current === 'group-mapping' ? <div className="card"><GroupMappings directoryId={d.id} /></div> : null}
      {current === 'runs' ? <RunHistory directory={d} runs={runs} /> : null}
    </div>
  );
}

function Overview({ directory, runs }: { directory: Directory; runs: Run[] }) {
  const last = runs.find((r) => !r.dryRun && isFinished(r));
  return (
    <>
      <Figures figures={dashboardFigures([runs])} />
      <section className="card" aria-labelledby="d-chart">
        <h2 id="d-chart">Sync activity</h2>
        <RunChart points={chartPoints(runs)} />
      </section>
      {last ? (
        <section className="card" aria-labelledby="d-last">
          <h2 id="d-last">Latest sync</h2>
          <p><StatusBadge status={last.status} /> finished {formatTime(last.finishedAt)} in {formatDuration(last.durationMs)}. <a href={href('directory-sync', directory.id, 'runs', last.id)}>Results and sync log</a></p>
          {last.status === 'failed' && last.error ? <ErrorMessage error={`${last.error.message}${last.error.hint ? ` — ${last.error.hint}` : ''}`} /> : null}
        </section>
      ) : <Notice>No sync has run yet. Click Sync Now, or Preview to see what a sync would change.</Notice>}
    </>
  );
}

function RunHistory({ directory, runs }: { directory: Directory; runs: Run[] }) {
  if (!runs.length) return <p className="muted">No runs yet.</p>;
  return (
    <section className="card" aria-labelledby="runs-title">
      <h2 id="runs-title">Run history</h2>
      <div className="table-wrap">
        <table className="data-table" data-testid="run-history">
          <thead>
            <tr><th scope="col">Started</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Duration</th><th scope="col" className="num">Created</th><th scope="col" className="num">Updated</th><th scope="col" className="num">Deactivated</th><th scope="col" className="num">Groups</th><th scope="col" className="num">Errors</th><th scope="col"><span className="visually-hidden">Details</span></th></tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} data-run={r.id}>
                <td>{formatTime(r.startedAt ?? r.createdAt)}</td>
                <td>{r.dryRun ? 'Preview' : r.trigger === 'schedule' ? 'Scheduled' : 'Sync Now'}<div className="muted small">{r.mode}</div></td>
                <td><StatusBadge status={r.status} /></td>
                <td>{formatDuration(r.durationMs)}</td>
                <td className="num">{formatNumber(r.counts.usersCreated)}</td>
                <td className="num">{formatNumber(r.counts.usersUpdated)}</td>
                <td className="num">{formatNumber(r.counts.usersDeactivated)}</td>
                <td className="num">{formatNumber(r.counts.groupsProcessed)}</td>
                <td className="num">{formatNumber(r.counts.errors)}</td>
                <td><a href={href('directory-sync', directory.id, 'runs', r.id)}>Sync log<span className="visually-hidden"> of the run started {formatTime(r.startedAt ?? r.createdAt)}</span></a></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
