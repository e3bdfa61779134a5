/** Step 1: choose the provider, enter credentials, Test connection. */
import { useEffect, useState, type FormEvent } from 'react';
import { del, patch, post, type ApiFailure } from '../../api/client.js';
import { directoryGuard, testResult, type Directory } from '../../api/types.js';
import { PROVIDERS, type ProviderId } from '../../lib/format.js';
import { toFailure } from '../../lib/use-async.js';
import { navigate } from '../../router.js';
import { CredentialsForm, checkCredentials, credentialIssues, credentialsBody, type Credentials } from '../../components/credentials-form.js';
import { ErrorMessage, Field, Notice } from '../../components/ui.js';

const isProvider = (p: string): p is ProviderId => PROVIDERS.some((x) => x.id === p);

export function ConnectStep({ directoryId, directory, onConnected, onCreated }: { directoryId: string | undefined; directory: Directory | null; onConnected(id: string): void; onCreated(id: string): void }) {
  const [provider, setProvider] = useState<ProviderId | ''>(directory && isProvider(directory.provider) ? directory.provider : '');
  const [name, setName] = useState(directory?.name ?? '');
  const [values, setValues] = useState<Credentials>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [result, setResult] = useState<{ ok: boolean; message: string; code?: string | undefined } | null>(null);
  const [busy, setBusy] = useState(false);
  const [credentialsDirty, setCredentialsDirty] = useState(!directoryId);
  // the directory exists from the first test on; the prop catches up after the address changes
  const [dirId, setDirId] = useState<string | null>(directoryId ?? null);
  const [savedName, setSavedName] = useState(directory?.name ?? '');
  // back at step 1 after a reload: fill the form from the saved directory once it has loaded
  useEffect(() => {
    if (!directory) return;
    const saved = directory.provider;
    if (isProvider(saved)) setProvider((p) => p || saved);
    setName((n) => n || directory.name);
    setSavedName((n) => n || directory.name);
  }, [directory]);

  async function test(e: FormEvent) {
    e.preventDefault();
    if (!provider) { setErrors({ provider: 'Choose your directory provider.' }); return; }
    const found: Record<string, string> = {
      ...(credentialsDirty || !dirId ? checkCredentials(provider, values) : {}),
      ...(name.trim() ? {} : { name: 'Give the directory a name, e.g. "Acme Okta".' }),
    };
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setFailure(null);
    setResult(null);
    try {
      let id = dirId;
      if (!id) {
        id = (await post('/directories', { name: name.trim(), provider, credentials: credentialsBody(provider, values) }, directoryGuard)).id;
        setDirId(id);
        onCreated(id);
      } else if (credentialsDirty || name.trim() !== savedName) {
        await patch(`/directories/${encodeURIComponent(id)}`, { name: name.trim(), ...(credentialsDirty ? { credentials: credentialsBody(provider, values) } : {}) }, directoryGuard);
      }
      setSavedName(name.trim());
      setCredentialsDirty(false);
      setResult(await post(`/directories/${encodeURIComponent(id)}/test`, {}, testResult));
    } catch (err) {
      const f = toFailure(err);
      setFailure(f);
      setErrors(credentialIssues(f.issues));
    } finally {
      setBusy(false);
    }
  }

  async function discard() {
    if (dirId && window.confirm(`Discard "${savedName}"? Nothing has been synced from it.`)) {
      await del(`/directories/${encodeURIComponent(dirId)}`).catch(() => undefined);
    }
    navigate('#/directory-sync');
  }

  return (
    <form className="card" onSubmit={test} noValidate aria-labelledby="connect-title">
      <h2 id="connect-title" className="step-title">Step 1: Connect your directory</h2>
      <fieldset className="provider-choice" disabled={!!dirId} aria-describedby={errors.provider ? 'provider-error' : undefined}>
        <legend>Directory provider</legend>
        <div className="provider-cards">
          {PROVIDERS.map((p) => (
            <label key={p.id} className={`provider-card${provider === p.id ? ' selected' : ''}`}>
              <input type="radio" name="provider" value={p.id} checked={provider === p.id} onChange={() => { setProvider(p.id); setValues({}); setErrors({}); setResult(null); if (!name) setName(`${p.name}`); }} />
              <span className="provider-name">{p.name}</span>
            </label>
          ))}
        </div>
        {errors.provider ? <p className="field-error" id="provider-error">{errors.provider}</p> : null}
      </fieldset>
      {provider ? (
        <>
          <Field label="Directory name" help="How this directory appears in AccessIQ." error={errors.name}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <h3>Directory admin credentials</h3>
          {dirId && !credentialsDirty ? (
            <Notice>Credentials are stored{directory ? ` for ${directory.target}` : ''} (never shown again). <button type="button" className="btn-link" onClick={() => setCredentialsDirty(true)}>Replace credentials</button></Notice>
          ) : (
            <CredentialsForm provider={provider} values={values} onChange={(v) => { setValues(v); setCredentialsDirty(true); }} errors={errors} keepSecrets={!!dirId} />
          )}
        </>
      ) : null}
      <ErrorMessage error={failure} title="The connection could not be tested" />
      {result ? (
        result.ok
          ? <div className="alert alert-success" role="status" data-testid="test-result"><strong>Connection works.</strong><p>{result.message}</p></div>
          : <div className="alert alert-error" role="alert" data-testid="test-result"><strong>Connection failed{result.code ? ` (${result.code.replace(/_/g, ' ')})` : ''}.</strong><p>{result.message}</p><p className="hint">Check the credentials above, then test again.</p></div>
      ) : null}
      <div className="actions form-actions">
        <button type="button" className="btn btn-quiet" onClick={discard}>Cancel</button>
        <button type="submit" className="btn" disabled={busy || !provider}>{busy ? 'Testing…' : 'Test connection'}</button>
        <button type="button" className="btn btn-primary" disabled={!dirId || !result?.ok || credentialsDirty} onClick={() => dirId && onConnected(dirId)}>Continue</button>
      </div>
    </form>
  );
}
