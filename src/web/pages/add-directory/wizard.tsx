/**
 * Add Directory: the product page's four steps. The directory is created when its connection is
 * first tested (step 1); later steps edit it, so the address (#/directory-sync/new/<id>/<step>)
 * survives a reload.
 */
import { get } from '../../api/client.js';
import { directoryGuard } from '../../api/types.js';
import { navigate } from '../../router.js';
import { STEPS, stepHref } from './steps.js';
import { useAsync } from '../../lib/use-async.js';
import { useProviders } from '../../lib/use-providers.js';
import { ErrorMessage, Loading, PageHeader } from '../../components/ui.js';
import { SettingsForm } from '../../components/settings-form.js';
import { GroupMappings } from '../../components/group-mappings.js';
import { ConnectStep } from './connect-step.js';
import { InitialSyncStep } from './initial-sync-step.js';


export function AddDirectoryWizard({ directoryId, step: rawStep }: { directoryId: string | undefined; step: number }) {
  const step = directoryId ? Math.min(4, Math.max(1, Number.isFinite(rawStep) ? rawStep : 1)) : 1;
  const directory = useAsync(async () => (directoryId ? get(`/directories/${encodeURIComponent(directoryId)}`, directoryGuard) : null), [directoryId, step]);
  const providers = useProviders();
  const d = directory.data ?? null;
  const defaults = providers.data?.find((p) => p.id === d?.provider)?.defaultAttributeMapping ?? {};

  return (
    <div className="wizard">
      <PageHeader crumbs={[{ label: 'Identity' }, { label: 'Directory Sync', href: '#/directory-sync' }, { label: 'Add Directory' }]} title="Add Directory" />
      <ol className="stepper" aria-label="Steps">
        {STEPS.map((label, i) => {
          const n = i + 1;
          const state = n < step ? 'done' : n === step ? 'current' : 'todo';
          return (
            <li key={label} className={`step step-${state}`} aria-current={n === step ? 'step' : undefined}>
              {directoryId && n < step ? <a href={stepHref(directoryId, n)}><span className="step-n">{n}</span> {label}</a> : <span><span className="step-n">{n}</span> {label}</span>}
              <span className="visually-hidden">{state === 'done' ? ' (done)' : state === 'current' ? ' (current step)' : ''}</span>
            </li>
          );
        })}
      </ol>
      <ErrorMessage error={directory.error} />
      {directoryId && directory.loading && !d ? <Loading /> : null}
      {step === 1 ? (
        <ConnectStep directoryId={directoryId} directory={d} onConnected={(id) => navigate(stepHref(id, 2))} onCreated={(id) => navigate(stepHref(id, 1), { replace: true })} />
      ) : null}
      {step === 2 && d ? (
        <div className="card">
          <h2 className="step-title">Step 2: Configure sync settings</h2>
          <SettingsForm key={d.id} directory={d} defaults={defaults} submitLabel="Save and continue" onSaved={() => navigate(stepHref(d.id, 3))}
            secondary={<a className="btn btn-quiet" href={stepHref(d.id, 1)}>Back</a>} />
        </div>
      ) : null}
      {step === 3 && d ? (
        <div className="card">
          <h2 className="step-title">Step 3: Map groups</h2>
          <GroupMappings directoryId={d.id} />
          <div className="actions form-actions">
            <a className="btn btn-quiet" href={stepHref(d.id, 2)}>Back</a>
            <a className="btn btn-primary" href={stepHref(d.id, 4)}>Continue</a>
          </div>
        </div>
      ) : null}
      {step === 4 && d ? <InitialSyncStep directory={d} onChanged={directory.reload} /> : null}
    </div>
  );
}
