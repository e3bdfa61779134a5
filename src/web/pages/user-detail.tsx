/** A user: profile as mapped, and each organization role with where it comes from. */
import { Fragment } from 'react';
import { all, get } from '../api/client.js';
import { directoryPage, organizationPage, userWithGrants } from '../api/types.js';
import { Badge, ErrorMessage, Loading, PageHeader, StatusBadge } from '../components/ui.js';
import { formatTime } from '../lib/format.js';
import { useAsync } from '../lib/use-async.js';
import { href } from '../router.js';

export const SOURCE_LABEL = { manual: 'Manual', 'default-role': 'Default role', 'group-mapping': 'Group mapping' } as const;

export function UserDetailPage({ id }: { id: string }) {
  const state = useAsync(async () => {
    const [user, orgs, dirs] = await Promise.all([get(`/users/${encodeURIComponent(id)}`, userWithGrants), all('/organizations', organizationPage), all('/directories', directoryPage)]);
    return { user, orgs, dirs };
  }, [id]);
  if (state.loading && !state.data) return <Loading />;
  if (!state.data) return <ErrorMessage error={state.error} />;
  const { user: u, orgs, dirs } = state.data;
  const name = u.displayName ?? ([u.givenName, u.familyName].filter(Boolean).join(' ') || u.email || u.id);
  const dir = dirs.find((d) => d.id === u.directoryId);
  return (
    <div>
      <PageHeader crumbs={[{ label: 'Identity' }, { label: 'Users', href: '#/users' }, { label: name }]} title={name}>
        <p className="lead"><StatusBadge status={u.status} /> {u.email}</p>
      </PageHeader>
      <section className="card" aria-labelledby="u-profile">
        <h2 id="u-profile">Profile</h2>
        <dl className="props">
          <dt>Given name</dt><dd>{u.givenName ?? '—'}</dd>
          <dt>Family name</dt><dd>{u.familyName ?? '—'}</dd>
          <dt>Source</dt><dd>{dir ? <a href={href('directory-sync', dir.id)}>{dir.name}</a> : u.directoryId ?? 'Created in AccessIQ'}{u.externalId ? <span className="muted small mono"> ({u.externalId})</span> : null}</dd>
          {Object.entries(u.attributes).map(([k, v]) => <Fragment key={k}><dt>{k}</dt><dd>{v ?? '—'}</dd></Fragment>)}
          <dt>Created</dt><dd>{formatTime(u.createdAt)}</dd>
          {u.deactivatedAt ? <><dt>Deactivated</dt><dd>{formatTime(u.deactivatedAt)}</dd></> : null}
        </dl>
      </section>
      <section className="card" aria-labelledby="u-roles">
        <h2 id="u-roles">Organizations and roles</h2>
        {u.grants.length ? (
          <div className="table-wrap">
            <table className="data-table" data-testid="user-grants">
              <thead><tr><th scope="col">Organization</th><th scope="col">Role</th><th scope="col">Source</th></tr></thead>
              <tbody>
                {u.grants.map((g) => (
                  <tr key={g.id}>
                    <td><a href={href('organizations', g.organizationId)}>{orgs.find((o) => o.id === g.organizationId)?.name ?? g.organizationId}</a></td>
                    <td>{g.role}</td>
                    <td><Badge tone={g.source === 'manual' ? 'neutral' : 'info'}>{SOURCE_LABEL[g.source]}</Badge>{g.directoryId ? <span className="muted small"> from {dirs.find((d) => d.id === g.directoryId)?.name ?? g.directoryId}</span> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : <p className="muted">No roles.</p>}
      </section>
    </div>
  );
}
