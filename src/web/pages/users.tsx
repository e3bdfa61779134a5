/** Users: the result of syncs — status and source directory — searchable, paged. */
import { useEffect, useState } from 'react';
import { all, get, qs } from '../api/client.js';
import { directoryPage, userPage, type User } from '../api/types.js';
import { ErrorMessage, Loading, PageHeader, StatusBadge } from '../components/ui.js';
import { formatTime } from '../lib/format.js';
import { useAsync } from '../lib/use-async.js';
import { href } from '../router.js';

export function UsersPage({ query }: { query: URLSearchParams }) {
  const [search, setSearch] = useState(query.get('q') ?? '');
  const [q, setQ] = useState(search);
  const [status, setStatus] = useState(query.get('status') ?? '');
  const [directoryId, setDirectoryId] = useState(query.get('directoryId') ?? '');
  const [extra, setExtra] = useState<User[]>([]);
  const directories = useAsync(() => all('/directories', directoryPage), []);
  const first = useAsync(() => get(`/users${qs({ q, status, directoryId, limit: 50 })}`, userPage), [q, status, directoryId]);
  const [cursor, setCursor] = useState<string | null>(null);
  useEffect(() => { setExtra([]); setCursor(first.data?.nextCursor ?? null); }, [first.data]);
  useEffect(() => { const t = setTimeout(() => setQ(search.trim()), 300); return () => clearTimeout(t); }, [search]);

  // while the directory list loads, say so rather than flashing raw ids
  const dirName = (id: string | null) => (id ? (directories.data ? directories.data.find((d) => d.id === id)?.name ?? id : '…') : 'Created in AccessIQ');
  const users = [...(first.data?.data ?? []), ...extra];

  async function more() {
    if (!cursor) return;
    const p = await get(`/users${qs({ q, status, directoryId, limit: 50, cursor })}`, userPage);
    setExtra((e) => [...e, ...p.data]);
    setCursor(p.nextCursor);
  }

  return (
    <div>
      <PageHeader crumbs={[{ label: 'Identity' }, { label: 'Users' }]} title="Users" />
      <div className="filters card" role="search">
        <div className="field field-inline field-grow"><label htmlFor="users-q">Search</label><input id="users-q" type="search" placeholder="Name or email" value={search} onChange={(e) => setSearch(e.target.value)} /></div>
        <div className="field field-inline"><label htmlFor="users-status">Status</label>
          <select id="users-status" value={status} onChange={(e) => setStatus(e.target.value)}><option value="">Any</option><option value="active">Active</option><option value="deactivated">Deactivated</option></select>
        </div>
        <div className="field field-inline"><label htmlFor="users-dir">Source</label>
          <select id="users-dir" value={directoryId} onChange={(e) => setDirectoryId(e.target.value)}>
            <option value="">Any directory</option>
            {directories.data?.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
          </select>
        </div>
      </div>
      <ErrorMessage error={first.error} />
      <div className="table-wrap card">
        <table className="data-table" data-testid="user-list">
          <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Status</th><th scope="col">Source directory</th><th scope="col">Updated</th></tr></thead>
          <tbody aria-busy={first.loading}>
            {users.map((u) => (
              <tr key={u.id}>
                <td><a href={href('users', u.id)}>{u.displayName ?? ([u.givenName, u.familyName].filter(Boolean).join(' ') || u.email || u.id)}</a></td>
                <td>{u.email ?? <span className="muted">—</span>}</td>
                <td><StatusBadge status={u.status} /></td>
                <td>{dirName(u.directoryId)}</td>
                <td>{formatTime(u.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {first.loading ? <Loading /> : !users.length ? <p className="muted empty">No users match. Users appear here after a directory sync.</p> : null}
        {cursor && !first.loading ? <button type="button" className="btn" onClick={more}>Show more</button> : null}
      </div>
    </div>
  );
}
