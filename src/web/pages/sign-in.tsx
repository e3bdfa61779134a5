import { useState, type FormEvent } from 'react';
import { post, type ApiFailure } from '../api/client.js';
import { signedIn } from '../api/types.js';
import { ErrorMessage, Field, Notice } from '../components/ui.js';
import { toFailure } from '../lib/use-async.js';
import type { Admin } from '../session.js';

export function SignInPage({ setupRequired, expired, onSignedIn }: { setupRequired: boolean; expired: boolean; onSignedIn(admin: Admin): void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string; password?: string }>({});
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = { ...(email.trim() ? {} : { email: 'Enter your email.' }), ...(password ? {} : { password: 'Enter your password.' }) };
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setFailure(null);
    try {
      const r = await post('/session', { email: email.trim(), password }, signedIn);
      onSignedIn(r.admin);
    } catch (err) {
      setFailure(toFailure(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth-page">
      <form className="card auth-card" onSubmit={submit} noValidate aria-labelledby="signin-title">
        <p className="brand">AccessIQ</p>
        <h1 id="signin-title">Sign in to the console</h1>
        {expired ? <Notice kind="warning">Your session has ended. Sign in again to continue.</Notice> : null}
        {setupRequired ? <Notice>No admin exists yet: open the one-time setup link printed in the service log at start.</Notice> : null}
        <ErrorMessage error={failure} />
        <Field label="Email" error={errors.email}>
          {(p) => <input {...p} type="email" name="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />}
        </Field>
        <Field label="Password" error={errors.password}>
          {(p) => <input {...p} type="password" name="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
