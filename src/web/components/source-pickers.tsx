/** Pickers fed live from the directory: its groups (GET …/source-groups) and org units (…/source-org-units). */
import { useEffect, useId, useState } from 'react';
import { get, qs, type ApiFailure } from '../api/client.js';
import { orgUnitPage, sourceGroupPage, type OrgUnit, type SourceGroup } from '../api/types.js';
import { toFailure, useAsync } from '../lib/use-async.js';
import { ErrorMessage, Loading } from './ui.js';

/** Live search of the directory's groups; remembers names of every group seen. */
export function useSourceGroups(directoryId: string, query: string) {
  const [groups, setGroups] = useState<SourceGroup[]>([]);
  const [known, setKnown] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiFailure | null>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let stale = false;
    setLoading(true);
    const t = setTimeout(() => {
      get(`/directories/${encodeURIComponent(directoryId)}/source-groups${qs({ q: query.trim(), limit: 200 })}`, sourceGroupPage).then(
        (p) => {
          if (stale) return;
          setGroups(p.data);
          setKnown((k) => ({ ...k, ...Object.fromEntries(p.data.map((g) => [g.id, g.name])) }));
          setError(null);
          setLoading(false);
        },
        (e: unknown) => { if (!stale) { setError(toFailure(e)); setLoading(false); } },
      );
    }, query ? 250 : 0);
    return () => { stale = true; clearTimeout(t); };
  }, [directoryId, query]);
  return { groups, known, error, loading };
}

export function GroupPicker({ directoryId, selected, onChange, label = 'Groups' }: { directoryId: string; selected: string[]; onChange(ids: string[]): void; label?: string }) {
  const id = useId();
  const [query, setQuery] = useState('');
  const { groups, known, error, loading } = useSourceGroups(directoryId, query);
  const toggle = (gid: string) => onChange(selected.includes(gid) ? selected.filter((x) => x !== gid) : [...selected, gid]);
  return (
    <fieldset className="picker" data-testid="group-picker">
      <legend>{label}</legend>
      {selected.length ? (
        <ul className="chips" aria-label="Selected groups">
          {selected.map((gid) => (
            <li key={gid} className="chip">{known[gid] ?? gid}<button type="button" onClick={() => toggle(gid)} aria-label={`Remove ${known[gid] ?? gid}`}>×</button></li>
          ))}
        </ul>
      ) : <p className="muted">No group selected: every user of the directory is synced.</p>}
      <label htmlFor={`${id}-q`} className="visually-hidden">Search the directory's groups</label>
      <input id={`${id}-q`} type="search" placeholder="Search groups" value={query} onChange={(e) => setQuery(e.target.value)} />
      <ErrorMessage error={error} title="The directory's groups could not be read" />
      <div className="picker-list" role="group" aria-label="Groups in the directory">
        {groups.map((g) => (
          <div key={g.id} className="check">
            <input type="checkbox" id={`${id}-g-${g.id}`} checked={selected.includes(g.id)} onChange={() => toggle(g.id)} {...(g.description ? { 'aria-describedby': `${id}-d-${g.id}` } : {})} />
            <label htmlFor={`${id}-g-${g.id}`}>{g.name}</label>
            {g.description ? <span className="muted small" id={`${id}-d-${g.id}`}>{g.description}</span> : null}
          </div>
        ))}
        {loading ? <Loading label="Reading groups from the directory…" /> : !groups.length && !error ? <p className="muted">No group matches.</p> : null}
      </div>
    </fieldset>
  );
}

export function OrgUnitPicker({ directoryId, selected, onChange }: { directoryId: string; selected: string[]; onChange(paths: string[]): void }) {
  const units = useAsync(() => get(`/directories/${encodeURIComponent(directoryId)}/source-org-units?limit=500`, orgUnitPage), [directoryId]);
  const toggle = (p: string) => onChange(selected.includes(p) ? selected.filter((x) => x !== p) : [...selected, p]);
  const depth = (u: OrgUnit) => u.path.split('/').length - 2;
  return (
    <fieldset className="picker" data-testid="org-unit-picker">
      <legend>Organizational units</legend>
      <p className="help">Users in a selected unit or any of its sub-units are synced.</p>
      <ErrorMessage error={units.error} title="The organizational units could not be read" />
      <div className="picker-list">
        {units.data?.data.map((u) => (
          <label key={u.path} className="check" style={{ paddingLeft: `${depth(u) * 1.25}rem` }}>
            <input type="checkbox" checked={selected.includes(u.path)} onChange={() => toggle(u.path)} />
            <span>{u.name}</span> <span className="muted small mono">{u.path}</span>
          </label>
        ))}
        {units.loading ? <Loading label="Reading organizational units…" /> : null}
      </div>
    </fieldset>
  );
}
