/**
 * Admin-entered provider URLs: https, public after DNS, and on the provider's known hosts unless
 * ACCESSIQ_ALLOW_INSECURE_ENDPOINTS=1. DNS is a fake here (no network in tests).
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkProviderEndpoints, hostMatches, type Resolver } from '../../src/security/endpoint-policy.js';
import { oktaProvider } from '../../src/providers/okta/index.js';
import { entraProvider } from '../../src/providers/entra/index.js';
import { googleProvider } from '../../src/providers/google/index.js';
import type { ProviderDefinition } from '../../src/providers/provider-definition.js';
import { startTestService } from '../support/test-service.js';

const publicDns: Resolver = async () => ['203.0.113.7'];
const privateDns: Resolver = async () => ['10.1.2.3'];

async function check<C>(provider: ProviderDefinition<C>, input: unknown, opts: { insecure?: boolean; resolve?: Resolver } = {}) {
  const credentials = provider.credentialsGuard.parse(input);
  const problem = await checkProviderEndpoints(provider.endpointsOf(credentials), credentials, provider.endpointRules, opts.insecure ?? false, opts.resolve ?? publicDns);
  return problem ? `${problem.url} ${problem.message}`.trim() : null;
}

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const googleKey = (tokenUri?: string) => ({ type: 'service_account', client_email: 'sync@acme.iam.gserviceaccount.com', private_key: pem, ...(tokenUri ? { token_uri: tokenUri } : {}) });

describe('provider host rules', () => {
  it('matches host patterns by label, not by substring', () => {
    expect(hostMatches('acme.okta.com', '*.okta.com')).toBe(true);
    expect(hostMatches('a.b.okta.com', '*.okta.com')).toBe(true);
    expect(hostMatches('ACME.OKTA.COM.', '*.okta.com')).toBe(true);
    expect(hostMatches('okta.com', '*.okta.com')).toBe(false);
    expect(hostMatches('evilokta.com', '*.okta.com')).toBe(false);
    expect(hostMatches('okta.com.evil.net', '*.okta.com')).toBe(false);
    expect(hostMatches('graph.microsoft.com', 'graph.microsoft.com')).toBe(true);
    expect(hostMatches('graph.microsoft.com.cn', 'graph.microsoft.com')).toBe(false);
  });

  it('Okta: known Okta domains and public https custom domains pass; http, private and loopback do not', async () => {
    for (const host of ['acme.okta.com', 'acme.oktapreview.com', 'acme.okta-emea.com', 'acme.okta-gov.com', 'acme.okta.mil', 'login.acme.example']) {
      expect(await check(oktaProvider, { orgUrl: `https://${host}`, apiToken: 't' }), host).toBeNull();
    }
    expect(await check(oktaProvider, { orgUrl: 'http://acme.okta.com', apiToken: 't' })).toMatch(/https/);
    expect(await check(oktaProvider, { orgUrl: 'https://login.acme.example', apiToken: 't' }, { resolve: privateDns })).toMatch(/10\.1\.2\.3.*private/);
    expect(await check(oktaProvider, { orgUrl: 'https://127.0.0.1', apiToken: 't' })).toMatch(/loopback/);
    expect(await check(oktaProvider, { orgUrl: 'https://[fe80::1]', apiToken: 't' })).toMatch(/link-local/);
    expect(await check(oktaProvider, { orgUrl: 'https://169.254.169.254', apiToken: 't' })).toMatch(/private/);
  });

  it('Entra: each national cloud passes; other endpoints are refused before any DNS lookup', async () => {
    const base = { tenantId: 'contoso.onmicrosoft.com', clientId: 'app', clientSecret: 's' };
    for (const cloud of ['global', 'usgov', 'china']) expect(await check(entraProvider, { ...base, cloud }), cloud).toBeNull();
    expect(await check(entraProvider, { ...base, endpoints: { login: 'https://login.microsoftonline.us', graph: 'https://dod-graph.microsoft.us' } })).toBeNull();
    const lookups: string[] = [];
    const spy: Resolver = async (h) => (lookups.push(h), ['203.0.113.7']);
    expect(await check(entraProvider, { ...base, endpoints: { login: 'https://login.microsoftonline.com', graph: 'https://graph.evil.example' } }, { resolve: spy }))
      .toMatch(/graph\.evil\.example is not a known host.*graph\.microsoft\.com/);
    expect(lookups).not.toContain('graph.evil.example');
  });

  it("Google: *.googleapis.com, and the key's token_uri must be Google's", async () => {
    expect(await check(googleProvider, { serviceAccountKey: googleKey(), adminEmail: 'admin@acme.example' })).toBeNull();
    expect(await check(googleProvider, { serviceAccountKey: googleKey('https://oauth2.googleapis.com/token'), adminEmail: 'admin@acme.example', endpoints: { directory: 'https://admin.googleapis.com' } })).toBeNull();
    expect(await check(googleProvider, { serviceAccountKey: googleKey('https://oauth2.evil.example/token'), adminEmail: 'admin@acme.example' })).toMatch(/not a known host/);
    expect(await check(googleProvider, { serviceAccountKey: googleKey('https://www.googleapis.com/oauth2/v4/token'), adminEmail: 'admin@acme.example' })).toMatch(/token_uri must be https:\/\/oauth2\.googleapis\.com\/token/);
    expect(await check(googleProvider, { serviceAccountKey: googleKey(), adminEmail: 'admin@acme.example', endpoints: { directory: 'https://admin.google.evil.example' } })).toMatch(/not a known host/);
  });

  it('ACCESSIQ_ALLOW_INSECURE_ENDPOINTS=1 lifts the rules (emulators, private clouds)', async () => {
    expect(await check(googleProvider, { serviceAccountKey: googleKey('http://127.0.0.1:9000/token'), adminEmail: 'admin@acme.example', endpoints: { directory: 'http://127.0.0.1:9000' } }, { insecure: true })).toBeNull();
    expect(await check(entraProvider, { tenantId: 't', clientId: 'c', clientSecret: 's', endpoints: { login: 'http://127.0.0.1:1', graph: 'http://127.0.0.1:2' } }, { insecure: true })).toBeNull();
  });

  it('over HTTP: a strict service answers 400 naming the URL and the known hosts', async () => {
    const svc = await startTestService('sqlite', { ACCESSIQ_ALLOW_INSECURE_ENDPOINTS: '0' });
    try {
      const r = await svc.api.post('/api/v1/directories', { name: 'x', provider: 'entra', credentials: { tenantId: 't', clientId: 'c', clientSecret: 'top-secret-value', endpoints: { login: 'https://login.microsoftonline.com', graph: 'https://graph.evil.example' } } });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(/credentials: https:\/\/graph\.evil\.example is not a known host/);
      expect(JSON.stringify(r.body)).not.toContain('top-secret-value');
      expect((await svc.api.get('/api/v1/directories')).body.data).toEqual([]);
    } finally {
      await svc.close();
    }
  });
});
