/** A run's sync log: filter by kind (the API's ?kind=) and search (?q=), newest pages on demand. */
import { useEffect, useId, useState } from 'react';
import { get, qs, type ApiFailure } from '../api/client.js';
import { logPage, type LogEntry } from '../api/types.js';
import { toFailure } from '../lib/use-async.js';
import { ErrorMessage, Loading } from './ui.js';

export const LOG_KINDS = [
  { value: '', label: 'All entries' },
  { value: 'created', label: 'Created' },
  { value: 'updated', label: 'Updated' },
  { value: 'deactivated', label: 'Deactivated' },
  { value: 'error', label: 'Errors' },
] as const;

function kindTone(kind: string) {
  if (kind === 'error' || kind.endsWith('.deactivated') || kind === 'safeguard') return 'bad';
  if (kind.endsWith('.created') || kind.endsWith('.added') || kind.endsWith('.reactivated')) return 'good';
  return 'neutral';
}

export function SyncLog({ runId, initialKind = '', initialQuery = '', onFilterChange }: { runId: string; initialKind?: string; initialQuery?: string; onFilterChange?: (f: { kind: string; q: string }) => void }) {
  const id = useId();
  const [kind, setKind] = useState(initialKind);
  const [search, setSearch] = useState(initialQuery);
  const [q, setQ] = useState(initialQuery);
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiFailure | null>(null);

  // search as the admin types, once they pause
  useEffect(() => {
    const t = setTimeout(() => setQ(search.trim()), 300);
    return () => clearTimeout(t);
  }, [search]);

  useEffect(() => {
    let stale = false;
    setLoading(true);
    onFilterChange?.({ kind, q });
    get(`/sync-runs/${encodeURIComponent(runId)}/log${qs({ kind, q, limit: 100 })}`, logPage).then(
      (p) => { if (!stale) { setEntries(p.data); setCursor(p.nextCursor); setError(null); setLoading(false); } },
      (e: unknown) => { if (!stale) { setError(toFailure(e)); setLoading(false); } },
    );
    return () => { stale = true; };
    // onFilterChange is a notification only
  }, [runId, kind, q]);

  async function more() {
    if (!cursor) return;
    setLoading(true);
    try {
      const p = await get(`/sync-runs/${encodeURIComponent(runId)}/log${qs({ kind, q, limit: 100, cursor })}`, logPage);
      setEntries((e) => [...e, ...p.data]);
      setCursor(p.nextCursor);
    } catch (e) {
      setError(toFailure(e));
    } finally {
      setLoading(false);
    }
  }

  return (
    <section className="sync-log" aria-labelledby={`${id}-title`} data-testid="sync-log">
      <h2 id={`${id}-title`}>Sync log</h2>
      <div className="filters" role="search">
        <div className="field field-inline">
          <label htmlFor={`${id}-kind`}>Show</label>
          <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value)}>
            {LOG_KINDS.map((k) => <option key={k.value} value={k.value}>{k.label}</option>)}
          </select>
        </div>
        <div className="field field-inline field-grow">
          <label htmlFor={`${id}-q`}>Search</label>
          <input id={`${id}-q`} type="search" placeholder="Name, email or message" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
      </div>
      <ErrorMessage error={error} />
      <div className="table-wrap">
        <table className="data-table log-table">
          <thead><tr><th scope="col">#</th><th scope="col">Kind</th><th scope="col">Subject</th><th scope="col">Message</th></tr></thead>
          <tbody aria-live="polite" aria-busy={loading}>
            {entries.map((e) => (
              <tr key={e.seq} data-kind={e.kind}>
                <td className="num">{e.seq}</td>
                <td><span className={`kind kind-${kindTone(e.kind)}`}>{e.kind}</span></td>
                <td className="subject">{e.subject}</td>
                <td>
                  {e.message}
                  {typeof e.details?.hint === 'string' ? <span className="hint-inline"> — {e.details.hint}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {loading ? <Loading /> : null}
      {!loading && !entries.length ? <p className="muted empty" data-testid="log-empty">No log entries match{kind || q ? ' this filter' : ''}.</p> : null}
      {cursor && !loading ? <button type="button" className="btn" onClick={more}>Show more</button> : null}
    </section>
  );
}
