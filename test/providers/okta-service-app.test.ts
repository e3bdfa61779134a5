/** OAuth 2.0 service-app auth against a scripted token endpoint that verifies the client assertion. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createOktaConnector } from '../../src/providers/okta/connector.js';
import { oktaCredentialsGuard } from '../../src/providers/okta/credentials.js';
import type { DirectoryConnector } from '../../src/providers/types.js';
import { oktaError, oktaGroup, oktaUser, sendJson, startStub, type Stub } from './okta-stub-server.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const fast = { retry: { baseDelayMs: 10, attempts: 3 } };

interface Scenario {
  publicKey: KeyObject;
  grantedScopes?: string[];
  /** token endpoint answers this instead of a token */
  tokenError?: { status: number; body: unknown };
  /** API answers 401 to these access tokens */
  revoked?: Set<string>;
  /** API answers 403 insufficient_scope on this path prefix */
  forbidPath?: string;
  tokenFailures?: number;
  /** lifetime of minted tokens, seconds */
  expiresIn?: number;
}

let stub: Stub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function startOrg(s: Scenario) {
  const jtis = new Set<string>();
  const minted: string[] = [];
  const assertions: Array<{ header: Record<string, unknown>; claims: Record<string, unknown>; scope: string | null }> = [];
  stub = await startStub(async (req, res, base) => {
    if (req.url.pathname === '/oauth2/v1/token') {
      if (s.tokenFailures && s.tokenFailures-- > 0) return sendJson(res, 503, { error: 'server_error' });
      const form = new URLSearchParams(req.body);
      const assertion = form.get('client_assertion') ?? '';
      expect(form.get('grant_type')).toBe('client_credentials');
      expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      let claims;
      try {
        claims = (await jwtVerify(assertion, s.publicKey, { audience: `${base}/oauth2/v1/token`, issuer: '0oaServiceApp', subject: '0oaServiceApp' })).payload;
      } catch (e) {
        return sendJson(res, 401, { error: 'invalid_client', error_description: `The client_assertion signature is invalid (${(e as Error).message}).` });
      }
      if (!claims.jti || jtis.has(claims.jti)) return sendJson(res, 401, { error: 'invalid_client', error_description: 'The client_assertion token has already been used.' });
      jtis.add(claims.jti);
      assertions.push({ header: decodeProtectedHeader(assertion), claims, scope: form.get('scope') });
      if (s.tokenError) return sendJson(res, s.tokenError.status, s.tokenError.body);
      const token = `at-${minted.length + 1}`;
      minted.push(token);
      return sendJson(res, 200, { token_type: 'Bearer', expires_in: s.expiresIn ?? 3600, access_token: token, scope: form.get('scope') });
    }
    const auth = req.headers.authorization ?? '';
    const token = auth.replace(/^Bearer /, '');
    if (!minted.includes(token) || s.revoked?.has(token)) return sendJson(res, 401, oktaError('E0000011', 'Invalid token provided'));
    if (s.forbidPath && req.url.pathname.startsWith(s.forbidPath))
      return sendJson(res, 403, oktaError('E0000006', 'You do not have permission to perform the requested action'), {
        'www-authenticate': `Bearer authorization_uri="${base}/oauth2/v1/authorize", realm="IdpMyAccount", scope="okta.groups.read", error="insufficient_scope", error_description="The access token provided does not contain the required scopes."`,
      });
    sendJson(res, 200, req.url.pathname.startsWith('/api/v1/groups') ? [oktaGroup('Sales')] : [oktaUser()]);
  });
  return { url: stub.url, minted, assertions };
}

function connector(url: string, privateKey: string, extra: Record<string, unknown> = {}): DirectoryConnector {
  return createOktaConnector(oktaCredentialsGuard.parse({ orgUrl: url, clientId: '0oaServiceApp', privateKey, ...extra }), fast);
}

async function count(it: AsyncIterable<unknown[]>) {
  let n = 0;
  for await (const p of it) n += p.length;
  return n;
}

const pkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('Okta service-app (OAuth 2.0) auth', () => {
  it('mints one token with a private_key_jwt assertion and reuses it', async () => {
    const org = await startOrg({ publicKey: rsa.publicKey });
    const c = connector(org.url, pkcs8, { keyId: 'key-1' });
    const r = await c.testConnection();
    expect(r.ok).toBe(true);
    expect(r.message).toMatch(/^Connected to 127\.0\.0\.1:\d+ with the service app 0oaServiceApp/);
    expect(r.details?.grantedScope).toBe('okta.users.read okta.groups.read');
    await count(c.listUsers());
    await count(c.listGroups());
    expect(org.minted).toEqual(['at-1']);
    const [a] = org.assertions;
    expect(a!.header).toMatchObject({ alg: 'RS256', kid: 'key-1' });
    expect(a!.claims).toMatchObject({ aud: `${org.url}/oauth2/v1/token`, iss: '0oaServiceApp', sub: '0oaServiceApp' });
    expect(Number(a!.claims.exp) - Number(a!.claims.iat)).toBe(300);
    expect(a!.scope).toBe('okta.users.read okta.groups.read');
  });

  it('signs ES256 with an EC key and accepts PKCS#1 and JWK keys', async () => {
    const org = await startOrg({ publicKey: ec.publicKey });
    await count(connector(org.url, ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString(), { scopes: ['okta.users.read'] }).listUsers());
    expect(org.assertions[0]!.header.alg).toBe('ES256');
    expect(org.assertions[0]!.scope).toBe('okta.users.read');
    await stub?.close();

    const org2 = await startOrg({ publicKey: rsa.publicKey });
    await count(connector(org2.url, rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()).listUsers());
    await count(connector(org2.url, JSON.stringify({ ...rsa.privateKey.export({ format: 'jwk' }), kid: 'jwk-kid' })).listUsers());
    expect(org2.assertions.map((x) => x.header.kid)).toEqual([undefined, 'jwk-kid']);
  });

  it('mints a new token when the cached one is about to expire', async () => {
    // a token that lives 2 ms is already inside the refresh margin when the next request starts
    const org = await startOrg({ publicKey: rsa.publicKey, expiresIn: 0.002 });
    const c = connector(org.url, pkcs8);
    await count(c.listUsers());
    await count(c.listGroups());
    expect(org.minted).toEqual(['at-1', 'at-2']);
  });

  it('re-mints the access token once when the API answers 401', async () => {
    const revoked = new Set(['at-1']);
    const org = await startOrg({ publicKey: rsa.publicKey, revoked });
    const c = connector(org.url, pkcs8);
    expect(await count(c.listUsers())).toBe(1);
    expect(org.minted).toEqual(['at-1', 'at-2']);
    expect(new Set(org.assertions.map((x) => x.claims.jti)).size).toBe(2);
  });

  it('retries a failing token endpoint with a fresh assertion each time', async () => {
    const org = await startOrg({ publicKey: rsa.publicKey, tokenFailures: 2 });
    expect(await count(connector(org.url, pkcs8).listUsers())).toBe(1);
    expect(org.minted).toEqual(['at-1']);
  });

  it('explains a key that does not match the registered public key (invalid_client)', async () => {
    const org = await startOrg({ publicKey: ec.publicKey });
    const r = await connector(org.url, pkcs8).testConnection();
    expect(r.ok).toBe(false);
    expect(r.code).toBe('auth_failed');
    expect(r.message).toMatch(/^Okta rejected the service app 0oaServiceApp \(invalid_client: .*privateKey matches a public key registered on the app/);
  });

  it('explains refused scopes (invalid_scope) and names them', async () => {
    const org = await startOrg({
      publicKey: rsa.publicKey,
      tokenError: { status: 400, body: { error: 'invalid_scope', error_description: 'The following scopes are not allowed: okta.groups.read' } },
    });
    const r = await connector(org.url, pkcs8).testConnection();
    expect(r).toMatchObject({ ok: false, code: 'permission_denied' });
    expect(r.message).toMatch(/refused the scopes okta\.users\.read okta\.groups\.read .*Okta API Scopes/);
  });

  it('names the missing scope from a 403 insufficient_scope challenge', async () => {
    const org = await startOrg({ publicKey: rsa.publicKey, forbidPath: '/api/v1/groups' });
    const r = await connector(org.url, pkcs8).testConnection();
    expect(r).toMatchObject({ ok: false, code: 'permission_denied' });
    expect(r.message).toMatch(/lacks the okta\.groups\.read scope/);
  });

  it('explains an app that requires DPoP', async () => {
    const org = await startOrg({ publicKey: rsa.publicKey, tokenError: { status: 400, body: { error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof.' } } });
    const r = await connector(org.url, pkcs8).testConnection();
    expect(r).toMatchObject({ ok: false, code: 'auth_failed' });
    expect(r.message).toMatch(/requires DPoP/);
  });
});
