import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { oktaCredentialsGuard } from '../../src/providers/okta/credentials.js';
import { oktaProvider } from '../../src/providers/okta/index.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function messageOf(input: unknown): string {
  const r = oktaCredentialsGuard.safeParse(input);
  if (r.success) throw new Error('expected the guard to reject');
  return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join(' | ');
}

describe('Okta credentials guard', () => {
  it('accepts an API token and normalises the org URL', () => {
    const c = oktaCredentialsGuard.parse({ orgUrl: ' https://acme.okta.com/ ', apiToken: '00abc' });
    expect(c).toEqual({ orgUrl: 'https://acme.okta.com', apiToken: '00abc' });
    expect(oktaCredentialsGuard.parse(c)).toEqual(c); // stored output parses to itself
    expect(oktaProvider.describeTarget(c)).toBe('acme.okta.com');
    expect(oktaProvider.endpointsOf(c)).toEqual(['https://acme.okta.com']);
  });

  it('explains what is wrong with the org URL', () => {
    expect(messageOf({ orgUrl: 'acme.okta.com', apiToken: 't' })).toMatch(/orgUrl: .*not an absolute URL.*https:\/\//);
    expect(messageOf({ orgUrl: 'https://acme-admin.okta.com/', apiToken: 't' })).toMatch(/admin console.*https:\/\/acme\.okta\.com/);
    expect(messageOf({ orgUrl: 'https://acme.okta.com/admin/dashboard', apiToken: 't' })).toMatch(/without a path such as "\/admin\/dashboard"/);
    expect(messageOf({ orgUrl: 'ftp://acme.okta.com', apiToken: 't' })).toMatch(/must start with https:\/\//);
    expect(messageOf({ apiToken: 't' })).toMatch(/^orgUrl: orgUrl is required/);
  });

  it('names the missing or conflicting fields', () => {
    expect(messageOf({ orgUrl: 'https://acme.okta.com' })).toMatch(/^apiToken: Give an apiToken/);
    expect(messageOf({ orgUrl: 'https://acme.okta.com', apiToken: 't', clientId: 'c' })).toMatch(/not both/);
    expect(messageOf({ orgUrl: 'https://acme.okta.com', apiToken: 'SSWS 00abc' })).toMatch(/without the "SSWS " prefix/);
    expect(messageOf({ orgUrl: 'https://acme.okta.com', apiToken: '  ' })).toMatch(/^apiToken: apiToken is empty/);
    expect(messageOf({ orgUrl: 'https://acme.okta.com', clientId: '0oa1' })).toMatch(/^privateKey: privateKey is missing/);
    expect(messageOf({ orgUrl: 'https://acme.okta.com', clientId: '0oa1', clientSecret: 's' })).toMatch(/^clientSecret: .*Public key \/ Private key/);
    expect(messageOf('nope')).toMatch(/credentials must be an object/);
  });

  it('accepts PKCS#8 and PKCS#1 RSA keys, SEC1/PKCS#8 EC keys and JWKs', () => {
    const pem = (k: typeof rsa.privateKey, type: 'pkcs8' | 'pkcs1' | 'sec1') => k.export({ type, format: 'pem' }).toString();
    for (const privateKey of [
      pem(rsa.privateKey, 'pkcs8'),
      pem(rsa.privateKey, 'pkcs1'),
      pem(ec.privateKey, 'sec1'),
      pem(ec.privateKey, 'pkcs8'),
      JSON.stringify({ ...rsa.privateKey.export({ format: 'jwk' }), kid: 'k1' }),
    ]) {
      const c = oktaCredentialsGuard.parse({ orgUrl: 'https://acme.okta.com', clientId: '0oa1', privateKey, scopes: 'okta.users.read okta.groups.read' });
      expect(c).toMatchObject({ clientId: '0oa1', scopes: ['okta.users.read', 'okta.groups.read'] });
    }
  });

  it('rejects public keys, small keys and non-keys with a fix', () => {
    const base = { orgUrl: 'https://acme.okta.com', clientId: '0oa1' };
    const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(messageOf({ ...base, privateKey: publicPem })).toMatch(/^privateKey: .*public key/);
    expect(messageOf({ ...base, privateKey: JSON.stringify(rsa.publicKey.export({ format: 'jwk' })) })).toMatch(/public JWK/);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(messageOf({ ...base, privateKey: small })).toMatch(/1024-bit.*2048/);
    expect(messageOf({ ...base, privateKey: 'hunter2' })).toMatch(/must be a PEM private key/);
    expect(messageOf({ ...base, privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' })).toMatch(/not a readable PEM/);
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(messageOf({ ...base, privateKey: ed })).toMatch(/ed25519 key; Okta service apps accept RSA or EC/);
  });

  it('never echoes the secret in a message', () => {
    const secret = 'super-secret-token-value';
    expect(messageOf({ orgUrl: 'nope', apiToken: secret })).not.toContain(secret);
    expect(messageOf({ orgUrl: 'https://acme.okta.com', clientId: 'c', privateKey: secret })).not.toContain(secret);
  });
});
