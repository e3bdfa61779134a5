/** One run: its results to review (or, for a preview, what would change) and its sync log. */
import { get } from '../api/client.js';
import { directoryGuard } from '../api/types.js';
import { RunResults } from '../components/run-results.js';
import { SyncLog } from '../components/sync-log.js';
import { SyncProgress } from '../components/sync-progress.js';
import { ErrorMessage, Loading, PageHeader } from '../components/ui.js';
import { formatTime } from '../lib/format.js';
import { useAsync } from '../lib/use-async.js';
import { isFinished, useRun } from '../lib/use-run.js';
import { href, navigate } from '../router.js';

export function RunPage({ directoryId, runId, query }: { directoryId: string; runId: string; query: URLSearchParams }) {
  const directory = useAsync(() => get(`/directories/${encodeURIComponent(directoryId)}`, directoryGuard), [directoryId]);
  const { run, error, refresh } = useRun(runId);
  const name = directory.data?.name ?? directoryId;
  const base = href('directory-sync', directoryId, 'runs', runId);
  return (
    <div>
      <PageHeader
        crumbs={[{ label: 'Identity' }, { label: 'Directory Sync', href: '#/directory-sync' }, { label: name, href: href('directory-sync', directoryId) }, { label: 'Run history', href: href('directory-sync', directoryId, 'runs') }]}
        title={run ? `${run.dryRun ? 'Preview' : 'Sync'} of ${formatTime(run.startedAt ?? run.createdAt)}` : 'Sync run'} />
      <ErrorMessage error={error ?? directory.error} />
      {!run ? <Loading /> : !isFinished(run) ? <SyncProgress run={run} /> : (
        <>
          <div className="card"><RunResults run={run} onChanged={refresh} /></div>
          <div className="card">
            <SyncLog runId={run.id} initialKind={query.get('kind') ?? ''} initialQuery={query.get('q') ?? ''}
              onFilterChange={({ kind, q }) => {
                const p = new URLSearchParams({ ...(kind ? { kind } : {}), ...(q ? { q } : {}) }).toString();
                const next = p ? `${base}?${p}` : base;
                if (window.location.hash !== next) navigate(next, { replace: true });
              }} />
          </div>
        </>
      )}
    </div>
  );
}
