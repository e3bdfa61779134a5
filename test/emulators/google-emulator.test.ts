/**
 * The Google emulator speaks Google: the JWT bearer grant with its checks and error texts, the
 * Directory API's parameters, caps, field names and error bodies, faults, quota, the admin
 * endpoint and the key file.
 */
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READ_ONLY_SCOPES, startGoogleEmulator, type GoogleEmulatorHandle } from '../../emulators/google/index.js';
import { generateServiceAccountKey, type EmulatorServiceAccountKey } from '../../emulators/google/service-account.js';

const V1 = '/admin/directory/v1';
let key: EmulatorServiceAccountKey;
let em: GoogleEmulatorHandle;
let token: string;

interface Assertion {
  key?: EmulatorServiceAccountKey;
  sub?: string | undefined;
  scope?: string;
  aud?: string;
  iat?: number;
  lifetime?: number;
}

async function assertion(a: Assertion = {}, target: GoogleEmulatorHandle = em): Promise<string> {
  const k = a.key ?? target.serviceAccountKey;
  const iat = a.iat ?? Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ scope: a.scope ?? READ_ONLY_SCOPES.join(' ') })
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(target.serviceAccountKey.client_email)
    .setAudience(a.aud ?? target.tokenUrl)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (a.lifetime ?? 3600));
  if (!('sub' in a) || a.sub !== undefined) jwt.setSubject(a.sub ?? target.adminEmail);
  return jwt.sign(createPrivateKey(k.private_key));
}

async function tokenRequest(a: Assertion = {}, target: GoogleEmulatorHandle = em) {
  const res = await fetch(target.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: await assertion(a, target) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function api(path: string, bearer: string | null = token, target: GoogleEmulatorHandle = em) {
  const res = await fetch(target.url + V1 + path, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads arbitrary wire JSON
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as any };
}

beforeAll(async () => {
  key = await generateServiceAccountKey(5, 'http://unused/token');
  em = await startGoogleEmulator({ users: 700, groups: 40, seed: 9, serviceAccountKey: key });
  const t = await tokenRequest();
  token = String(t.body.access_token);
});
afterAll(async () => {
  await em.close();
});

describe('google emulator: token endpoint', () => {
  it('issues a bearer token for a well-signed assertion', async () => {
    const t = await tokenRequest();
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    expect(String(t.body.access_token)).toMatch(/^ya29\./);
  });

  it('answers as Google does for a bad signature, audience, lifetime, sub or grant type', async () => {
    const other = await generateServiceAccountKey(6, 'http://unused/token');
    expect(await tokenRequest({ key: other })).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } });
    expect((await tokenRequest({ aud: 'https://elsewhere.test/token' })).body.error).toBe('invalid_grant');
    expect((await tokenRequest({ lifetime: 7200 })).body.error_description).toMatch(/short-lived token \(60 minutes\)/);
    expect((await tokenRequest({ iat: Math.floor(Date.now() / 1000) - 7200 })).body.error).toBe('invalid_grant');
    expect(await tokenRequest({ sub: 'ghost@example.test' })).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid email or User ID' } });
    const res = await fetch(em.tokenUrl, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('unsupported_grant_type');
  });

  it('refuses scopes outside the delegation with unauthorized_client', async () => {
    const t = await tokenRequest({ scope: `${READ_ONLY_SCOPES[0]} https://www.googleapis.com/auth/admin.directory.user` });
    expect(t.status).toBe(401);
    expect(t.body.error).toBe('unauthorized_client');
  });

  it('a token without sub (the service account itself) reaches no directory data', async () => {
    const t = await tokenRequest({ sub: undefined });
    const r = await api('/users?customer=my_customer', String(t.body.access_token));
    expect(r.status).toBe(403);
    expect(r.body.error.errors[0]).toMatchObject({ reason: 'forbidden', message: 'Not Authorized to access this resource/api' });
  });

  it('writes a key file when absent and trusts it on the next start (token_uri follows the port)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'google-emu-'));
    try {
      const file = join(dir, 'key.json');
      const first = await startGoogleEmulator({ users: 5, groups: 2, keyFile: file });
      const written = JSON.parse(await readFile(file, 'utf8')) as EmulatorServiceAccountKey;
      await first.close();
      expect(written).toMatchObject({ type: 'service_account', token_uri: first.tokenUrl, client_email: first.serviceAccountKey.client_email });
      expect(written.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      const second = await startGoogleEmulator({ users: 5, groups: 2, keyFile: file });
      try {
        expect(second.serviceAccountKey.private_key).toBe(written.private_key);
        expect(second.serviceAccountKey.token_uri).toBe(second.tokenUrl);
        const t = await tokenRequest({ key: written }, second);
        expect(t.status).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('google emulator: directory API', () => {
  it('requires a bearer token (401 authError) and a customer or domain (400)', async () => {
    const r = await api('/users?customer=my_customer', null);
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    expect(r.body.error.errors[0]).toMatchObject({ reason: 'authError', location: 'Authorization', message: 'Invalid Credentials' });
    expect((await api('/users')).status).toBe(400);
    expect((await api('/users?customer=C0other')).body.error).toMatchObject({ code: 400, message: 'Bad Request' });
    expect((await api(`/users?domain=example.test&maxResults=1`)).status).toBe(200);
  });

  it('caps maxResults (users 500, groups and members 200) and defaults users to 100', async () => {
    expect((await api('/users?customer=my_customer&maxResults=501')).body.error.errors[0].reason).toBe('invalid');
    expect((await api('/groups?customer=my_customer&maxResults=201')).status).toBe(400);
    expect((await api(`/groups/${em.idOfGroup('g00000')}/members?maxResults=201`)).status).toBe(400);
    const page = await api('/users?customer=my_customer');
    expect(page.body.users).toHaveLength(100);
    expect(page.body.nextPageToken).toEqual(expect.any(String));
  });

  it('renders users with Google field names; customSchemas only with projection=full', async () => {
    const { body } = await api('/users?customer=my_customer&maxResults=500');
    expect(body.kind).toBe('admin#directory#users');
    const u = body.users[0];
    expect(u).toMatchObject({
      kind: 'admin#directory#user',
      id: em.idOfPerson('p000000'),
      primaryEmail: em.state.people[0]!.email,
      name: { givenName: em.state.people[0]!.givenName, familyName: em.state.people[0]!.familyName, fullName: em.state.people[0]!.displayName },
      suspended: false,
      archived: false,
      orgUnitPath: em.state.people[0]!.orgUnitPath,
      customerId: em.customerId,
      externalIds: [{ type: 'organization', value: em.state.people[0]!.employeeNumber }],
    });
    expect(u.organizations[0]).toMatchObject({ primary: true, title: em.state.people[0]!.title, department: em.state.people[0]!.department });
    expect(u.etag).toMatch(/^".+"$/);
    expect(u.customSchemas).toBeUndefined();
    expect(typeof u.creationTime).toBe('string');
    // people without an email still get a primaryEmail at the domain
    const noEmail = em.state.people.find((p) => p.email === null)!;
    const rendered = body.users.find((x: { id: string }) => x.id === em.idOfPerson(noEmail.key));
    expect(rendered.primaryEmail).toBe(`${noEmail.login}@example.test`);
    const full = await api('/users?customer=my_customer&maxResults=1&projection=full');
    expect(full.body.users[0].customSchemas).toBeDefined();
  });

  it('pages with tokens bound to the other parameters; the last page has no token', async () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const r = await api(`/users?customer=my_customer&maxResults=300${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`);
      seen.push(...r.body.users.map((u: { id: string }) => u.id));
      pageToken = r.body.nextPageToken;
      if (pageToken) expect((await api(`/users?customer=my_customer&maxResults=200&pageToken=${encodeURIComponent(pageToken)}`)).status).toBe(400);
    } while (pageToken);
    expect(seen).toHaveLength(700);
    expect(new Set(seen).size).toBe(700);
  });

  it('serves groups, members with roles and nested GROUP members, and lookups by id or email', async () => {
    const groups = await api('/groups?customer=my_customer');
    expect(groups.body.groups).toHaveLength(40);
    const g = groups.body.groups[0];
    expect(g).toMatchObject({ kind: 'admin#directory#group', id: em.idOfGroup('g00000'), directMembersCount: expect.any(String) });
    expect((await api(`/groups/${encodeURIComponent(g.email)}`)).body.id).toBe(g.id);

    const parent = em.state.groups.find((x) => x.childGroupKeys.length > 0)!;
    const members: Array<Record<string, string>> = [];
    let pageToken: string | undefined;
    do {
      const r = await api(`/groups/${em.idOfGroup(parent.key)}/members${pageToken ? `?pageToken=${encodeURIComponent(pageToken)}` : ''}`);
      expect(r.body.kind).toBe('admin#directory#members');
      members.push(...(r.body.members ?? []));
      pageToken = r.body.nextPageToken;
    } while (pageToken);
    expect(members.filter((m) => m.type === 'USER')).toHaveLength(parent.memberKeys.length);
    expect(members.filter((m) => m.type === 'GROUP').map((m) => m.id)).toEqual(parent.childGroupKeys.map((k) => em.idOfGroup(k)));
    expect(members[0]).toMatchObject({ kind: 'admin#directory#member', role: 'OWNER', type: 'USER' });
    expect(new Set(members.map((m) => m.role))).toContain('MEMBER');

    const child = em.state.group(parent.childGroupKeys[0]!)!;
    const derivedIds = new Set<string>();
    pageToken = undefined;
    do {
      const r = await api(`/groups/${em.idOfGroup(parent.key)}/members?includeDerivedMembership=true${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`);
      for (const m of r.body.members) derivedIds.add(m.id);
      pageToken = r.body.nextPageToken;
    } while (pageToken);
    for (const k of child.memberKeys) expect(derivedIds.has(em.idOfPerson(k))).toBe(true);
    const user = em.state.person(child.memberKeys[0]!)!;
    expect((await api(`/groups/${em.idOfGroup(parent.key)}/hasMember/${encodeURIComponent(user.email ?? em.idOfPerson(user.key))}`)).body).toEqual({ isMember: true });
    expect((await api(`/users/${em.idOfPerson(user.key)}`)).body.id).toBe(em.idOfPerson(user.key));
    expect((await api('/users/nobody@example.test')).body.error).toMatchObject({ code: 404, message: 'Resource Not Found: userKey' });
  });

  it('lists org units (type=all, children) and filters users by query and orderBy', async () => {
    const all = await api('/customer/my_customer/orgunits?type=all');
    expect(all.body.kind).toBe('admin#directory#orgUnits');
    const paths = all.body.organizationUnits.map((u: { orgUnitPath: string }) => u.orgUnitPath);
    expect(paths).toContain('/Engineering/EMEA');
    expect(paths).not.toContain('/');
    const children = await api('/customer/my_customer/orgunits?type=children');
    expect(children.body.organizationUnits.every((u: { parentOrgUnitPath: string }) => u.parentOrgUnitPath === '/')).toBe(true);
    expect(all.body.organizationUnits.find((u: { orgUnitPath: string }) => u.orgUnitPath === '/Engineering/EMEA').parentOrgUnitPath).toBe('/Engineering');

    const eng = await api(`/users?customer=my_customer&maxResults=500&query=${encodeURIComponent("orgUnitPath='/Engineering'")}`);
    const expected = em.state.people.filter((p) => p.orgUnitPath === '/Engineering' || p.orgUnitPath.startsWith('/Engineering/')).length;
    expect(eng.body.users.length).toBe(Math.min(500, expected));
    const suspended = await api('/users?customer=my_customer&maxResults=500&query=isSuspended%3Dtrue');
    expect(suspended.body.users.every((u: { suspended: boolean }) => u.suspended)).toBe(true);
    const sorted = await api('/users?customer=my_customer&maxResults=50&orderBy=email');
    const emails = sorted.body.users.map((u: { primaryEmail: string }) => u.primaryEmail);
    expect(emails).toEqual([...emails].sort((a: string, b: string) => a.localeCompare(b)));
  });
});

describe('google emulator: faults, quota and admin endpoint', () => {
  it('renders injected quota errors in Google format (403 userRateLimitExceeded, 429 rateLimitExceeded)', async () => {
    const add = (fault: unknown) => fetch(`${em.url}/__admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
    expect((await add({ kind: 'status', status: 403, body: 'userRateLimitExceeded', match: { path: '/users' } })).status).toBe(201);
    const r403 = await api('/users?customer=my_customer');
    expect(r403.status).toBe(403);
    expect(r403.body.error.errors[0]).toMatchObject({ reason: 'userRateLimitExceeded', domain: 'usageLimits' });
    await add({ kind: 'rate_limit', match: { path: '/groups' } });
    const r429 = await api('/groups?customer=my_customer');
    expect(r429.status).toBe(429);
    expect(r429.body.error).toMatchObject({ code: 429, message: 'Rate Limit Exceeded', errors: [{ reason: 'rateLimitExceeded' }] });
    expect(r429.headers.get('retry-after')).toBeNull();
    await add({ kind: 'expired_token', match: { path: '/users' } });
    expect((await api('/users?customer=my_customer')).body.error.errors[0].reason).toBe('authError');
    await add({ kind: 'status', status: 503, match: { path: '/users', page: 2 } });
    const page1 = await api('/users?customer=my_customer');
    expect(page1.status).toBe(200);
    expect((await api(`/users?customer=my_customer&pageToken=${encodeURIComponent(page1.body.nextPageToken)}`)).body.error.errors[0].reason).toBe('backendError');
  });

  it('enforces a per-window request budget with 403 userRateLimitExceeded', async () => {
    const limited = await startGoogleEmulator({ users: 5, groups: 2, serviceAccountKey: key, rateLimit: { requests: 2, windowMs: 60_000 } });
    try {
      const t = await tokenRequest({ key }, limited);
      const bearer = String(t.body.access_token);
      expect((await api('/users?customer=my_customer', bearer, limited)).status).toBe(200);
      expect((await api('/users?customer=my_customer', bearer, limited)).status).toBe(200);
      const over = await api('/users?customer=my_customer', bearer, limited);
      expect(over.status).toBe(403);
      expect(over.body.error.errors[0].reason).toBe('userRateLimitExceeded');
    } finally {
      await limited.close();
    }
  });

  it('adds people and members through /__admin and counts requests', async () => {
    const post = (path: string, body: unknown) => fetch(em.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const created = (await (await post('/__admin/people', { givenName: 'Ada', familyName: 'Quill', email: 'ada.quill@example.test', orgUnitPath: '/Research/Labs' })).json()) as { key: string; id: string };
    expect(created.id).toBe(em.idOfPerson(created.key));
    expect((await post('/__admin/groups/g00001/members', { personKey: created.key })).status).toBe(204);
    const user = await api('/users/ada.quill@example.test');
    expect(user.body).toMatchObject({ id: created.id, orgUnitPath: '/Research/Labs', name: { fullName: 'Ada Quill' } });
    expect((await api(`/groups/${em.idOfGroup('g00001')}/hasMember/${created.id}`)).body.isMember).toBe(true);
    const units = await api('/customer/my_customer/orgunits?type=all');
    expect(units.body.organizationUnits.map((u: { orgUnitPath: string }) => u.orgUnitPath)).toEqual(expect.arrayContaining(['/Research', '/Research/Labs']));
    const stats = (await (await fetch(`${em.url}/__admin/stats`)).json()) as { requests: number; byPath: Record<string, number> };
    expect(stats.byPath['/token']).toBeGreaterThan(0);
    expect(stats.byPath[`${V1}/users`]).toBeGreaterThan(0);
  });
});
