/** Step 1's credentials, one form per provider, with where to find each value. */
import type { ProviderId } from '../lib/format.js';
import { Field } from './ui.js';

export type Credentials = Record<string, string>;

interface Spec {
  key: string;
  label: string;
  help?: string;
  kind?: 'text' | 'secret' | 'textarea' | 'select';
  options?: Array<{ value: string; label: string }>;
  optional?: boolean;
  /** Shown under "Advanced" (private clouds, emulators). */
  advanced?: boolean;
}

export const CREDENTIAL_FIELDS: Record<ProviderId, Spec[]> = {
  okta: [
    { key: 'orgUrl', label: 'Okta org URL', help: 'Your org address, e.g. https://acme.okta.com (not the -admin address).' },
    { key: 'apiToken', label: 'API token', kind: 'secret', help: 'Okta Admin > Security > API > Tokens. Read-only admin is enough.' },
  ],
  entra: [
    { key: 'tenantId', label: 'Directory (tenant) ID', help: 'Entra admin center > App registrations > your app > Overview.' },
    { key: 'clientId', label: 'Application (client) ID', help: 'Same Overview page. The app needs User.Read.All and GroupMember.Read.All (application permissions).' },
    { key: 'clientSecret', label: 'Client secret', kind: 'secret', help: 'Certificates & secrets > the secret\'s Value (not its ID).' },
    { key: 'cloud', label: 'Cloud', kind: 'select', optional: true, options: [{ value: '', label: 'Global (default)' }, { value: 'usgov', label: 'US Government' }, { value: 'china', label: 'China (21Vianet)' }] },
    { key: 'loginEndpoint', label: 'Login endpoint', optional: true, advanced: true, help: 'Only for private clouds; both endpoints or neither.' },
    { key: 'graphEndpoint', label: 'Graph endpoint', optional: true, advanced: true },
  ],
  google: [
    { key: 'serviceAccountKey', label: 'Service account key (JSON)', kind: 'textarea', help: 'Paste the whole key file of a service account with domain-wide delegation for the admin.directory.user.readonly, group.readonly and orgunit.readonly scopes.' },
    { key: 'adminEmail', label: 'Admin email', help: 'A Workspace super admin the service account acts as.' },
    { key: 'customerId', label: 'Customer ID', optional: true, help: 'Leave empty for your own account (my_customer).' },
    { key: 'directoryEndpoint', label: 'Directory API endpoint', optional: true, advanced: true },
  ],
};

/** What the API expects, from what the form holds (empty optional fields are left out). */
export function credentialsBody(provider: ProviderId, values: Credentials): Record<string, unknown> {
  const v = (k: string) => values[k]?.trim() ?? '';
  if (provider === 'okta') return { orgUrl: v('orgUrl'), apiToken: v('apiToken') };
  if (provider === 'entra') {
    return {
      tenantId: v('tenantId'), clientId: v('clientId'), clientSecret: values.clientSecret ?? '',
      ...(v('cloud') ? { cloud: v('cloud') } : {}),
      ...(v('loginEndpoint') || v('graphEndpoint') ? { endpoints: { login: v('loginEndpoint'), graph: v('graphEndpoint') } } : {}),
    };
  }
  return {
    serviceAccountKey: values.serviceAccountKey ?? '', adminEmail: v('adminEmail'),
    ...(v('customerId') ? { customerId: v('customerId') } : {}),
    ...(v('directoryEndpoint') ? { endpoints: { directory: v('directoryEndpoint') } } : {}),
  };
}

export function checkCredentials(provider: ProviderId, values: Credentials): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of CREDENTIAL_FIELDS[provider]) if (!f.optional && !values[f.key]?.trim()) errors[f.key] = `Enter the ${f.label.toLowerCase()}.`;
  if (provider === 'okta' && values.orgUrl && !/^https?:\/\//.test(values.orgUrl.trim())) errors.orgUrl = 'Start with https://, e.g. https://acme.okta.com.';
  if (provider === 'google' && values.serviceAccountKey?.trim()) {
    try { JSON.parse(values.serviceAccountKey); } catch { errors.serviceAccountKey = 'This is not JSON: paste the whole key file.'; }
  }
  return errors;
}

/** Maps the API's `credentials.<field>` issues to the form's fields. */
export function credentialIssues(issues: Array<{ path: string; message: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const m = /^credentials\.?([A-Za-z]+)?(?:\.([A-Za-z]+))?/.exec(i.path);
    if (!m) continue;
    const key = m[1] === 'endpoints' ? (m[2] === 'graph' ? 'graphEndpoint' : m[2] === 'login' ? 'loginEndpoint' : 'directoryEndpoint') : m[1] ?? '';
    if (key) out[key] = i.message;
  }
  return out;
}

export function CredentialsForm({ provider, values, onChange, errors, keepSecrets }: {
  provider: ProviderId;
  values: Credentials;
  onChange(v: Credentials): void;
  errors: Record<string, string>;
  /** Editing a saved directory: secrets are write-only, so say that empty means "enter again". */
  keepSecrets?: boolean;
}) {
  const fields = CREDENTIAL_FIELDS[provider];
  const render = (f: Spec) => (
    <Field key={f.key} label={`${f.label}${f.optional ? ' (optional)' : ''}`} help={f.help} error={errors[f.key]}>
      {(p) => f.kind === 'textarea' ? (
        <textarea {...p} className="mono" rows={6} value={values[f.key] ?? ''} onChange={(e) => onChange({ ...values, [f.key]: e.target.value })} spellCheck={false} />
      ) : f.kind === 'select' ? (
        <select {...p} value={values[f.key] ?? ''} onChange={(e) => onChange({ ...values, [f.key]: e.target.value })}>
          {f.options?.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
      ) : (
        <input {...p} type={f.kind === 'secret' ? 'password' : 'text'} autoComplete="off" spellCheck={false} value={values[f.key] ?? ''}
          placeholder={f.kind === 'secret' && keepSecrets ? 'Stored; enter again to replace' : undefined}
          onChange={(e) => onChange({ ...values, [f.key]: e.target.value })} />
      )}
    </Field>
  );
  const advanced = fields.filter((f) => f.advanced);
  return (
    <div className="credentials">
      {fields.filter((f) => !f.advanced).map(render)}
      {advanced.length ? (
        <details className="advanced">
          <summary>Advanced</summary>
          {advanced.map(render)}
        </details>
      ) : null}
    </div>
  );
}
