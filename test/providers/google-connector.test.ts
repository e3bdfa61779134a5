/**
 * The Google connector against the Google emulator over real HTTP: full reads across pages, nested
 * groups, org units, disabled users, auth and delegation failures with their admin messages, and
 * quota / server errors retried.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleEmulator, type GoogleEmulatorHandle, type GoogleEmulatorOptions } from '../../emulators/google/index.js';
import { generateServiceAccountKey, type EmulatorServiceAccountKey } from '../../emulators/google/service-account.js';
import { collect as all, failure } from '../support/connector-helpers.js';
import { googleCredentialsGuard, googleProvider, type GoogleCredentials } from '../../src/providers/google/index.js';
import type { ConnectorContext, DirectoryConnector, SourceMember, SourceUser } from '../../src/providers/types.js';

const FAST: ConnectorContext = { retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 } };

let key: EmulatorServiceAccountKey;
let otherKey: EmulatorServiceAccountKey;
const open: GoogleEmulatorHandle[] = [];

beforeAll(async () => {
  // one key pair for every emulator of this file (RSA generation is the slow part of a start)
  [key, otherKey] = await Promise.all([generateServiceAccountKey(1, 'http://unused/token'), generateServiceAccountKey(2, 'http://unused/token')]);
});
afterAll(async () => {
  await Promise.all(open.map((e) => e.close()));
});

async function emulator(options: GoogleEmulatorOptions = {}): Promise<GoogleEmulatorHandle> {
  const em = await startGoogleEmulator({ users: 60, groups: 14, seed: 3, serviceAccountKey: key, ...options });
  open.push(em);
  return em;
}

function credentials(em: GoogleEmulatorHandle, patch: Partial<Record<string, unknown>> = {}): GoogleCredentials {
  return googleCredentialsGuard.parse({ serviceAccountKey: em.serviceAccountKey, adminEmail: em.adminEmail, endpoints: { directory: em.url }, ...patch });
}

const connect = (em: GoogleEmulatorHandle, ctx: ConnectorContext = FAST, patch = {}): DirectoryConnector =>
  googleProvider.createConnector(credentials(em, patch), ctx);



describe('google credentials guard', () => {
  it('accepts the key as an object or as the file text, and defaults the customer', () => {
    const text = JSON.stringify({ ...key, token_uri: 'https://oauth2.googleapis.com/token' });
    const parsed = googleCredentialsGuard.parse({ serviceAccountKey: text, adminEmail: 'admin@example.test' });
    expect(parsed.serviceAccountKey.client_email).toBe(key.client_email);
    expect(googleProvider.endpointsOf(parsed)).toEqual(['https://oauth2.googleapis.com/token', 'https://admin.googleapis.com/admin/directory/v1']);
    expect(googleProvider.describeTarget(parsed)).toBe('example.test (Google Workspace)');
  });

  it('names the field and the fix when the key or admin is wrong', () => {
    const bad = googleCredentialsGuard.safeParse({ serviceAccountKey: { ...key, private_key: 'not a key' }, adminEmail: 'nobody' });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => i.message).join('\n');
    expect(messages).toMatch(/private_key is not a readable RSA private key/);
    expect(messages).toMatch(/adminEmail must be the email of a Workspace super admin/);
    const notJson = googleCredentialsGuard.safeParse({ serviceAccountKey: '{oops', adminEmail: 'a@b.test' });
    expect(notJson.error!.issues.map((i) => i.message).join()).toMatch(/not JSON/);
    const oauthClient = googleCredentialsGuard.safeParse({ serviceAccountKey: { ...key, type: 'authorized_user' }, adminEmail: 'a@b.test' });
    expect(oauthClient.error!.issues.map((i) => i.message).join()).toMatch(/must be "service_account"/);
  });

  it('offers the default mapping of the issue', () => {
    expect(googleProvider.defaultAttributeMapping).toMatchObject({
      email: 'primaryEmail',
      displayName: 'name.fullName',
      'attributes.title': 'organizations[primary=true].title',
      'attributes.employeeId': 'externalIds[type=organization].value',
    });
    expect(googleProvider.capabilities).toEqual({ supportsDelta: false, supportsNestedGroups: true, supportsOrgUnits: true });
  });
});

describe('google connector: full read', () => {
  let em: GoogleEmulatorHandle;
  beforeAll(async () => {
    em = await emulator({ users: 1200, groups: 30, seed: 11 });
  });

  it('reads every user across pages of 500, disabling suspended and archived ones', async () => {
    em.faults.clear();
    const connector = connect(em);
    const pages: SourceUser[][] = [];
    for await (const page of connector.listUsers()) pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([500, 500, 200]);
    const users = pages.flat();
    expect(new Set(users.map((u) => u.externalId)).size).toBe(1200);
    const byId = new Map(users.map((u) => [u.externalId, u]));
    for (const p of em.state.people) {
      const u = byId.get(em.idOfPerson(p.key))!;
      expect(u.enabled, `${p.key} ${p.state}`).toBe(p.state !== 'suspended' && p.state !== 'deprovisioned');
      expect(u.orgUnitPath).toBe(p.orgUnitPath);
    }
    expect(users.some((u) => u.raw.archived === true)).toBe(true);
    expect(users.some((u) => u.raw.suspended === true)).toBe(true);
    // ids stay strings beyond 2^53
    expect(users[0]!.externalId).toMatch(/^\d{21}$/);
  });

  it('reads groups and every member of a group larger than one page, nested groups as group members', async () => {
    const connector = connect(em);
    const groups = await all(connector.listGroups());
    expect(groups).toHaveLength(30);
    const big = em.state.groups.find((g) => g.memberKeys.length > 200)!;
    expect(big).toBeDefined();
    const bigMembers = await all(connector.listGroupMembers(em.idOfGroup(big.key)));
    expect(bigMembers.filter((m) => m.type === 'user').map((m) => m.externalId).sort()).toEqual(big.memberKeys.map((k) => em.idOfPerson(k)).sort());

    const parent = em.state.groups.find((g) => g.childGroupKeys.length > 0)!;
    const members = await all(connector.listGroupMembers(em.idOfGroup(parent.key)));
    const nested: SourceMember[] = members.filter((m) => m.type === 'group');
    expect(nested.map((m) => m.externalId)).toEqual(parent.childGroupKeys.map((k) => em.idOfGroup(k)));
    expect(groups.map((g) => g.externalId)).toEqual(expect.arrayContaining(nested.map((m) => m.externalId)));
  });

  it('lists org units as a tree rooted at /', async () => {
    const units = await connect(em).listOrgUnits!();
    const paths = units.map((u) => u.path);
    expect(paths).toContain('/');
    expect(units.find((u) => u.path === '/')!.parentPath).toBeNull();
    const sub = units.find((u) => u.path.split('/').length === 3)!;
    expect(sub.parentPath).toBe(sub.path.slice(0, sub.path.lastIndexOf('/')));
    expect(paths).toContain(sub.parentPath);
    for (const p of em.state.people) expect(paths).toContain(p.orgUnitPath);
  });

  it('testConnection asks for a token, one user and one group', async () => {
    em.faults.clear();
    const before = em.stats().requests;
    const result = await connect(em).testConnection();
    expect(result).toMatchObject({ ok: true });
    expect(result.message).toMatch(/Connected to Google Workspace as admin@example\.test/);
    expect(em.stats().requests - before).toBe(3);
  });
});

describe('google connector: auth and delegation errors', () => {
  let em: GoogleEmulatorHandle;
  beforeAll(async () => {
    em = await emulator();
  });

  it('a key the service account does not hold → auth_failed', async () => {
    const forged = { ...otherKey, client_email: key.client_email, token_uri: em.tokenUrl };
    const connector = connect(em, FAST, { serviceAccountKey: forged });
    const result = await connector.testConnection();
    expect(result.ok).toBe(false);
    expect(result.code).toBe('auth_failed');
    expect(result.message).toMatch(/rejected the service account key's signature/);
    expect((await failure(all(connector.listUsers()))).code).toBe('auth_failed');
  });

  it('an adminEmail unknown to the domain → auth_failed naming it', async () => {
    const result = await connect(em, FAST, { adminEmail: 'ghost@example.test' }).testConnection();
    expect(result).toMatchObject({ ok: false, code: 'auth_failed' });
    expect(result.message).toMatch(/ghost@example\.test/);
  });

  it('a scope missing from the delegation → permission_denied with the Admin console hint', async () => {
    const narrow = await emulator({ scopes: ['admin.directory.user.readonly', 'admin.directory.group.readonly', 'admin.directory.group.member.readonly'] });
    const result = await connect(narrow).testConnection();
    expect(result).toMatchObject({ ok: false, code: 'permission_denied' });
    expect(result.message).toMatch(/Admin console > Security > API controls/);
    expect(result.message).toContain('admin.directory.orgunit.readonly');
    expect(result.message).toContain(`client ID ${key.client_id}`);
    expect(result.message).toMatch(/super admin/);
  });

  it('impersonating a user who is not an admin → permission_denied (403 Not Authorized)', async () => {
    const someone = em.state.people.find((p) => p.email)!;
    const error = await failure(all(connect(em, FAST, { adminEmail: someone.email }).listUsers()));
    expect(error.code).toBe('permission_denied');
    expect(error.details.status).toBe(403);
    expect(error.message).toMatch(/Not Authorized to access this resource\/api/);
    expect(error.details.hint).toMatch(/domain-wide delegation/);
  });

  it('a server clock Google finds out of step → auth_failed pointing at the clock', async () => {
    const skewed = await emulator({ now: () => Date.now() + 2 * 3600_000 });
    const result = await connect(skewed).testConnection();
    expect(result).toMatchObject({ ok: false, code: 'auth_failed' });
    expect(result.message).toMatch(/clock/);
  });

  it('a customer id Google does not know → not_found', async () => {
    const error = await failure(all(connect(em, FAST, { customerId: 'C0nosuch' }).listUsers()));
    expect(error.code).toBe('not_found');
    expect(error.message).toMatch(/customer "C0nosuch"/);
  });

  it('an expired access token is renewed once and the read continues', async () => {
    em.faults.clear();
    const connector = connect(em);
    await connector.testConnection();
    em.revokeTokens();
    const tokenCalls = em.stats().byPath['/token'] ?? 0;
    expect(await all(connector.listUsers())).toHaveLength(60);
    expect(em.stats().byPath['/token']).toBe(tokenCalls + 1);
  });
});

describe('google connector: member types', () => {
  it('reports USER and GROUP members, skips CUSTOMER and EXTERNAL members without an id', async () => {
    const em = await emulator({ users: 3, groups: 1 });
    // the neutral company has no "everyone" or outside members: a stub group page stands in for Google here
    const stub = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          kind: 'admin#directory#members',
          members: [
            { kind: 'admin#directory#member', id: '104815162342108001337', email: 'ivo@example.test', role: 'OWNER', type: 'USER', status: 'ACTIVE' },
            { kind: 'admin#directory#member', id: '03b2x7kq1m4z9ab', email: 'leads@example.test', role: 'MEMBER', type: 'GROUP', status: 'ACTIVE' },
            { kind: 'admin#directory#member', id: 'C03ab9xyz', role: 'MEMBER', type: 'CUSTOMER' },
            { kind: 'admin#directory#member', email: 'guest@elsewhere.test', role: 'MEMBER', type: 'EXTERNAL', status: 'ACTIVE' },
            { kind: 'admin#directory#member', id: '109999999999999999999', email: 'known@elsewhere.test', role: 'MEMBER', type: 'EXTERNAL', status: 'ACTIVE' },
          ],
        }),
      );
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = stub.address() as AddressInfo;
      // token from the emulator, directory calls to the stub
      const connector = connect(em, FAST, { endpoints: { directory: `http://127.0.0.1:${port}` } });
      expect(await all(connector.listGroupMembers('03b2x7kq1m4z9aa'))).toEqual([
        { type: 'user', externalId: '104815162342108001337' },
        { type: 'group', externalId: '03b2x7kq1m4z9ab' },
        { type: 'user', externalId: '109999999999999999999' },
      ]);
    } finally {
      stub.closeAllConnections();
      await new Promise((resolve) => stub.close(resolve));
    }
  });
});

describe('google connector: quota and server errors', () => {
  let em: GoogleEmulatorHandle;
  beforeAll(async () => {
    em = await emulator({ users: 1100 });
  });

  it('403 userRateLimitExceeded is backed off and retried', async () => {
    em.faults.clear();
    em.faults.add({ kind: 'status', status: 403, body: 'userRateLimitExceeded', match: { path: '/users', page: 2 }, times: 2 });
    const connector = connect(em);
    expect(await all(connector.listUsers())).toHaveLength(1100);
    expect(connector.stats.throttled).toBe(2);
    expect(connector.stats.retries).toBe(2);
  });

  it('a 5xx on page 2 is retried', async () => {
    em.faults.clear();
    em.faults.add({ kind: 'status', status: 503, match: { path: '/users', page: 2 } });
    const connector = connect(em);
    expect(await all(connector.listUsers())).toHaveLength(1100);
    expect(connector.stats.retries).toBe(1);
  });

  it('429 rateLimitExceeded that never ends → rate_limited after the retries', async () => {
    em.faults.clear();
    em.faults.add({ kind: 'rate_limit', match: { path: '/groups' }, times: -1 });
    const connector = connect(em);
    const error = await failure(all(connector.listGroups()));
    expect(error.code).toBe('rate_limited');
    expect(connector.stats.throttled).toBe(3);
    em.faults.clear();
  });

  it('a cut or half-sent page is fetched again', async () => {
    em.faults.clear();
    em.faults.add({ kind: 'truncated_json', match: { path: '/users', page: 2 } });
    em.faults.add({ kind: 'cut', match: { path: '/users', page: 3 } });
    expect(await all(connect(em).listUsers())).toHaveLength(1100);
  });

  it('records repeated by the server are reported once; a looping cursor fails the read', async () => {
    em.faults.clear();
    em.faults.add({ kind: 'duplicate_records', match: { path: '/users', page: 2 } });
    em.faults.add({ kind: 'repeat_page', match: { path: '/users', page: 3 } });
    const users = await all(connect(em).listUsers());
    expect(users).toHaveLength(1100);
    em.faults.add({ kind: 'loop_cursor', match: { path: '/users', page: 2 } });
    const error = await failure(all(connect(em).listUsers()));
    expect(error.code).toBe('invalid_response');
    expect(error.message).toMatch(/loop/);
  });
});
