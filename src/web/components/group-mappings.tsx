/** Step 3, Map Groups: source group → AccessIQ organization + role, repeatable (Add Mapping). */
import { useState, type FormEvent } from 'react';
import { all, del, post, type ApiFailure } from '../api/client.js';
import { groupMappingGuard, groupMappingPage, organizationGuard } from '../api/types.js';
import { toFailure, useAsync } from '../lib/use-async.js';
import { useTenantLists } from '../lib/use-tenant-lists.js';
import { useSourceGroups } from './source-pickers.js';
import { ErrorMessage, Field, Loading } from './ui.js';

const NEW_ORG = '__new__';

export function GroupMappings({ directoryId }: { directoryId: string }) {
  const mappings = useAsync(() => all(`/directories/${encodeURIComponent(directoryId)}/group-mappings`, groupMappingPage), [directoryId]);
  const lists = useTenantLists();
  const [query, setQuery] = useState('');
  const source = useSourceGroups(directoryId, query);
  const [group, setGroup] = useState('');
  const [org, setOrg] = useState('');
  const [newOrgName, setNewOrgName] = useState('');
  const [role, setRole] = useState('member');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const [adding, setAdding] = useState(false);

  const orgName = (id: string) => lists.data?.organizations.find((o) => o.id === id)?.name ?? id;
  const roleName = (key: string) => lists.data?.roles.find((r) => r.key === key)?.name ?? key;

  async function add(e: FormEvent) {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!group) found.group = 'Select a source group.';
    if (!org) found.org = 'Choose an organization.';
    if (org === NEW_ORG && !newOrgName.trim()) found.newOrg = 'Name the new organization.';
    if (!role) found.role = 'Choose a role.';
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setFailure(null);
    try {
      let organizationId = org;
      if (org === NEW_ORG) {
        organizationId = (await post('/organizations', { name: newOrgName.trim() }, organizationGuard)).id;
        lists.reload();
      }
      await post(`/directories/${encodeURIComponent(directoryId)}/group-mappings`, { sourceGroupId: group, organizationId, role }, groupMappingGuard);
      setGroup('');
      setOrg('');
      setNewOrgName('');
      setAdding(false);
      mappings.reload();
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove(id: string) {
    try {
      await del(`/directories/${encodeURIComponent(directoryId)}/group-mappings/${encodeURIComponent(id)}`);
      mappings.reload();
    } catch (err) {
      setFailure(toFailure(err));
    }
  }

  return (
    <section className="group-mappings" aria-labelledby="gm-title" data-testid="group-mappings">
      <h2 id="gm-title">Group Mapping</h2>
      <p className="help">Members of a mapped group (nested members included) get the role in the organization. Leaving the group removes only that role.</p>
      <ErrorMessage error={mappings.error} />
      {mappings.loading && !mappings.data ? <Loading /> : null}
      {mappings.data?.length ? (
        <div className="table-wrap">
          <table className="data-table">
            <thead><tr><th scope="col">Source group</th><th scope="col">Organization</th><th scope="col">Role</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {mappings.data.map((m) => (
                <tr key={m.id} data-testid="mapping-row">
                  <td>{source.known[m.sourceGroupId] ?? m.sourceGroupId}</td>
                  <td>{orgName(m.organizationId)}</td>
                  <td>{roleName(m.role)}</td>
                  <td><button type="button" className="btn btn-quiet small" onClick={() => remove(m.id)} aria-label={`Remove mapping of ${source.known[m.sourceGroupId] ?? m.sourceGroupId}`}>Remove</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : mappings.data ? <p className="muted">No group is mapped yet.</p> : null}

      {adding ? (
        <form className="card add-mapping" onSubmit={add} noValidate aria-label="Add Mapping">
          <div className="row">
            <Field label="Search source groups">
              {(p) => <input {...p} type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Type to filter" />}
            </Field>
            <Field label="Source group" error={errors.group}>
              {(p) => (
                <select {...p} value={group} onChange={(e) => setGroup(e.target.value)}>
                  <option value="">{source.loading ? 'Reading groups…' : 'Select a group'}</option>
                  {source.groups.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
                </select>
              )}
            </Field>
          </div>
          <ErrorMessage error={source.error} title="The directory's groups could not be read" />
          <div className="row">
            <Field label="Organization" error={errors.org}>
              {(p) => (
                <select {...p} value={org} onChange={(e) => setOrg(e.target.value)}>
                  <option value="">Choose an organization</option>
                  {lists.data?.organizations.map((o) => <option key={o.id} value={o.id}>{o.name}{o.isPrimary ? ' (primary)' : ''}</option>)}
                  <option value={NEW_ORG}>New organization…</option>
                </select>
              )}
            </Field>
            {org === NEW_ORG ? (
              <Field label="New organization name" error={errors.newOrg}>{(p) => <input {...p} value={newOrgName} onChange={(e) => setNewOrgName(e.target.value)} />}</Field>
            ) : null}
            <Field label="Role" error={errors.role}>
              {(p) => (
                <select {...p} value={role} onChange={(e) => setRole(e.target.value)}>
                  {lists.data?.roles.map((r) => <option key={r.key} value={r.key}>{r.name}</option>)}
                </select>
              )}
            </Field>
          </div>
          <ErrorMessage error={failure} title="The mapping was not added" />
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? 'Adding…' : 'Add'}</button>
            <button type="button" className="btn btn-quiet" onClick={() => { setAdding(false); setErrors({}); setFailure(null); }}>Cancel</button>
          </div>
        </form>
      ) : (
        <button type="button" className="btn" onClick={() => setAdding(true)}>Add Mapping</button>
      )}
    </section>
  );
}
