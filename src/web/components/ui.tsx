/** Small building blocks shared by every screen. */
import { useId, type ReactNode } from 'react';
import type { ApiFailure } from '../api/client.js';

export function PageHeader({ crumbs, title, actions, children }: { crumbs?: Array<{ label: string; href?: string }>; title: string; actions?: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      {crumbs?.length ? (
        <nav aria-label="Breadcrumb" className="crumbs">
          <ol>
            {crumbs.map((c, i) => <li key={i}>{c.href ? <a href={c.href}>{c.label}</a> : <span>{c.label}</span>}</li>)}
          </ol>
        </nav>
      ) : null}
      <div className="page-title-row">
        <h1 tabIndex={-1} className="page-title">{title}</h1>
        {actions ? <div className="actions">{actions}</div> : null}
      </div>
      {children}
    </header>
  );
}

/** An error where it happened: what went wrong and what to do. */
export function ErrorMessage({ error, title }: { error: ApiFailure | string | undefined | null; title?: string }) {
  if (!error) return null;
  const message = typeof error === 'string' ? error : error.message;
  const hint = typeof error === 'string' ? undefined : error.hint;
  return (
    <div className="alert alert-error" role="alert">
      {title ? <strong>{title}</strong> : null}
      <p>{message}</p>
      {hint ? <p className="hint">{hint}</p> : null}
    </div>
  );
}

export function Notice({ kind = 'info', children }: { kind?: 'info' | 'success' | 'warning'; children: ReactNode }) {
  return <div className={`alert alert-${kind}`} role="status">{children}</div>;
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return <p className="loading" role="status"><span className="spinner" aria-hidden="true" /> {label}</p>;
}

interface FieldProps {
  label: string;
  help?: ReactNode;
  error?: string | undefined;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}

/** A labelled control with its help text and its error, both announced with the control. */
export function Field({ label, help, error, children }: FieldProps) {
  const id = useId();
  const helpId = help ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [helpId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(describedBy ? { 'aria-describedby': describedBy } : {}), ...(error ? { 'aria-invalid': true } : {}) })}
      {help ? <p className="help" id={helpId}>{help}</p> : null}
      {error ? <p className="field-error" id={errorId}>{error}</p> : null}
    </div>
  );
}

export function Badge({ tone, children }: { tone: 'good' | 'bad' | 'warn' | 'neutral' | 'info'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  const tone = status === 'succeeded' || status === 'healthy' || status === 'active' ? 'good'
    : status === 'failed' || status === 'unhealthy' || status === 'rejected' ? 'bad'
      : status === 'blocked' || status === 'failing' ? 'warn'
        : status === 'running' || status === 'queued' ? 'info' : 'neutral';
  const label: Record<string, string> = {
    succeeded: 'Succeeded', failed: 'Failed', blocked: 'Waiting for approval', rejected: 'Rejected', running: 'Running', queued: 'Queued',
    healthy: 'Healthy', failing: 'Failing', unhealthy: 'Unhealthy', active: 'Active', deactivated: 'Deactivated',
  };
  return <Badge tone={tone}>{label[status] ?? status}</Badge>;
}

export function ProgressBar({ value, max, label }: { value: number | null; max: number | null; label: string }) {
  const determinate = value !== null && max !== null && max > 0;
  return (
    <div className="progress">
      <div
        className={`progress-track${determinate ? '' : ' indeterminate'}`}
        role="progressbar"
        aria-label={label}
        {...(determinate ? { 'aria-valuenow': Math.min(value, max), 'aria-valuemin': 0, 'aria-valuemax': max } : {})}
      >
        <div className="progress-fill" style={determinate ? { width: `${Math.min(100, (value / max) * 100)}%` } : undefined} />
      </div>
    </div>
  );
}
