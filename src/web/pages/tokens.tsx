/** API tokens: create (the token is shown once) and revoke. */
import { useState, type FormEvent } from 'react';
import { del, get, post, type ApiFailure } from '../api/client.js';
import { apiToken, createdApiToken } from '../api/types.js';
import { z } from 'zod';
import { Badge, ErrorMessage, Field, Loading, PageHeader } from '../components/ui.js';
import { formatTime } from '../lib/format.js';
import { toFailure, useAsync } from '../lib/use-async.js';

const tokenList = z.object({ data: z.array(apiToken) });

export function TokensPage() {
  const tokens = useAsync(() => get('/tokens', tokenList), []);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | undefined>();
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [copied, setCopied] = useState(false);

  async function create(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) { setNameError('Give the token a name, e.g. "CI pipeline".'); return; }
    setNameError(undefined);
    setFailure(null);
    try {
      const t = await post('/tokens', { name: name.trim() }, createdApiToken);
      setCreated({ name: t.name, token: t.token });
      setCopied(false);
      setName('');
      tokens.reload();
    } catch (err) {
      setFailure(toFailure(err));
    }
  }

  async function revoke(id: string, tokenName: string) {
    if (!window.confirm(`Revoke "${tokenName}"? Tools using it stop working at once.`)) return;
    try {
      await del(`/tokens/${encodeURIComponent(id)}`);
      tokens.reload();
    } catch (err) {
      setFailure(toFailure(err));
    }
  }

  return (
    <div>
      <PageHeader crumbs={[{ label: 'Settings' }, { label: 'API tokens' }]} title="API tokens">
        <p className="lead">Tokens let scripts and the <code>accessiq</code> CLI use the REST API as this tenant: send <code>Authorization: Bearer &lt;token&gt;</code>.</p>
      </PageHeader>
      <form className="card inline-form" onSubmit={create} noValidate>
        <Field label="Token name" error={nameError}>{(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        <button type="submit" className="btn btn-primary">Create token</button>
      </form>
      {created ? (
        <div className="alert alert-success" role="status" data-testid="new-token">
          <strong>Token "{created.name}" created. Copy it now: it is not shown again.</strong>
          <p><code className="token-value">{created.token}</code></p>
          <div className="actions">
            <button type="button" className="btn small" onClick={() => { void navigator.clipboard?.writeText(created.token).then(() => setCopied(true), () => undefined); }}>{copied ? 'Copied' : 'Copy'}</button>
            <button type="button" className="btn btn-quiet small" onClick={() => setCreated(null)}>Done</button>
          </div>
        </div>
      ) : null}
      <ErrorMessage error={failure ?? tokens.error} />
      {tokens.loading && !tokens.data ? <Loading /> : null}
      <div className="table-wrap card">
        <table className="data-table" data-testid="token-list">
          <thead><tr><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {tokens.data?.data.map((t) => (
              <tr key={t.id} data-token={t.name}>
                <td>{t.name}</td>
                <td className="mono">{t.prefix}…</td>
                <td>{formatTime(t.createdAt)}</td>
                <td>{formatTime(t.lastUsedAt, 'Never')}</td>
                <td>{t.revokedAt ? <Badge tone="bad">Revoked {formatTime(t.revokedAt)}</Badge> : <Badge tone="good">Active</Badge>}</td>
                <td>{t.revokedAt ? null : <button type="button" className="btn btn-quiet small" onClick={() => revoke(t.id, t.name)}>Revoke<span className="visually-hidden"> {t.name}</span></button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
