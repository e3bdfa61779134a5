/**
 * Step 2 of the product page, Configure Sync Settings: Sync frequency, User filter, Attribute
 * mapping, Default role, Deactivation behavior. Used by the Add Directory wizard and, later, the
 * directory's Settings tab. Saves with PATCH /directories/:id (settings merged by the server).
 */
import { useState, type FormEvent } from 'react';
import { patch, type ApiFailure } from '../api/client.js';
import { directoryGuard, type Directory } from '../api/types.js';
import { FREQUENCIES } from '../lib/format.js';
import { toFailure } from '../lib/use-async.js';
import { useTenantLists } from '../lib/use-tenant-lists.js';
import { useProviders } from '../lib/use-providers.js';
import { MappingEditor, checkRows, toMapping, toRows, type MappingRow } from './mapping-editor.js';
import { GroupPicker, OrgUnitPicker } from './source-pickers.js';
import { ErrorMessage, Field, Loading, Notice } from './ui.js';

export function SettingsForm({ directory, defaults, onSaved, submitLabel = 'Save settings', secondary }: {
  directory: Directory;
  /** The provider's default mapping (what "Reset to provider defaults" restores). */
  defaults: Record<string, string>;
  onSaved(d: Directory): void;
  submitLabel?: string;
  secondary?: React.ReactNode;
}) {
  const s = directory.settings;
  const lists = useTenantLists();
  const [frequency, setFrequency] = useState(s.schedule.frequency);
  const [timeOfDay, setTimeOfDay] = useState(s.schedule.timeOfDay ?? '02:00');
  const [cron, setCron] = useState(s.schedule.cron ?? '');
  const [groups, setGroups] = useState(s.userFilter.groups);
  const [orgUnits, setOrgUnits] = useState(s.userFilter.orgUnits);
  const [rows, setRows] = useState<MappingRow[]>(() => toRows(s.attributeMapping));
  const [defaultRole, setDefaultRole] = useState(s.defaultRole ?? '');
  const [defaultOrg, setDefaultOrg] = useState(s.defaultOrganizationId ?? '');
  const [deactivation, setDeactivation] = useState(s.deactivationBehavior);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [mappingErrors, setMappingErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const providers = useProviders();
  const supportsOrgUnits = providers.data?.find((p) => p.id === directory.provider)?.capabilities.supportsOrgUnits ?? directory.provider === 'google';

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const found: Record<string, string> = {};
    if (frequency === 'cron' && !cron.trim()) found.cron = 'Enter a cron expression, e.g. */30 * * * *.';
    if (frequency === '24h' && !/^([01]\d|2[0-3]):[0-5]\d$/.test(timeOfDay)) found.timeOfDay = 'Use HH:MM, 24-hour clock.';
    if (Object.keys(checkRows(rows)).length) found.mapping = 'Fix the attribute mapping rows marked below.';
    setErrors(found);
    if (Object.keys(found).length) return;
    const mapping = toMapping(rows);
    const removed = Object.fromEntries(Object.keys(s.attributeMapping).filter((t) => !(t in mapping)).map((t) => [t, null]));
    setBusy(true);
    setFailure(null);
    setMappingErrors({});
    try {
      const d = await patch(`/directories/${encodeURIComponent(directory.id)}`, {
        settings: {
          // the whole schedule: the API fills keys left out with their defaults (it would reset `enabled`)
          schedule: { ...s.schedule, frequency, ...(frequency === '24h' ? { timeOfDay } : {}), ...(frequency === 'cron' ? { cron: cron.trim() } : {}) },
          userFilter: { groups, orgUnits: supportsOrgUnits ? orgUnits : [] },
          attributeMapping: { ...removed, ...mapping },
          defaultRole: defaultRole || null,
          defaultOrganizationId: defaultOrg || null,
          deactivationBehavior: deactivation,
        },
      }, directoryGuard);
      setSaved(true);
      onSaved(d);
    } catch (err) {
      const f = toFailure(err);
      setFailure(f);
      const byTarget: Record<string, string> = {};
      const byField: Record<string, string> = {};
      for (const i of f.issues) {
        if (i.path.startsWith('settings.attributeMapping.')) byTarget[i.path.slice('settings.attributeMapping.'.length)] = i.message;
        else if (i.path === 'settings.schedule.cron') byField.cron = i.message;
      }
      setMappingErrors(byTarget);
      setErrors(byField);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="settings-form" onSubmit={submit} noValidate data-testid="settings-form">
      <section className="form-section" aria-labelledby="sec-frequency">
        <h2 id="sec-frequency">Sync frequency</h2>
        <div className="row">
          <Field label="Sync frequency" help="The schedule stays off until you enable automatic sync after reviewing the first sync.">
            {(p) => (
              <select {...p} value={frequency} onChange={(e) => setFrequency(e.target.value as typeof frequency)}>
                {FREQUENCIES.map((f) => <option key={f.value} value={f.value}>{f.label}</option>)}
              </select>
            )}
          </Field>
          {frequency === '24h' ? (
            <Field label="Time of day (UTC)" error={errors.timeOfDay}>{(p) => <input {...p} type="time" value={timeOfDay} onChange={(e) => setTimeOfDay(e.target.value)} />}</Field>
          ) : null}
          {frequency === 'cron' ? (
            <Field label="Cron expression" help="Five fields: minute hour day-of-month month day-of-week." error={errors.cron}>
              {(p) => <input {...p} className="mono" value={cron} onChange={(e) => setCron(e.target.value)} placeholder="*/30 * * * *" />}
            </Field>
          ) : null}
        </div>
      </section>

      <section className="form-section" aria-labelledby="sec-filter">
        <h2 id="sec-filter">User filter</h2>
        <p className="help">Limit sync to members of these groups{supportsOrgUnits ? ' or organizational units' : ''} (nested groups included). Start narrow and widen once the sync looks right.</p>
        <GroupPicker directoryId={directory.id} selected={groups} onChange={setGroups} />
        {supportsOrgUnits ? <OrgUnitPicker directoryId={directory.id} selected={orgUnits} onChange={setOrgUnits} /> : null}
      </section>

      <section className="form-section" aria-labelledby="sec-mapping">
        <h2 id="sec-mapping">Attribute mapping</h2>
        {errors.mapping ? <p className="field-error" role="alert">{errors.mapping}</p> : null}
        <MappingEditor directoryId={directory.id} rows={rows} onChange={setRows} defaults={defaults} serverErrors={mappingErrors} />
      </section>

      <section className="form-section" aria-labelledby="sec-role">
        <h2 id="sec-role">Default role</h2>
        {lists.loading && !lists.data ? <Loading /> : null}
        <ErrorMessage error={lists.error} />
        <div className="row">
          <Field label="Default role" help="Granted to every synced user, so each has a baseline role without manual assignment.">
            {(p) => (
              <select {...p} value={defaultRole} onChange={(e) => setDefaultRole(e.target.value)}>
                {lists.data?.roles.map((r) => <option key={r.key} value={r.key}>{r.name}</option>)}
                <option value="">No default role</option>
              </select>
            )}
          </Field>
          <Field label="In organization">
            {(p) => (
              <select {...p} value={defaultOrg} onChange={(e) => setDefaultOrg(e.target.value)} disabled={!defaultRole}>
                <option value="">Primary organization{lists.data ? ` (${lists.data.organizations.find((o) => o.isPrimary)?.name ?? ''})` : ''}</option>
                {lists.data?.organizations.filter((o) => !o.isPrimary).map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
              </select>
            )}
          </Field>
        </div>
      </section>

      <section className="form-section" aria-labelledby="sec-deactivation">
        <h2 id="sec-deactivation">Deactivation behavior</h2>
        <fieldset className="radios">
          <legend>When a user is removed from the directory or from the user filter</legend>
          <label className="check"><input type="radio" name="deactivation" value="deactivate" checked={deactivation === 'deactivate'} onChange={() => setDeactivation('deactivate')} /> Deactivate the user in AccessIQ</label>
          <label className="check"><input type="radio" name="deactivation" value="ignore" checked={deactivation === 'ignore'} onChange={() => setDeactivation('ignore')} /> Ignore (leave the user active)</label>
          <p className="help">Users disabled in the directory are always deactivated, and reactivated when they return.</p>
        </fieldset>
      </section>

      <ErrorMessage error={failure} title="The settings were not saved" />
      {saved ? <Notice kind="success">Settings saved.</Notice> : null}
      <div className="actions form-actions">
        {secondary}
        <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? 'Saving…' : submitLabel}</button>
      </div>
    </form>
  );
}
