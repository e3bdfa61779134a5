/** Audit log: who changed what and when (configuration changes, approvals), newest first, filterable by action. */
import { useState } from 'react';
import { get, qs } from '../api/client.js';
import { auditPage, type AuditEntry } from '../api/types.js';
import { AUDIT_ACTIONS } from '../../api/audit-schemas.js';
import { ErrorMessage, Field, Loading, PageHeader } from '../components/ui.js';
import { formatTime } from '../lib/format.js';
import { toFailure, useAsync } from '../lib/use-async.js';
import type { ApiFailure } from '../api/client.js';

const PAGE = 50;

export function AuditLogPage() {
  const [action, setAction] = useState('');
  const first = useAsync(() => get(`/audit-log${qs({ limit: PAGE, action })}`, auditPage), [action]);
  const [more, setMore] = useState<{ entries: AuditEntry[]; cursor: string | null; forAction: string } | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const extra = more?.forAction === action ? more : null;
  const entries = [...(first.data?.data ?? []), ...(extra?.entries ?? [])];
  const cursor = extra ? extra.cursor : first.data?.nextCursor ?? null;

  async function loadMore() {
    if (!cursor) return;
    try {
      const page = await get(`/audit-log${qs({ limit: PAGE, action, cursor })}`, auditPage);
      setMore({ entries: [...(extra?.entries ?? []), ...page.data], cursor: page.nextCursor, forAction: action });
    } catch (err) {
      setFailure(toFailure(err));
    }
  }

  return (
    <div>
      <PageHeader crumbs={[{ label: 'Settings' }, { label: 'Audit log' }]} title="Audit log">
        <p className="lead">Every configuration change and every approval of a blocked sync: who, what and when. Secrets show as [redacted].</p>
      </PageHeader>
      <div className="card inline-form">
        <Field label="Action">{(p) => (
          <select {...p} value={action} onChange={(e) => setAction(e.target.value)} data-testid="audit-action">
            <option value="">All actions</option>
            {AUDIT_ACTIONS.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        )}</Field>
      </div>
      <ErrorMessage error={failure ?? first.error} />
      {first.loading && !first.data ? <Loading /> : null}
      <div className="table-wrap card">
        <table className="data-table" data-testid="audit-list">
          <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Details</th></tr></thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-action={e.action}>
                <td>{formatTime(e.createdAt)}</td>
                <td className="mono">{e.actor}</td>
                <td>{e.action}</td>
                <td className="mono">{e.targetType} {e.targetId}</td>
                <td><Details details={e.details} /></td>
              </tr>
            ))}
            {first.data && entries.length === 0 ? <tr><td colSpan={5}>Nothing recorded{action ? ` for ${action}` : ''} yet.</td></tr> : null}
          </tbody>
        </table>
      </div>
      {cursor ? <button type="button" className="btn" onClick={() => void loadMore()}>Load more</button> : null}
    </div>
  );
}

/** A settings diff as "path: from → to" lines; other details as compact JSON. */
function Details({ details }: { details: AuditEntry['details'] }) {
  if (!details) return null;
  const { changes, ...rest } = details;
  const diff = changes && typeof changes === 'object' ? Object.entries(changes as Record<string, { from?: unknown; to?: unknown }>) : [];
  return (
    <div className="audit-details">
      {diff.map(([path, c]) => <div key={path}><code>{path}</code>: {JSON.stringify(c.from)} → {JSON.stringify(c.to)}</div>)}
      {Object.keys(rest).length ? <code className="mono">{JSON.stringify(rest)}</code> : null}
    </div>
  );
}
