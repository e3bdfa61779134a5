/**
 * The attribute mapping editor: one row per AccessIQ field (target → expression in the provider's
 * record), starting from the provider's defaults, with a live preview on a real sample user.
 */
import { useEffect, useId, useState } from 'react';
import { post, type ApiFailure } from '../api/client.js';
import { mappingPreview } from '../api/types.js';
import type { z } from 'zod';
import { toFailure } from '../lib/use-async.js';
import { ErrorMessage } from './ui.js';

export interface MappingRow {
  key: number;
  target: string;
  expression: string;
}

let nextKey = 1;
export const toRows = (mapping: Record<string, string>): MappingRow[] => Object.entries(mapping).map(([target, expression]) => ({ key: nextKey++, target, expression }));
export const toMapping = (rows: MappingRow[]) => Object.fromEntries(rows.filter((r) => r.target.trim()).map((r) => [r.target.trim(), r.expression]));

const TARGET = /^(email|givenName|familyName|displayName|attributes\.[A-Za-z0-9_-]{1,64})$/;

/** Problems the console can see without asking the server (target names, blanks, duplicates). */
export function checkRows(rows: MappingRow[]): Record<number, string> {
  const errors: Record<number, string> = {};
  const seen = new Set<string>();
  for (const r of rows) {
    const t = r.target.trim();
    if (!t) errors[r.key] = 'Enter the AccessIQ field, e.g. givenName or attributes.costCenter.';
    else if (!TARGET.test(t)) errors[r.key] = 'Use email, givenName, familyName, displayName or attributes.<name> (letters, digits, _ or -).';
    else if (seen.has(t)) errors[r.key] = `${t} is mapped twice; keep one row.`;
    else if (!r.expression.trim()) errors[r.key] = 'Enter a source path such as profile.firstName, or remove the row.';
    seen.add(t);
  }
  return errors;
}

type Preview = z.infer<typeof mappingPreview>;

export function MappingEditor({ directoryId, rows, onChange, defaults, serverErrors = {} }: {
  directoryId: string;
  rows: MappingRow[];
  onChange(rows: MappingRow[]): void;
  defaults: Record<string, string>;
  serverErrors?: Record<string, string>;
}) {
  const id = useId();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<ApiFailure | null>(null);
  const [sampleIndex, setSampleIndex] = useState(0);
  const local = checkRows(rows);
  const mappingKey = JSON.stringify(toMapping(rows));

  useEffect(() => {
    let stale = false;
    const t = setTimeout(() => {
      post(`/directories/${encodeURIComponent(directoryId)}/mapping-preview`, { attributeMapping: JSON.parse(mappingKey) as Record<string, string>, sampleIndex }, mappingPreview).then(
        (p) => { if (!stale) { setPreview(p); setPreviewError(null); } },
        (e: unknown) => { if (!stale) setPreviewError(toFailure(e)); },
      );
    }, 350);
    return () => { stale = true; clearTimeout(t); };
  }, [directoryId, mappingKey, sampleIndex]);

  const previewErrors = Object.fromEntries((preview?.errors ?? []).map((e) => [e.target, e.message]));
  const update = (key: number, patch: Partial<MappingRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const valueOf = (target: string): string | null | undefined => {
    const v = preview?.values;
    if (!v) return undefined;
    if (target.startsWith('attributes.')) return v.attributes[target.slice('attributes.'.length)];
    if (target === 'email' || target === 'givenName' || target === 'familyName' || target === 'displayName') return v[target];
    return undefined;
  };

  return (
    <div className="mapping-editor" data-testid="mapping-editor">
      <div className="mapping-grid">
        <table className="data-table mapping-table">
          <caption className="visually-hidden">Attribute mapping</caption>
          <thead>
            <tr><th scope="col">AccessIQ field</th><th scope="col">Directory field or template</th><th scope="col">Sample value</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const problem = local[r.key] ?? serverErrors[r.target.trim()] ?? previewErrors[r.target.trim()];
              const value = valueOf(r.target.trim());
              const errId = `${id}-err-${r.key}`;
              return (
                <tr key={r.key} className={problem ? 'row-bad' : undefined} data-target={r.target}>
                  <td>
                    <label className="visually-hidden" htmlFor={`${id}-t-${r.key}`}>AccessIQ field, row {i + 1}</label>
                    <input id={`${id}-t-${r.key}`} value={r.target} onChange={(e) => update(r.key, { target: e.target.value })} aria-invalid={!!problem} {...(problem ? { 'aria-describedby': errId } : {})} spellCheck={false} />
                  </td>
                  <td>
                    <label className="visually-hidden" htmlFor={`${id}-e-${r.key}`}>Directory field for {r.target || `row ${i + 1}`}</label>
                    <input id={`${id}-e-${r.key}`} className="mono" value={r.expression} onChange={(e) => update(r.key, { expression: e.target.value })} aria-invalid={!!problem} {...(problem ? { 'aria-describedby': errId } : {})} spellCheck={false} />
                    {problem ? <p className="field-error" id={errId}>{problem}</p> : null}
                    {defaults[r.target.trim()] !== undefined && defaults[r.target.trim()] !== r.expression ? (
                      <button type="button" className="btn-link small" onClick={() => update(r.key, { expression: defaults[r.target.trim()]! })}>Use default ({defaults[r.target.trim()]})</button>
                    ) : null}
                  </td>
                  <td className="sample" data-testid="sample-value">{value === undefined ? <span className="muted">…</span> : value === null ? <span className="muted">(empty)</span> : value}</td>
                  <td><button type="button" className="btn btn-quiet small" onClick={() => onChange(rows.filter((x) => x.key !== r.key))} aria-label={`Remove ${r.target || `row ${i + 1}`}`}>Remove</button></td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <div className="actions">
          <button type="button" className="btn" onClick={() => onChange([...rows, { key: nextKey++, target: 'attributes.', expression: '' }])}>Add attribute</button>
          <button type="button" className="btn btn-quiet" onClick={() => onChange(toRows(defaults))}>Reset to provider defaults</button>
        </div>
        <p className="help">A path into the directory's user record (<code>profile.firstName</code>), a template (<code>{'{profile.firstName} {profile.lastName}'}</code>) or a function (<code>lower(profile.email)</code>, <code>default(a, b)</code>, <code>trim</code>, <code>replace</code>, <code>split</code>, <code>join</code>, <code>concat</code>, <code>substring</code>).</p>
      </div>
      <aside className="preview-panel" aria-labelledby={`${id}-preview`} aria-live="polite">
        <h3 id={`${id}-preview`}>Live preview</h3>
        <ErrorMessage error={previewError} title="The preview could not read a sample user" />
        {preview?.sample ? (
          <>
            <p className="muted">Sample user {(sampleIndex % Math.max(1, preview.sampleCount)) + 1} of the first {preview.sampleCount} read from the directory: <code>{preview.sample.externalId}</code>{preview.sample.enabled ? '' : ' (disabled at the source)'}</p>
            <button type="button" className="btn small" onClick={() => setSampleIndex((n) => n + 1)}>Next sample user</button>
            {preview.missing.length ? <p className="warn-text">Empty in this record: {preview.missing.join(', ')}</p> : null}
            <details>
              <summary>The directory's record</summary>
              <pre className="raw">{JSON.stringify(preview.sample.raw, null, 2)}</pre>
            </details>
          </>
        ) : preview ? <p className="muted">The directory returned no users to preview.</p> : !previewError ? <p className="muted">Reading a sample user…</p> : null}
      </aside>
    </div>
  );
}
