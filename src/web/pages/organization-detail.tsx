/** An organization's members with their roles, each with its source (manual, default role, group mapping). */
import { useEffect, useState } from 'react';
import { get } from '../api/client.js';
import { memberPage, organizationGuard } from '../api/types.js';
import type { z } from 'zod';
import { Badge, ErrorMessage, Loading, PageHeader, StatusBadge } from '../components/ui.js';
import { useAsync } from '../lib/use-async.js';
import { href } from '../router.js';
import { SOURCE_LABEL } from './user-detail.js';

type Member = z.infer<typeof memberPage>['data'][number];

export function OrganizationDetailPage({ id }: { id: string }) {
  const org = useAsync(() => get(`/organizations/${encodeURIComponent(id)}`, organizationGuard), [id]);
  const first = useAsync(() => get(`/organizations/${encodeURIComponent(id)}/members?limit=100`, memberPage), [id]);
  const [extra, setExtra] = useState<Member[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  useEffect(() => { setExtra([]); setCursor(first.data?.nextCursor ?? null); }, [first.data]);
  async function more() {
    if (!cursor) return;
    const p = await get(`/organizations/${encodeURIComponent(id)}/members?limit=100&cursor=${encodeURIComponent(cursor)}`, memberPage);
    setExtra((e) => [...e, ...p.data]);
    setCursor(p.nextCursor);
  }
  const members = [...(first.data?.data ?? []), ...extra];
  return (
    <div>
      <PageHeader crumbs={[{ label: 'Identity' }, { label: 'Organizations', href: '#/organizations' }, { label: org.data?.name ?? id }]} title={org.data?.name ?? 'Organization'} />
      <ErrorMessage error={org.error ?? first.error} />
      {first.loading && !first.data ? <Loading /> : null}
      <section className="card" aria-labelledby="members-title">
        <h2 id="members-title">Members and roles</h2>
        <div className="table-wrap">
          <table className="data-table" data-testid="member-list">
            <thead><tr><th scope="col">Member</th><th scope="col">Status</th><th scope="col">Roles (source)</th></tr></thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.userId}>
                  <td><a href={href('users', m.userId)}>{m.displayName ?? m.email ?? m.userId}</a>{m.displayName && m.email ? <div className="muted small">{m.email}</div> : null}</td>
                  <td><StatusBadge status={m.status} /></td>
                  <td>{m.roles.map((r, i) => <span key={i} className="role-grant">{r.role} <Badge tone={r.source === 'manual' ? 'neutral' : 'info'}>{SOURCE_LABEL[r.source]}</Badge></span>)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {!first.loading && !members.length ? <p className="muted">No members yet.</p> : null}
        {cursor ? <button type="button" className="btn" onClick={more}>Show more</button> : null}
      </section>
    </div>
  );
}
