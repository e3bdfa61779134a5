/**
 * The Okta connector against the Okta emulator (a real HTTP server speaking Okta's API): complete
 * reads across pages, both auth schemes, and recovery from injected faults.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOktaEmulator, type OktaEmulatorHandle } from '../../emulators/okta/index.js';
import { createOktaConnector } from '../../src/providers/okta/connector.js';
import { oktaCredentialsGuard, type OktaCredentials } from '../../src/providers/okta/credentials.js';
import { collect, failure } from '../support/connector-helpers.js';
import type { ConnectorContext } from '../../src/providers/types.js';

const TOKEN = 'emulator-ssws-token';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ctx: ConnectorContext = { retry: { baseDelayMs: 10 } };

let emu: OktaEmulatorHandle;
beforeAll(async () => {
  emu = await startOktaEmulator({
    port: 0,
    users: 450,
    groups: 30,
    seed: 7,
    token: TOKEN,
    oauthClients: [
      { clientId: '0oaFull', publicKey: keys.publicKey, scopes: ['okta.users.read', 'okta.groups.read'] },
      { clientId: '0oaUsersOnly', publicKey: keys.publicKey, scopes: ['okta.users.read'] },
    ],
  });
});
afterAll(() => emu.close());
beforeEach(() => emu.faults.clear());

const ssws = (): OktaCredentials => ({ orgUrl: emu.url, apiToken: TOKEN });
const serviceApp = (clientId = '0oaFull', scopes?: string[]) =>
  oktaCredentialsGuard.parse({ orgUrl: `${emu.url}/`, clientId, privateKey, ...(scopes ? { scopes } : {}) });



const liveUserIds = () => emu.state.people.map((p) => emu.idOfPerson(p.key)).sort();

describe('Okta connector against the emulator', () => {
  it('reads all 450 users (DEPROVISIONED included), every group and every membership with an API token', async () => {
    const c = createOktaConnector(ssws(), ctx);
    const userPages: number[] = [];
    const users = [];
    for await (const page of c.listUsers()) {
      userPages.push(page.length);
      users.push(...page);
    }
    expect(userPages).toEqual([200, 200, 50]);
    expect(users.map((u) => u.externalId).sort()).toEqual(liveUserIds());
    const byId = new Map(emu.state.people.map((p) => [emu.idOfPerson(p.key), p]));
    for (const u of users) {
      const p = byId.get(u.externalId)!;
      expect(u.enabled).toBe(['active', 'recovery', 'password_expired', 'locked_out'].includes(p.state));
    }
    expect(users.some((u) => u.raw.status === 'DEPROVISIONED')).toBe(true);
    expect(users.some((u) => !u.enabled)).toBe(true);

    const groups = await collect(c.listGroups());
    expect(groups.find((g) => g.raw.type === 'BUILT_IN')?.name).toBe('Everyone');
    const okGroups = groups.filter((g) => g.raw.type !== 'BUILT_IN');
    expect(okGroups.map((g) => g.externalId).sort()).toEqual(emu.state.groups.map((g) => emu.idOfGroup(g.key)).sort());

    let memberships = 0;
    for (const g of emu.state.groups) {
      const members = await collect(c.listGroupMembers(emu.idOfGroup(g.key)));
      expect(members.every((m) => m.type === 'user')).toBe(true);
      expect(members.map((m) => m.externalId).sort()).toEqual(g.memberKeys.map((k) => emu.idOfPerson(k)).sort());
      memberships += members.length;
    }
    expect(memberships).toBe(emu.state.memberships());
    // some group is larger than a page, so member paging was exercised
    expect(Math.max(...emu.state.groups.map((g) => g.memberKeys.length))).toBeGreaterThan(200);
    const everyone = groups.find((g) => g.raw.type === 'BUILT_IN')!;
    expect(await collect(c.listGroupMembers(everyone.externalId))).toHaveLength(450);
  });

  it('reads the same directory with an OAuth service app (private_key_jwt)', async () => {
    const c = createOktaConnector(serviceApp(), ctx);
    const r = await c.testConnection();
    expect(r).toMatchObject({ ok: true, message: `Connected to ${new URL(emu.url).host} with the service app 0oaFull: users and groups are readable.` });
    expect((await collect(c.listUsers())).map((u) => u.externalId).sort()).toEqual(liveUserIds());
    expect((await collect(c.listGroups())).length).toBe(emu.state.groups.length + 1);
  });

  it('gets a new access token when Okta stops accepting the old one', async () => {
    const c = createOktaConnector(serviceApp(), ctx);
    await c.testConnection();
    emu.revokeTokens();
    expect(await collect(c.listUsers())).toHaveLength(450);
    emu.faults.add({ match: { path: '/api/v1/groups', page: 1 }, kind: 'expired_token' });
    expect((await collect(c.listGroups())).length).toBe(emu.state.groups.length + 1);
  });

  it('reports a bad API token as auth_failed', async () => {
    const r = await createOktaConnector({ orgUrl: emu.url, apiToken: 'wrong-token' }, ctx).testConnection();
    expect(r).toMatchObject({
      ok: false,
      code: 'auth_failed',
      message: 'Okta rejected the API token (E0000011 Invalid token provided). Create a new token in Okta Admin > Security > API > Tokens.',
    });
    expect(JSON.stringify(r)).not.toContain('wrong-token');
  });

  it('names the missing scope: at the token endpoint (invalid_scope) and at the API (403)', async () => {
    const refused = await createOktaConnector(serviceApp('0oaUsersOnly'), ctx).testConnection();
    expect(refused).toMatchObject({ ok: false, code: 'permission_denied' });
    expect(refused.message).toMatch(/okta\.groups\.read/);

    const usersOnly = createOktaConnector(serviceApp('0oaUsersOnly', ['okta.users.read']), ctx);
    expect(await collect(usersOnly.listUsers())).toHaveLength(450);
    const e = await failure(collect(usersOnly.listGroups()));
    expect(e.code).toBe('permission_denied');
    expect(e.message).toMatch(/lacks the okta\.groups\.read scope/);
  });

  it('reports an unknown service app as auth_failed', async () => {
    const r = await createOktaConnector(serviceApp('0oaUnknown'), ctx).testConnection();
    expect(r).toMatchObject({ ok: false, code: 'auth_failed' });
    expect(r.message).toMatch(/invalid_client/);
  });

  it('retries a 500 on page 2 and a dropped connection on page 3, and still reads everything', async () => {
    emu.faults.add({ match: { path: '/api/v1/users', page: 2 }, kind: 'status', status: 500 });
    emu.faults.add({ match: { path: '/api/v1/users', page: 3 }, kind: 'drop' });
    const c = createOktaConnector(ssws(), ctx);
    expect((await collect(c.listUsers())).map((u) => u.externalId).sort()).toEqual(liveUserIds());
    expect(c.stats.retries).toBe(2);
    expect(emu.faults.size).toBe(0);
  });

  it('waits out a 429 until X-Rate-Limit-Reset', async () => {
    emu.faults.add({ match: { path: '/api/v1/groups', page: 1 }, kind: 'rate_limit', oktaResetSeconds: 1 });
    const c = createOktaConnector(ssws(), ctx);
    const started = Date.now();
    expect((await collect(c.listGroups())).length).toBe(emu.state.groups.length + 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(c.stats.throttled).toBe(1);
  });

  it('retries a response cut mid-body', async () => {
    emu.faults.add({ match: { path: '/users', page: 1 }, kind: 'cut' });
    const c = createOktaConnector(ssws(), ctx);
    expect(await collect(c.listGroupMembers(emu.idOfGroup(emu.state.groups[0]!.key)))).toHaveLength(emu.state.groups[0]!.memberKeys.length);
    expect(c.stats.retries).toBe(1);
  });

  it('fails the read (invalid_response) on a looping cursor, a repeated page and an empty 200 that persists', async () => {
    const c = createOktaConnector(ssws(), ctx);
    for (const kind of ['loop_cursor', 'repeat_page', 'empty_200'] as const) {
      emu.faults.clear();
      emu.faults.add({ match: { path: '/api/v1/users', page: 2 }, kind, times: -1 });
      const e = await failure(collect(c.listUsers()));
      expect([kind, e.code]).toEqual([kind, 'invalid_response']);
    }
  });

  it('asks again for a page whose 200 body was empty or cut once', async () => {
    for (const kind of ['empty_200', 'truncated_json'] as const) {
      emu.faults.clear();
      emu.faults.add({ match: { path: '/api/v1/users', page: 2 }, kind });
      const users = await collect(createOktaConnector(ssws(), ctx).listUsers());
      expect(users.map((u) => u.externalId).sort()).toEqual(liveUserIds());
    }
  });

  it('drops records a faulty page repeats', async () => {
    emu.faults.add({ match: { path: '/api/v1/users', page: 2 }, kind: 'duplicate_records' });
    const users = await collect(createOktaConnector(ssws(), ctx).listUsers());
    expect(users.map((u) => u.externalId).sort()).toEqual(liveUserIds());
  });

  it('gives up with transient after the retries when Okta keeps failing', async () => {
    emu.faults.add({ match: { path: '/api/v1/groups' }, kind: 'status', status: 503, times: -1 });
    const e = await failure(collect(createOktaConnector(ssws(), { retry: { baseDelayMs: 5, attempts: 3 } }).listGroups()));
    expect(e.code).toBe('transient');
  });

  it('reports an org URL nothing answers at as unreachable', async () => {
    const dead = await startOktaEmulator({ users: 1, groups: 1 });
    await dead.close();
    const r = await createOktaConnector({ orgUrl: dead.url, apiToken: TOKEN }, ctx).testConnection();
    expect(r).toMatchObject({ ok: false, code: 'unreachable' });
    expect(r.message).toMatch(/Check the URL/);
  });
});
