/** The emulator's org authorization server: private_key_jwt client credentials, scopes, token use. */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startOktaEmulator } from '../../emulators/okta/index.js';
import type { OktaEmulatorHandle } from '../../emulators/okta/index.js';
import { oktaErrorGuard } from './okta-test-client.js';

const tokenGuard = z.object({ token_type: z.literal('Bearer'), expires_in: z.number(), access_token: z.string(), scope: z.string() });
const oauthErrorGuard = z.object({ error: z.string(), error_description: z.string() });

let emu: OktaEmulatorHandle;
let rsa: { publicKey: CryptoKey; privateKey: CryptoKey };
let ec: { publicKey: CryptoKey; privateKey: CryptoKey };
let stranger: { publicKey: CryptoKey; privateKey: CryptoKey };

beforeAll(async () => {
  [rsa, ec, stranger] = await Promise.all([generateKeyPair('RS256'), generateKeyPair('ES256'), generateKeyPair('RS256')]);
  emu = await startOktaEmulator({
    users: 20,
    groups: 3,
    oauthClients: [
      { clientId: '0oaFull', publicKey: rsa.publicKey, scopes: ['okta.users.read', 'okta.groups.read', 'okta.logs.read'] },
      { clientId: '0oaUsers', publicKey: { ...(await exportJWK(ec.publicKey)), kid: 'ec-1' }, scopes: ['okta.users.read'] },
    ],
  });
});
afterAll(() => emu.close());

interface AssertionOptions {
  clientId?: string;
  key?: CryptoKey;
  alg?: string;
  kid?: string;
  aud?: string;
  expiresIn?: string;
  jti?: string;
}
const assertion = (o: AssertionOptions = {}) =>
  new SignJWT({})
    .setProtectedHeader({ alg: o.alg ?? 'RS256', ...(o.kid ? { kid: o.kid } : {}) })
    .setIssuer(o.clientId ?? '0oaFull')
    .setSubject(o.clientId ?? '0oaFull')
    .setAudience(o.aud ?? emu.tokenUrl)
    .setIssuedAt()
    .setExpirationTime(o.expiresIn ?? '5m')
    .setJti(o.jti ?? randomUUID())
    .sign(o.key ?? rsa.privateKey);

async function token(form: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(emu.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) });
}
const form = async (o: AssertionOptions & { scope?: string; grant?: string } = {}) => ({
  grant_type: o.grant ?? 'client_credentials',
  scope: o.scope ?? 'okta.users.read okta.groups.read',
  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  client_assertion: await assertion(o),
});

describe('POST /oauth2/v1/token', () => {
  it('issues a bearer token for a valid assertion (tolerating an unsolicited DPoP header) that works on the API', async () => {
    const res = await token(await form(), { DPoP: 'eyJ0eXAiOiJkcG9wK2p3dCJ9.e30.sig' });
    expect(res.status).toBe(200);
    const body = tokenGuard.parse(await res.json());
    expect(body).toMatchObject({ expires_in: 3600, scope: 'okta.users.read okta.groups.read' });
    const users = await fetch(`${emu.url}/api/v1/users`, { headers: { Authorization: `Bearer ${body.access_token}` } });
    expect(users.status).toBe(200);
    const groups = await fetch(`${emu.url}/api/v1/groups`, { headers: { Authorization: `Bearer ${body.access_token}` } });
    expect(groups.status).toBe(200);
  });

  it('accepts an ES256 assertion against a registered JWK', async () => {
    const res = await token(await form({ clientId: '0oaUsers', key: ec.privateKey, alg: 'ES256', kid: 'ec-1', scope: 'okta.users.read' }));
    expect(res.status).toBe(200);
  });

  it('rejects a bad signature, a wrong aud, an unknown client and a too-long lifetime with 401 invalid_client', async () => {
    for (const bad of [{ key: stranger.privateKey }, { aud: 'https://acme.okta.com/oauth2/v1/token' }, { clientId: '0oaNobody' }, { expiresIn: '2h' }]) {
      const res = await token(await form(bad));
      expect(res.status).toBe(401);
      expect(oauthErrorGuard.parse(await res.json()).error).toBe('invalid_client');
    }
  });

  it('rejects a replayed jti', async () => {
    const f = await form({ jti: 'same-jti' });
    expect((await token(f)).status).toBe(200);
    const again = await token(f);
    expect(again.status).toBe(401);
    expect(oauthErrorGuard.parse(await again.json()).error_description).toContain('jti');
  });

  it('rejects scopes not granted (400 invalid_scope) and other grant types (400 unsupported_grant_type)', async () => {
    const scope = await token(await form({ clientId: '0oaUsers', key: ec.privateKey, alg: 'ES256', scope: 'okta.users.read okta.groups.read' }));
    expect(scope.status).toBe(400);
    expect(oauthErrorGuard.parse(await scope.json())).toMatchObject({ error: 'invalid_scope' });
    const grant = await token(await form({ grant: 'password' }));
    expect(grant.status).toBe(400);
    expect(oauthErrorGuard.parse(await grant.json()).error).toBe('unsupported_grant_type');
  });

  it('answers 403 E0000006 with insufficient_scope when the token lacks the endpoint scope', async () => {
    const res = await token(await form({ clientId: '0oaUsers', key: ec.privateKey, alg: 'ES256', scope: 'okta.users.read' }));
    const { access_token } = tokenGuard.parse(await res.json());
    const groups = await fetch(`${emu.url}/api/v1/groups`, { headers: { Authorization: `Bearer ${access_token}` } });
    expect(groups.status).toBe(403);
    expect(oktaErrorGuard.parse(await groups.json()).errorCode).toBe('E0000006');
    expect(groups.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    const logs = await fetch(`${emu.url}/api/v1/logs`, { headers: { Authorization: `Bearer ${access_token}` } });
    expect(logs.status).toBe(403);
    expect((await fetch(`${emu.url}/api/v1/users`, { headers: { Authorization: `Bearer ${access_token}` } })).status).toBe(200);
  });

  it('expired and revoked tokens get 401 E0000011', async () => {
    const shortLived = await startOktaEmulator({ users: 3, groups: 1, tokenTtlSeconds: 0, oauthClients: [{ clientId: '0oaFull', publicKey: rsa.publicKey, scopes: ['okta.users.read'] }] });
    try {
      const f = {
        grant_type: 'client_credentials',
        scope: 'okta.users.read',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await assertion({ aud: shortLived.tokenUrl }),
      };
      const res = await fetch(shortLived.tokenUrl, { method: 'POST', body: new URLSearchParams(f) });
      const { access_token, expires_in } = tokenGuard.parse(await res.json());
      expect(expires_in).toBe(0);
      const api = await fetch(`${shortLived.url}/api/v1/users`, { headers: { Authorization: `Bearer ${access_token}` } });
      expect(api.status).toBe(401);
      expect(oktaErrorGuard.parse(await api.json()).errorCode).toBe('E0000011');
      expect(api.headers.get('www-authenticate')).toContain('invalid_token');
    } finally {
      await shortLived.close();
    }
    const res = await token(await form());
    const { access_token } = tokenGuard.parse(await res.json());
    emu.revokeTokens();
    expect((await fetch(`${emu.url}/api/v1/users`, { headers: { Authorization: `Bearer ${access_token}` } })).status).toBe(401);
  });

  it('needs a client assertion', async () => {
    const res = await token({ grant_type: 'client_credentials', scope: 'okta.users.read', client_id: '0oaFull', client_secret: 'x' });
    expect(res.status).toBe(401);
    expect(oauthErrorGuard.parse(await res.json()).error).toBe('invalid_client');
  });
});
