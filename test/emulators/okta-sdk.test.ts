/**
 * Fidelity: the official Okta Node SDK (v8) lists every user, group and member from the emulator,
 * with an API token and as a service app (private_key_jwt, with the SDK's unsolicited DPoP proof),
 * and rides out a 429 using X-Rate-Limit-Reset.
 */
import { generateKeyPairSync } from 'node:crypto';
import okta from '@okta/okta-sdk-nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOktaEmulator } from '../../emulators/okta/index.js';
import type { OktaEmulatorHandle } from '../../emulators/okta/index.js';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
let emu: OktaEmulatorHandle;
beforeAll(async () => {
  emu = await startOktaEmulator({
    users: 530,
    groups: 14,
    seed: 9,
    token: 'sdk-token',
    oauthClients: [{ clientId: '0oaSdkApp', publicKey: keys.publicKey, scopes: ['okta.users.read', 'okta.groups.read'] }],
  });
});
afterAll(() => emu.close());

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const visibleIds = () => emu.state.people.filter((p) => p.state !== 'deprovisioned').map((p) => emu.idOfPerson(p.key));

describe('@okta/okta-sdk-nodejs against the emulator', () => {
  it('lists all users and groups with an SSWS token (http org URL on 127.0.0.1 is accepted as-is)', async () => {
    const client = new okta.Client({ orgUrl: emu.url, token: 'sdk-token' });
    const users = await collect(await client.userApi.listUsers({ limit: 200 }));
    expect(users.map((u) => u?.id)).toEqual(visibleIds());
    expect(users[0]?.profile?.login).toBe(emu.state.people[0]!.login);
    const groups = await collect(await client.groupApi.listGroups());
    expect(groups).toHaveLength(15);
    expect(groups[0]?.type).toBe('BUILT_IN');
    const g = emu.state.groups[0]!;
    const members = await collect(await client.groupApi.listGroupUsers({ groupId: emu.idOfGroup(g.key), limit: 100 }));
    expect(members.map((u) => u?.id)).toEqual(g.memberKeys.map((k) => emu.idOfPerson(k)));
  });

  it('lists users with a filter (DEPROVISIONED included)', async () => {
    const client = new okta.Client({ orgUrl: emu.url, token: 'sdk-token' });
    const gone = await collect(await client.userApi.listUsers({ filter: 'status eq "DEPROVISIONED"' }));
    expect(gone.length).toBe(emu.state.people.filter((p) => p.state === 'deprovisioned').length);
  });

  it('authenticates as a service app with private_key_jwt and lists users', async () => {
    const client = new okta.Client({
      orgUrl: emu.url,
      authorizationMode: 'PrivateKey',
      clientId: '0oaSdkApp',
      scopes: ['okta.users.read', 'okta.groups.read'],
      privateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    const users = await collect(await client.userApi.listUsers());
    expect(users).toHaveLength(visibleIds().length);
  });

  it('retries a 429 after X-Rate-Limit-Reset and completes', async () => {
    const client = new okta.Client({ orgUrl: emu.url, token: 'sdk-token' });
    emu.faults.add({ match: { path: '/api/v1/groups', page: 1 }, kind: 'rate_limit', oktaResetSeconds: 0 });
    const groups = await collect(await client.groupApi.listGroups());
    expect(groups).toHaveLength(15);
    expect(emu.faults.size).toBe(0);
  });

  it('surfaces an invalid token as an Okta API error with E0000011', async () => {
    const client = new okta.Client({ orgUrl: emu.url, token: 'wrong' });
    await expect(collect(await client.userApi.listUsers())).rejects.toMatchObject({ status: 401, errorCode: 'E0000011' });
  });
});
