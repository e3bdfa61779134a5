/**
 * Turns `directory add` flags into the API's `credentials` object for each provider. Key and
 * certificate files are read here; the service validates the values and names the field on error.
 * A flag that belongs to another provider is an error (a typo should not be silently dropped).
 */
import { readFile } from 'node:fs/promises';
import { CliError } from '../cli-error.js';

export interface CredentialFlags {
  orgUrl?: string;
  apiToken?: string;
  clientId?: string;
  privateKeyFile?: string;
  keyId?: string;
  tenantId?: string;
  clientSecret?: string;
  certificateFile?: string;
  cloud?: string;
  loginEndpoint?: string;
  graphEndpoint?: string;
  serviceAccountKeyFile?: string;
  adminEmail?: string;
  customerId?: string;
  directoryEndpoint?: string;
}

export const PROVIDERS = ['okta', 'entra', 'google'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

const isProvider = (s: string): s is ProviderName => PROVIDERS.some((p) => p === s);

const FLAGS_OF: Record<ProviderName, (keyof CredentialFlags)[]> = {
  okta: ['orgUrl', 'apiToken', 'clientId', 'privateKeyFile', 'keyId'],
  entra: ['tenantId', 'clientId', 'clientSecret', 'certificateFile', 'privateKeyFile', 'cloud', 'loginEndpoint', 'graphEndpoint'],
  google: ['serviceAccountKeyFile', 'adminEmail', 'customerId', 'directoryEndpoint'],
};

const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export async function readTextFile(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
    throw new CliError(`Cannot read ${flag} ${file}${code === 'ENOENT' ? ': no such file' : `: ${err instanceof Error ? err.message : String(err)}`}.`);
  }
}

export async function buildCredentials(provider: string, f: CredentialFlags): Promise<Record<string, unknown>> {
  if (!isProvider(provider)) throw new CliError(`--provider must be one of ${PROVIDERS.join(', ')} (got "${provider}").`);
  const p = provider;
  const foreign = (Object.keys(f) as (keyof CredentialFlags)[]).filter((k) => f[k] !== undefined && !FLAGS_OF[p].includes(k));
  if (foreign.length > 0) {
    throw new CliError(`${foreign.map(flagName).join(', ')} ${foreign.length > 1 ? 'do' : 'does'} not apply to --provider ${p}.`, {
      hint: `${p} takes ${FLAGS_OF[p].map(flagName).join(', ')}.`,
    });
  }
  if (p === 'okta') return oktaCredentials(f);
  if (p === 'entra') return entraCredentials(f);
  return googleCredentials(f);
}

async function oktaCredentials(f: CredentialFlags): Promise<Record<string, unknown>> {
  if (!f.orgUrl) throw new CliError('--org-url is required for Okta: your org address, e.g. https://acme.okta.com.');
  if (f.apiToken && (f.clientId || f.privateKeyFile)) throw new CliError('Give either --api-token, or --client-id with --private-key-file (OAuth service app), not both.');
  if (f.apiToken) return { orgUrl: f.orgUrl, apiToken: f.apiToken };
  if (!f.clientId || !f.privateKeyFile) {
    throw new CliError('Okta needs --api-token, or --client-id with --private-key-file (OAuth service app).', {
      hint: 'An API token comes from Okta Admin > Security > API > Tokens.',
    });
  }
  return {
    orgUrl: f.orgUrl,
    clientId: f.clientId,
    privateKey: await readTextFile(f.privateKeyFile, '--private-key-file'),
    ...(f.keyId ? { keyId: f.keyId } : {}),
  };
}

async function entraCredentials(f: CredentialFlags): Promise<Record<string, unknown>> {
  if (!f.tenantId || !f.clientId) throw new CliError('Entra ID needs --tenant-id and --client-id (App registrations > your app > Overview).');
  const hasCert = f.certificateFile !== undefined || f.privateKeyFile !== undefined;
  if (f.clientSecret && hasCert) throw new CliError('Give either --client-secret, or --certificate-file with --private-key-file, not both.');
  if (!f.clientSecret && !(f.certificateFile && f.privateKeyFile)) {
    throw new CliError('Entra ID needs --client-secret, or --certificate-file with --private-key-file.');
  }
  if ((f.loginEndpoint === undefined) !== (f.graphEndpoint === undefined)) throw new CliError('Give --login-endpoint and --graph-endpoint together.');
  return {
    tenantId: f.tenantId,
    clientId: f.clientId,
    ...(f.clientSecret ? { clientSecret: f.clientSecret } : {}),
    ...(f.certificateFile ? { certificate: await readTextFile(f.certificateFile, '--certificate-file') } : {}),
    ...(f.privateKeyFile ? { privateKey: await readTextFile(f.privateKeyFile, '--private-key-file') } : {}),
    ...(f.cloud ? { cloud: f.cloud } : {}),
    ...(f.loginEndpoint && f.graphEndpoint ? { endpoints: { login: f.loginEndpoint, graph: f.graphEndpoint } } : {}),
  };
}

async function googleCredentials(f: CredentialFlags): Promise<Record<string, unknown>> {
  if (!f.serviceAccountKeyFile || !f.adminEmail) {
    throw new CliError('Google Workspace needs --service-account-key-file (the JSON key) and --admin-email (a super admin to act as).');
  }
  return {
    // sent as the file's text: the service parses it and names the field that is wrong
    serviceAccountKey: await readTextFile(f.serviceAccountKeyFile, '--service-account-key-file'),
    adminEmail: f.adminEmail,
    ...(f.customerId ? { customerId: f.customerId } : {}),
    ...(f.directoryEndpoint ? { endpoints: { directory: f.directoryEndpoint } } : {}),
  };
}

/** Reads a settings JSON file: must hold an object. */
export async function readSettingsFile(file: string): Promise<Record<string, unknown>> {
  const text = await readTextFile(file, '--settings-file');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliError(`--settings-file ${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(`--settings-file ${file} must hold a JSON object, e.g. {"deactivationBehavior": "deactivate"}.`);
  }
  return Object.fromEntries(Object.entries(value));
}
