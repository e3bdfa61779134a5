import { useState, type FormEvent } from 'react';
import { post, type ApiFailure } from '../api/client.js';
import { signedIn } from '../api/types.js';
import { ErrorMessage, Field } from '../components/ui.js';
import { toFailure } from '../lib/use-async.js';
import type { Admin } from '../session.js';

const MIN = 12;

/** The one-time setup link: creates the first admin of the default tenant. */
export function SetupPage({ token, onDone }: { token: string; onDone(admin: Admin): void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) found.email = 'Enter a valid email address.';
    if (password.length < MIN) found.password = `Use at least ${MIN} characters.`;
    if (confirm !== password) found.confirm = 'The two passwords differ.';
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      const r = await post('/setup', { token, email: email.trim(), password }, signedIn);
      window.location.hash = '#/directory-sync';
      onDone(r.admin);
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth-page">
      <form className="card auth-card" onSubmit={submit} noValidate aria-labelledby="setup-title">
        <p className="brand">AccessIQ</p>
        <h1 id="setup-title">Create the first admin</h1>
        <p className="muted">This link works once. The account you create here can add directories and API tokens.</p>
        <ErrorMessage error={failure} />
        <Field label="Email" error={errors.email}>
          {(p) => <input {...p} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field label="Password" help={`At least ${MIN} characters.`} error={errors.password}>
          {(p) => <input {...p} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <Field label="Confirm password" error={errors.confirm}>
          {(p) => <input {...p} type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />}
        </Field>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>{busy ? 'Creating…' : 'Create admin and sign in'}</button>
      </form>
    </main>
  );
}
