import { describe, expect, it } from 'vitest';
import { countFullRead } from '../support/connector-helpers.js';
import { startEntraEmulator } from '../../emulators/entra/index.js';
import { createSelfSignedCertificate } from '../../emulators/entra/self-signed-cert.js';
import { entraProvider } from '../../src/providers/entra/index.js';

const base = { tenantId: 'contoso.onmicrosoft.com', clientId: '11111111-2222-3333-4444-555555555555' };
const issues = (input: unknown) => {
  const r = entraProvider.credentialsGuard.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('entraProvider credentials', () => {
  it('accepts a secret, picks the cloud hosts, and honours explicit endpoints', () => {
    const c = entraProvider.credentialsGuard.parse({ ...base, clientSecret: 'x', cloud: 'usgov' });
    expect(entraProvider.endpointsOf(c)).toEqual(['https://login.microsoftonline.us', 'https://graph.microsoft.us']);
    expect(entraProvider.endpointsOf(entraProvider.credentialsGuard.parse({ ...base, clientSecret: 'x', cloud: 'china' }))).toEqual(['https://login.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn']);
    const own = entraProvider.credentialsGuard.parse({ ...base, clientSecret: 'x', endpoints: { login: 'https://login.example/', graph: 'https://graph.example' } });
    expect(entraProvider.endpointsOf(own)).toEqual(['https://login.example', 'https://graph.example']);
    expect(entraProvider.describeTarget(c)).toBe('contoso.onmicrosoft.com (graph.microsoft.us)');
  });

  it('names the field and the fix for each mistake', () => {
    expect(issues({ clientId: base.clientId, clientSecret: 'x' })[0]).toMatch(/^tenantId: enter the Directory \(tenant\) ID/);
    expect(issues({ ...base })[0]).toMatch(/^clientSecret: give a client secret, or certificate and privateKey/);
    expect(issues({ ...base, clientSecret: 'x', certificate: 'y' })[0]).toMatch(/not both/);
    expect(issues({ ...base, certificate: 'garbage', privateKey: 'garbage' })[0]).toMatch(/^certificate: this is not a PEM X\.509 certificate/);
    const a = createSelfSignedCertificate('a');
    const b = createSelfSignedCertificate('b');
    expect(issues({ ...base, certificate: a.certificate, privateKey: b.privateKey })[0]).toMatch(/^privateKey: this key does not belong to the certificate/);
    expect(issues({ ...base, certificate: a.certificate, privateKey: a.privateKey })).toEqual([]);
    expect(issues({ ...base, clientSecret: 'x', cloud: 'germany' })[0]).toMatch(/^cloud: choose/);
    expect(issues({ ...base, clientSecret: 'x', endpoints: { login: 'nope', graph: 'https://g' } })[0]).toMatch(/^endpoints\.login: enter a base URL/);
  });

  it('maps email from mail, falling back to the user principal name', () => {
    expect(entraProvider.defaultAttributeMapping.email).toBe('default(mail, userPrincipalName)');
    for (const path of ['givenName', 'surname', 'displayName', 'jobTitle', 'department', 'employeeId', 'userPrincipalName']) expect(entraProvider.knownSourcePaths).toContain(path);
  });
});

describe('request counts on a 10k-user directory', () => {
  it('an incremental run makes at least 10x fewer requests than a full read', async () => {
    const em = await startEntraEmulator({ users: 10_000, groups: 200, seed: 4 });
    try {
      const connector = entraProvider.createConnector(
        entraProvider.credentialsGuard.parse({ tenantId: em.tenantId, clientId: em.clientId, clientSecret: 'emulator-secret', endpoints: { login: em.url, graph: em.url } }),
      );
      const full0 = em.stats().requests;
      const { users, memberships } = await countFullRead(connector);
      const cursor = await connector.startDelta!();
      const full = em.stats().requests - full0;
      expect(users).toBe(10_000);

      const added = em.state.addPerson({});
      em.state.updatePerson('p000100', { department: 'Legal' });
      em.state.deletePerson('p000200');
      em.state.addMember('g00050', added.key);
      em.state.removeMember('g00000', em.state.groups[0]!.memberKeys[3]!);
      const inc0 = em.stats().requests;
      const changes = await connector.changesSince!(cursor);
      const incremental = em.stats().requests - inc0;
      expect(changes.users).toHaveLength(3);
      expect(incremental * 10).toBeLessThanOrEqual(full);
      console.info(`entra 10k users / 200 groups / ${memberships} memberships: full read ${full} requests, incremental ${incremental}`);
    } finally {
      await em.close();
    }
  });
});
