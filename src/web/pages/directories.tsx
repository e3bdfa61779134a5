/** Identity > Directory Sync: the dashboard of the product page and the list of directories. */
import { Figures } from '../components/figures.js';
import { RunChart } from '../components/run-chart.js';
import { ErrorMessage, Loading, PageHeader, StatusBadge } from '../components/ui.js';
import { chartPoints, dashboardFigures } from '../lib/figures.js';
import { formatRelative, formatTime, frequencyLabel, providerName } from '../lib/format.js';
import { useDirectoriesWithRuns } from '../lib/use-directory-runs.js';
import { href } from '../router.js';

export function DirectoriesPage() {
  const state = useDirectoriesWithRuns();
  const rows = state.data ?? [];
  const figures = dashboardFigures(rows.map((r) => r.runs));
  const points = chartPoints(rows.flatMap((r) => r.runs));
  return (
    <div>
      <PageHeader crumbs={[{ label: 'Identity' }, { label: 'Directory Sync' }]} title="Directory Sync"
        actions={<><button type="button" className="btn btn-quiet" onClick={state.reload}>Refresh</button><a className="btn btn-primary" href="#/directory-sync/new">Add Directory</a></>}>
        <p className="lead">Keeps your AccessIQ users and groups in sync with your external directory, on a schedule.</p>
      </PageHeader>
      <ErrorMessage error={state.error} />
      {state.loading && !state.data ? <Loading /> : null}
      {state.data ? (
        <>
          <Figures figures={figures} />
          <section className="card" aria-labelledby="chart-title">
            <h2 id="chart-title">Sync activity</h2>
            <RunChart points={points} />
          </section>
          <section className="card" aria-labelledby="list-title">
            <h2 id="list-title">Directories</h2>
            {rows.length ? (
              <div className="table-wrap">
                <table className="data-table" data-testid="directory-list">
                  <thead><tr><th scope="col">Directory</th><th scope="col">Provider</th><th scope="col">Status</th><th scope="col">Last sync</th><th scope="col">Next sync</th></tr></thead>
                  <tbody>
                    {rows.map(({ directory: d, runs }) => {
                      const latest = runs.find((r) => !r.dryRun);
                      return (
                        <tr key={d.id} data-directory={d.id}>
                          <td><a href={href('directory-sync', d.id)}>{d.name}</a><div className="muted small">{d.target}</div></td>
                          <td>{providerName(d.provider)}</td>
                          <td>
                            <StatusBadge status={d.health} />
                            {latest && (latest.status === 'running' || latest.status === 'queued' || latest.status === 'blocked') ? <> <StatusBadge status={latest.status} /></> : null}
                            {d.consecutiveFailures ? <div className="muted small">{d.consecutiveFailures} failed in a row</div> : null}
                          </td>
                          <td>{formatTime(d.lastSyncAt)}{d.lastSyncAt ? <div className="muted small">{formatRelative(d.lastSyncAt)}</div> : null}</td>
                          <td>{d.settings.schedule.enabled ? <>{formatTime(d.nextSyncAt, 'Soon')}<div className="muted small">{frequencyLabel(d.settings.schedule.frequency)}</div></> : <span className="muted">Automatic sync off</span>}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            ) : (
              <div className="empty-state">
                <p>No directory is connected yet.</p>
                <a className="btn btn-primary" href="#/directory-sync/new">Add Directory</a>
              </div>
            )}
          </section>
        </>
      ) : null}
    </div>
  );
}
