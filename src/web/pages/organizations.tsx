import { all } from '../api/client.js';
import { organizationPage } from '../api/types.js';
import { Badge, ErrorMessage, Loading, PageHeader } from '../components/ui.js';
import { formatTime } from '../lib/format.js';
import { useAsync } from '../lib/use-async.js';
import { href } from '../router.js';

export function OrganizationsPage() {
  const orgs = useAsync(() => all('/organizations', organizationPage), []);
  return (
    <div>
      <PageHeader crumbs={[{ label: 'Identity' }, { label: 'Organizations' }]} title="Organizations" />
      <ErrorMessage error={orgs.error} />
      {orgs.loading && !orgs.data ? <Loading /> : null}
      <div className="table-wrap card">
        <table className="data-table" data-testid="organization-list">
          <thead><tr><th scope="col">Organization</th><th scope="col">Created</th></tr></thead>
          <tbody>
            {orgs.data?.map((o) => (
              <tr key={o.id}><td><a href={href('organizations', o.id)}>{o.name}</a> {o.isPrimary ? <Badge tone="info">Primary</Badge> : null}</td><td>{formatTime(o.createdAt)}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
