import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEntraEmulator } from '../../emulators/entra/index.js';
import type { EntraEmulatorHandle } from '../../emulators/entra/index.js';
import { createSelfSignedCertificate } from '../../emulators/entra/self-signed-cert.js';
import { createEntraConnector } from '../../src/providers/entra/connector.js';
import type { EntraCredentials } from '../../src/providers/entra/credentials.js';
import { collect as all, failure as rejection } from '../support/connector-helpers.js';
import type { DirectoryConnector, SourceMember } from '../../src/providers/types.js';

const fast = { retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 5_000 } };



describe('Entra connector against the emulator (client secret)', () => {
  let em: EntraEmulatorHandle;
  let creds: EntraCredentials;
  let connector: DirectoryConnector;

  beforeAll(async () => {
    em = await startEntraEmulator({ users: 2300, groups: 30, seed: 11, clientSecret: 's3cret~value' });
    creds = { tenantId: em.tenantId, clientId: em.clientId, clientSecret: 's3cret~value', endpoints: { login: em.url, graph: em.url } };
    connector = createEntraConnector(creds, fast);
  });
  afterAll(() => em.close());

  it('reads every user across pages of 999, with accountEnabled mapped to enabled', async () => {
    em.faults.clear();
    const users = await all(connector.listUsers());
    expect(users).toHaveLength(2300);
    expect(new Set(users.map((u) => u.externalId)).size).toBe(2300);
    const byId = new Map(users.map((u) => [u.externalId, u]));
    for (const p of em.state.people) {
      const u = byId.get(em.idOfPerson(p.key))!;
      expect(u.enabled).toBe(p.state !== 'suspended' && p.state !== 'deprovisioned');
      expect(u.raw.mail).toBe(p.email);
      expect(u.raw.department).toBe(p.department);
      expect(u.raw.employeeId).toBe(p.employeeNumber);
    }
    const noMail = users.find((u) => u.raw.mail === null)!;
    expect(noMail.raw.userPrincipalName).toMatch(/@/);
  });

  it('lists direct members, users and nested groups, of every group', async () => {
    const groups = await all(connector.listGroups());
    expect(groups).toHaveLength(30);
    const parent = em.state.groups.find((g) => g.childGroupKeys.length > 0)!;
    const members: SourceMember[] = await all(connector.listGroupMembers(em.idOfGroup(parent.key)));
    expect(members.filter((m) => m.type === 'group').map((m) => m.externalId)).toEqual(parent.childGroupKeys.map((k) => em.idOfGroup(k)));
    expect(members.filter((m) => m.type === 'user').map((m) => m.externalId).sort()).toEqual(parent.memberKeys.map((k) => em.idOfPerson(k)).sort());
    const big = [...em.state.groups].sort((a, b) => b.memberKeys.length - a.memberKeys.length)[0]!;
    expect(big.memberKeys.length).toBeGreaterThan(999); // more than one page
    expect(await all(connector.listGroupMembers(em.idOfGroup(big.key)))).toHaveLength(big.memberKeys.length + big.childGroupKeys.length);
  });

  it('delta: an added, a changed and a removed user and membership come back as exactly those changes', async () => {
    const cursor = await connector.startDelta!();
    const added = em.state.addPerson({ givenName: 'Ada', familyName: 'Lovelace' });
    em.state.updatePerson('p000004', { title: 'Chief Mapper' });
    em.state.deletePerson('p000009');
    const group = em.state.groups[15]!;
    const leaver = group.memberKeys.find((k) => k !== 'p000009')!;
    em.state.addMember(group.key, added.key);
    em.state.removeMember(group.key, leaver);

    const changes = await connector.changesSince!(cursor);
    const users = new Map(changes.users.map((c) => [c.user.externalId, c]));
    expect(users.size).toBe(3);
    expect(users.get(em.idOfPerson(added.key))?.removed).toBe(false);
    const changed = users.get(em.idOfPerson('p000004'))!;
    expect(changed.removed).toBe(false);
    expect('raw' in changed.user && changed.user.raw.jobTitle).toBe('Chief Mapper');
    expect(users.get(em.idOfPerson('p000009'))?.removed).toBe(true);

    const memberships = changes.memberships.map((m) => `${m.groupExternalId} ${m.member.externalId} ${m.removed}`).sort();
    const expected = [
      `${em.idOfGroup(group.key)} ${em.idOfPerson(added.key)} false`,
      `${em.idOfGroup(group.key)} ${em.idOfPerson(leaver)} true`,
      // the deleted user left each of its groups
      ...em.state.journal.filter((e) => e.type === 'member.removed' && e.personKey === 'p000009').map((e) => `${em.idOfGroup(e.groupKey!)} ${em.idOfPerson('p000009')} true`),
    ].sort();
    expect(memberships).toEqual(expected);
    expect(changes.groups.every((g) => !g.removed)).toBe(true);

    // the new cursor sees nothing more; a group deletion arrives as removed
    const quiet = await connector.changesSince!(changes.cursor);
    expect(quiet.users).toEqual([]);
    expect(quiet.memberships).toEqual([]);
    em.state.deleteGroup(em.state.groups[20]!.key);
    const gone = await connector.changesSince!(quiet.cursor);
    expect(gone.groups).toEqual([{ removed: true, group: { externalId: expect.any(String) } }]);
  });

  it('delta: an expired, reset or unreadable cursor is delta_expired', async () => {
    const cursor = await connector.startDelta!();
    em.invalidateDeltaTokens(); // 410 Gone + Location
    expect((await rejection(connector.changesSince!(cursor))).code).toBe('delta_expired');
    expect((await rejection(connector.changesSince!('not-a-cursor'))).code).toBe('delta_expired');
    const other = createEntraConnector({ ...creds, endpoints: { login: em.url, graph: em.url.replace('127.0.0.1', 'localhost') } }, fast);
    expect((await rejection(other.changesSince!(await connector.startDelta!()))).code).toBe('delta_expired');
  });

  it('delta: a failure in the middle of a round throws instead of returning part of it', async () => {
    const cursor = await connector.startDelta!();
    for (let i = 0; i < 250; i++) em.state.updatePerson(em.state.people[i]!.key, { title: `T${i}` }); // > one delta page
    em.faults.add({ match: { path: '/users/delta', page: 2 }, kind: 'status', status: 400, body: { error: { code: 'Request_BadRequest', message: 'boom' } } });
    expect((await rejection(connector.changesSince!(cursor))).code).toBe('bad_request');
    em.faults.add({ match: { path: '/users/delta', page: 2 }, kind: 'premature_end' });
    expect((await rejection(connector.changesSince!(cursor))).code).toBe('invalid_response');
    const changes = await connector.changesSince!(cursor);
    expect(changes.users).toHaveLength(250);
  });

  it('waits out 429 Retry-After and retries 503 and cut responses', async () => {
    em.faults.add({ match: { path: '/v1.0/users', page: 2 }, kind: 'rate_limit', retryAfterSeconds: 1 });
    em.faults.add({ match: { path: '/v1.0/users', page: 3 }, kind: 'status', status: 503 });
    em.faults.add({ match: { path: '/v1.0/groups' }, kind: 'cut' });
    const c = createEntraConnector(creds, fast);
    const started = Date.now();
    expect(await all(c.listUsers())).toHaveLength(em.state.people.length);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(c.stats.throttled).toBe(1);
    expect(await all(c.listGroups())).toHaveLength(em.state.groups.length);
    expect(c.stats.retries).toBeGreaterThanOrEqual(3);
  });

  it('refreshes the token once on 401 and tolerates replayed pages and duplicate records', async () => {
    em.faults.add({ match: { path: '/v1.0/users', page: 2 }, kind: 'expired_token' });
    em.faults.add({ match: { path: '/v1.0/users', page: 2 }, kind: 'repeat_page' });
    em.faults.add({ match: { path: '/v1.0/users', page: 3 }, kind: 'duplicate_records' });
    const users = await all(createEntraConnector(creds, fast).listUsers());
    expect(users).toHaveLength(em.state.people.length);
    expect(new Set(users.map((u) => u.externalId)).size).toBe(users.length);
  });

  it('stops on a looping cursor and on a body that is not JSON', async () => {
    em.faults.add({ match: { path: '/v1.0/users', page: 2 }, kind: 'loop_cursor' });
    expect((await rejection(all(connector.listUsers()))).message).toMatch(/loop/);
    em.faults.add({ match: { path: '/v1.0/groups' }, kind: 'truncated_json', times: -1 });
    expect((await rejection(all(connector.listGroups()))).code).toBe('invalid_response');
  });

  it('asks again for a page whose body was cut once', async () => {
    em.faults.clear();
    const whole = (await all(connector.listGroups())).length;
    em.faults.add({ match: { path: '/v1.0/groups' }, kind: 'truncated_json' });
    expect(await all(connector.listGroups())).toHaveLength(whole);
  });

  it('names the missing permissions (preflight from the token roles, and on a 403)', async () => {
    em.setPermissions(['User.Read.All']);
    try {
      const c = createEntraConnector(creds, fast);
      const test = await c.testConnection();
      expect(test.ok).toBe(false);
      expect(test.code).toBe('permission_denied');
      expect(test.message).toContain('Group.Read.All, GroupMember.Read.All');
      expect(test.message).toContain('API permissions');
      const denied = await rejection(all(c.listGroups()));
      expect(denied.code).toBe('permission_denied');
      expect(denied.details.providerCode).toBe('Authorization_RequestDenied');
      expect(denied.message).toContain('Grant the application permissions User.Read.All, Group.Read.All and GroupMember.Read.All (Application) and admin consent in Entra admin center > App registrations > API permissions.');
    } finally {
      em.setPermissions(['User.Read.All', 'Group.Read.All', 'GroupMember.Read.All']);
    }
    expect((await createEntraConnector(creds, fast).testConnection()).ok).toBe(true);
  });

  it('explains token errors: wrong secret, unknown app, unknown tenant', async () => {
    const test = (c: Partial<EntraCredentials>) => createEntraConnector({ ...creds, ...c }, fast).testConnection();
    const secret = await test({ clientSecret: 'Xq8~not-the-secret' });
    expect(secret).toMatchObject({ ok: false, code: 'auth_failed', details: { providerCode: 'AADSTS7000215', status: 401 } });
    expect(secret.message).toContain('Value (not its Secret ID)');
    expect(JSON.stringify(secret)).not.toContain('Xq8~not-the-secret');
    expect(await test({ clientId: '00000000-0000-0000-0000-000000000001' })).toMatchObject({ ok: false, code: 'auth_failed', details: { providerCode: 'AADSTS700016' } });
    expect(await test({ tenantId: 'no-such-tenant.example' })).toMatchObject({ ok: false, code: 'not_found', details: { providerCode: 'AADSTS90002' } });
  });
});

describe('Entra connector with a certificate credential', () => {
  const cert = createSelfSignedCertificate('accessiq-test');
  let em: EntraEmulatorHandle;
  beforeAll(async () => {
    em = await startEntraEmulator({ users: 50, groups: 5, seed: 2, certificate: cert.certificate });
  });
  afterAll(() => em.close());

  it('signs in with a PS256 client assertion and reads the directory', async () => {
    const c = createEntraConnector({ tenantId: em.tenantId, clientId: em.clientId, certificate: cert.certificate, privateKey: cert.privateKey, endpoints: { login: em.url, graph: em.url } }, fast);
    expect(await c.testConnection()).toMatchObject({ ok: true });
    expect(await all(c.listUsers())).toHaveLength(50);
  });

  it('is refused with AADSTS700027 when the certificate is not the registered one', async () => {
    const other = createSelfSignedCertificate('someone-else');
    const c = createEntraConnector({ tenantId: em.tenantId, clientId: em.clientId, certificate: other.certificate, privateKey: other.privateKey, endpoints: { login: em.url, graph: em.url } }, fast);
    const test = await c.testConnection();
    expect(test).toMatchObject({ ok: false, code: 'auth_failed', details: { providerCode: 'AADSTS700027' } });
    expect(test.message).toContain('upload this certificate');
  });
});
