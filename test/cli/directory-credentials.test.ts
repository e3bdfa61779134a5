import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCredentials, readSettingsFile } from '../../src/cli/commands/directory-credentials.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aiq-cli-creds-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('directory add flags → credentials', () => {
  it('okta: API token, or service app with the key read from its file', async () => {
    expect(await buildCredentials('okta', { orgUrl: 'https://acme.okta.com', apiToken: 't' })).toEqual({ orgUrl: 'https://acme.okta.com', apiToken: 't' });
    const key = file('okta.pem', '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n');
    expect(await buildCredentials('okta', { orgUrl: 'https://acme.okta.com', clientId: 'c', privateKeyFile: key, keyId: 'k1' })).toEqual({
      orgUrl: 'https://acme.okta.com', clientId: 'c', privateKey: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n', keyId: 'k1',
    });
    await expect(buildCredentials('okta', { orgUrl: 'https://acme.okta.com' })).rejects.toThrow(/--api-token, or --client-id with --private-key-file/);
    await expect(buildCredentials('okta', { orgUrl: 'https://a.okta.com', apiToken: 't', clientId: 'c' })).rejects.toThrow(/not both/);
    await expect(buildCredentials('okta', { orgUrl: 'https://a.okta.com', clientId: 'c', privateKeyFile: path.join(dir, 'missing.pem') })).rejects.toThrow(/Cannot read --private-key-file .*no such file/);
  });

  it('entra: secret or certificate, cloud and endpoints', async () => {
    expect(await buildCredentials('entra', { tenantId: 't', clientId: 'c', clientSecret: 's', loginEndpoint: 'http://l', graphEndpoint: 'http://g' })).toEqual({
      tenantId: 't', clientId: 'c', clientSecret: 's', endpoints: { login: 'http://l', graph: 'http://g' },
    });
    const cert = file('cert.pem', 'CERT');
    const key = file('key.pem', 'KEY');
    expect(await buildCredentials('entra', { tenantId: 't', clientId: 'c', certificateFile: cert, privateKeyFile: key, cloud: 'usgov' })).toEqual({
      tenantId: 't', clientId: 'c', certificate: 'CERT', privateKey: 'KEY', cloud: 'usgov',
    });
    await expect(buildCredentials('entra', { tenantId: 't', clientId: 'c' })).rejects.toThrow(/--client-secret, or --certificate-file/);
    await expect(buildCredentials('entra', { tenantId: 't', clientId: 'c', clientSecret: 's', loginEndpoint: 'http://l' })).rejects.toThrow(/together/);
  });

  it('google: the key file as text, admin email, customer and endpoint', async () => {
    const key = file('sa.json', '{"type":"service_account"}');
    expect(await buildCredentials('google', { serviceAccountKeyFile: key, adminEmail: 'admin@x.test', customerId: 'C01', directoryEndpoint: 'http://d' })).toEqual({
      serviceAccountKey: '{"type":"service_account"}', adminEmail: 'admin@x.test', customerId: 'C01', endpoints: { directory: 'http://d' },
    });
    await expect(buildCredentials('google', { adminEmail: 'a@x.test' })).rejects.toThrow(/--service-account-key-file/);
  });

  it("rejects an unknown provider and another provider's flags", async () => {
    await expect(buildCredentials('ldap', {})).rejects.toThrow('--provider must be one of okta, entra, google (got "ldap").');
    await expect(buildCredentials('okta', { orgUrl: 'https://a.okta.com', apiToken: 't', tenantId: 'x', adminEmail: 'y' })).rejects.toThrow('--tenant-id, --admin-email do not apply to --provider okta.');
  });

  it('reads a settings file that holds a JSON object', async () => {
    expect(await readSettingsFile(file('s.json', '{"deactivationBehavior":"ignore"}'))).toEqual({ deactivationBehavior: 'ignore' });
    await expect(readSettingsFile(file('bad.json', '{nope'))).rejects.toThrow(/is not valid JSON/);
    await expect(readSettingsFile(file('arr.json', '[]'))).rejects.toThrow(/must hold a JSON object/);
  });
});
