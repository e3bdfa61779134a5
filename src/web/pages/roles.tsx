import { all } from '../api/client.js';
import { rolePage } from '../api/types.js';
import { Badge, ErrorMessage, Loading, PageHeader } from '../components/ui.js';
import { useAsync } from '../lib/use-async.js';

export function RolesPage() {
  const roles = useAsync(() => all('/roles', rolePage), []);
  return (
    <div>
      <PageHeader crumbs={[{ label: 'Identity' }, { label: 'Roles' }]} title="Roles">
        <p className="lead">Roles are granted per organization: by hand, as a directory's default role, or through a group mapping.</p>
      </PageHeader>
      <ErrorMessage error={roles.error} />
      {roles.loading && !roles.data ? <Loading /> : null}
      <div className="table-wrap card">
        <table className="data-table" data-testid="role-list">
          <thead><tr><th scope="col">Role</th><th scope="col">Key</th><th scope="col">Description</th></tr></thead>
          <tbody>
            {roles.data?.map((r) => <tr key={r.id}><td>{r.name} {r.builtIn ? <Badge tone="neutral">Built-in</Badge> : null}</td><td className="mono">{r.key}</td><td>{r.description ?? ''}</td></tr>)}
          </tbody>
        </table>
      </div>
    </div>
  );
}
