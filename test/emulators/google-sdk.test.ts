/**
 * Fidelity: Google's own Node client (`@googleapis/admin`) lists users, groups and members from the
 * emulator, following its page tokens. Google's auth library always posts to
 * https://oauth2.googleapis.com/token (it ignores the key's token_uri), so the token is fetched from
 * the emulator here and handed to an OAuth2 client.
 */
import { admin, auth as googleAuth, type admin_directory_v1 } from '@googleapis/admin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleEmulator, type GoogleEmulatorHandle } from '../../emulators/google/index.js';
import { googleCredentialsGuard } from '../../src/providers/google/credentials.js';
import { createGoogleClient } from '../../src/providers/google/client.js';

let em: GoogleEmulatorHandle;
let directory: admin_directory_v1.Admin;

beforeAll(async () => {
  em = await startGoogleEmulator({ users: 620, groups: 16, seed: 4 });
  // the connector's own JWT bearer grant obtains the token, as a user of the SDK would do by hand
  const credentials = googleCredentialsGuard.parse({ serviceAccountKey: em.serviceAccountKey, adminEmail: em.adminEmail, endpoints: { directory: em.url } });
  const accessToken = await createGoogleClient(credentials).accessToken();
  // the SDK's own copy of google-auth-library (the top-level one is another version)
  const auth = new googleAuth.OAuth2();
  auth.setCredentials({ access_token: accessToken });
  directory = admin({ version: 'directory_v1', auth, rootUrl: `${em.url}/` });
});
afterAll(async () => {
  await em.close();
});

describe('@googleapis/admin against the Google emulator', () => {
  it('lists every user across pages with the SDK', async () => {
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const res = await directory.users.list({ customer: 'my_customer', maxResults: 500, orderBy: 'email', pageToken });
      expect(res.status).toBe(200);
      for (const u of res.data.users ?? []) {
        expect(u.primaryEmail).toMatch(/@example\.test$/);
        ids.push(u.id!);
      }
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(ids).toHaveLength(620);
    expect(new Set(ids)).toEqual(new Set(em.state.people.map((p) => em.idOfPerson(p.key))));
  });

  it('lists groups and a group\'s members, and gets a user by email', async () => {
    const groups = await directory.groups.list({ customer: 'my_customer' });
    expect(groups.data.groups?.map((g) => g.id)).toEqual(em.state.groups.map((g) => em.idOfGroup(g.key)));
    const g = em.state.groups[0]!;
    const members: string[] = [];
    let pageToken: string | undefined;
    do {
      const res = await directory.members.list({ groupKey: groups.data.groups![0]!.email!, pageToken });
      members.push(...(res.data.members ?? []).map((m) => m.id!));
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(members).toEqual([...g.memberKeys.map((k) => em.idOfPerson(k)), ...g.childGroupKeys.map((k) => em.idOfGroup(k))]);
    const person = em.state.people.find((p) => p.email)!;
    const user = await directory.users.get({ userKey: person.email! });
    expect(user.data).toMatchObject({ id: em.idOfPerson(person.key), name: { fullName: person.displayName } });
    const units = await directory.orgunits.list({ customerId: 'my_customer', type: 'all' });
    expect(units.data.organizationUnits?.length).toBeGreaterThan(10);
  });

  it('surfaces the emulator\'s Google error body as the SDK\'s GaxiosError', async () => {
    em.faults.add({ kind: 'status', status: 403, body: 'userRateLimitExceeded', match: { path: '/groups' } });
    // the SDK would retry 403s by itself only when told to; with retries off it reports the body as Google's
    const failure = await directory.groups.list({ customer: 'my_customer' }, { retry: false }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: 403 });
    expect(JSON.stringify((failure as { response?: { data?: unknown } }).response?.data)).toContain('userRateLimitExceeded');
  });
});
