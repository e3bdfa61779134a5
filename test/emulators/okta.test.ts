/**
 * The Okta emulator as a black box over HTTP: paging with Link headers, the filter/search grammar,
 * SSWS auth, headers, the admin endpoint, System Log and determinism.
 */
import { get as httpGet } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startOktaEmulator } from '../../emulators/okta/index.js';
import type { OktaEmulatorHandle } from '../../emulators/okta/index.js';
import { createTestClient, links, oktaErrorGuard, oktaGroupGuard, oktaUserGuard } from './okta-test-client.js';

let emu: OktaEmulatorHandle;
let client: ReturnType<typeof createTestClient>;
const enc = encodeURIComponent;

beforeAll(async () => {
  emu = await startOktaEmulator({ users: 450, groups: 30, seed: 3 });
  client = createTestClient(emu.url);
});
afterAll(() => emu.close());
beforeEach(() => emu.faults.clear());

const visible = () => emu.state.people.filter((p) => p.state !== 'deprovisioned');

/** Raw response header lines (fetch folds repeated headers into one). */
function rawHeaders(url: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers: { Authorization: 'SSWS emulator-token' } }, (res) => {
      res.resume();
      resolve(res.rawHeaders);
    }).on('error', reject);
  });
}

describe('users listing and paging', () => {
  it('sends self and next as two separate absolute Link lines on its own origin', async () => {
    const raw = await rawHeaders(`${emu.url}/api/v1/users?limit=200`);
    const linkLines = raw.filter((_, i) => i % 2 === 1 && raw[i - 1]!.toLowerCase() === 'link');
    expect(linkLines).toHaveLength(2);
    expect(linkLines[0]).toBe(`<${emu.url}/api/v1/users?limit=200>; rel="self"`);
    expect(linkLines[1]).toMatch(new RegExp(`^<${emu.url}/api/v1/users\\?after=00u[0-9A-Za-z]{17}&limit=200>; rel="next"$`));
  });

  it('pages through every non-deprovisioned user with the default limit of 200', async () => {
    const { items, pages } = await client.all('/api/v1/users', oktaUserGuard);
    expect(items).toHaveLength(visible().length);
    expect(pages).toBe(Math.ceil(visible().length / 200));
    expect(new Set(items.map((u) => u.id)).size).toBe(items.length);
    expect(items.some((u) => u.status === 'DEPROVISIONED')).toBe(false);
    expect(items.map((u) => u.id)).toEqual(visible().map((p) => emu.idOfPerson(p.key)));
  });

  it('caps limit at 200 and rejects a non-numeric limit with E0000001', async () => {
    const res = await client.get('/api/v1/users?limit=500');
    expect(z.array(oktaUserGuard).parse(await res.json())).toHaveLength(200);
    const bad = await client.get('/api/v1/users?limit=abc');
    expect(bad.status).toBe(400);
    expect(oktaErrorGuard.parse(await bad.json()).errorCode).toBe('E0000001');
  });

  it('renders users like Okta: ms timestamps, status mapping, credentials, people without email', async () => {
    const p = emu.state.people.find((x) => x.email === null)!;
    const res = await client.get(`/api/v1/users/${emu.idOfPerson(p.key)}`);
    expect(res.status).toBe(200);
    const user = oktaUserGuard.parse(await res.json());
    expect(user.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(user.profile.email).toBeNull();
    expect(user.profile.login).not.toContain('@');
    expect(user._links.self.href).toBe(`${emu.url}/api/v1/users/${user.id}`);
    const suspended = emu.state.people.find((x) => x.state === 'suspended')!;
    const s = oktaUserGuard.parse(await (await client.get(`/api/v1/users/${emu.idOfPerson(suspended.key)}`)).json());
    expect(s.status).toBe('SUSPENDED');
  });

  it('finds a user by login, lists the user groups (with Everyone), 404s unknown ids', async () => {
    const p = emu.state.people[5]!;
    const byLogin = oktaUserGuard.parse(await (await client.get(`/api/v1/users/${enc(p.login)}`)).json());
    expect(byLogin.id).toBe(emu.idOfPerson(p.key));
    const groups = z.array(oktaGroupGuard).parse(await (await client.get(`/api/v1/users/${byLogin.id}/groups`)).json());
    expect(groups[0]!.type).toBe('BUILT_IN');
    expect(groups.slice(1).map((g) => g.id).sort()).toEqual(emu.state.groupsOfPerson(p.key).map((g) => emu.idOfGroup(g.key)).sort());
    const missing = await client.get('/api/v1/users/00uNOPE0000000000000');
    expect(missing.status).toBe(404);
    const body = oktaErrorGuard.parse(await missing.json());
    expect(body.errorCode).toBe('E0000007');
    expect(body.errorSummary).toBe('Not found: Resource not found: 00uNOPE0000000000000 (User)');
  });
});

describe('groups and members', () => {
  it('lists the Everyone group first plus every OKTA_GROUP, with stats on request', async () => {
    const { items, pages } = await client.all('/api/v1/groups?limit=7&expand=stats', oktaGroupGuard);
    expect(pages).toBe(Math.ceil(31 / 7));
    expect(items).toHaveLength(31);
    expect(items[0]).toMatchObject({ type: 'BUILT_IN', profile: { name: 'Everyone' }, _embedded: { stats: { usersCount: 450 } } });
    for (const [i, g] of emu.state.groups.entries()) {
      expect(items[i + 1]).toMatchObject({ id: emu.idOfGroup(g.key), type: 'OKTA_GROUP', objectClass: ['okta:user_group'], profile: { name: g.name } });
      expect(items[i + 1]!._embedded?.stats.usersCount).toBe(g.memberKeys.length);
    }
  });

  it('pages direct members of a large group by after cursor', async () => {
    const g = emu.state.groups[0]!;
    const { items, pages } = await client.all(`/api/v1/groups/${emu.idOfGroup(g.key)}/users?limit=25`, oktaUserGuard);
    expect(items.map((u) => u.id)).toEqual(g.memberKeys.map((k) => emu.idOfPerson(k)));
    expect(pages).toBe(Math.ceil(g.memberKeys.length / 25));
  });

  it('Everyone contains all users; unknown group is 404', async () => {
    const everyone = oktaGroupGuard.parse((await (await client.get('/api/v1/groups?limit=1')).json() as unknown[])[0]);
    const all = await client.all(`/api/v1/groups/${everyone.id}/users?limit=200`, oktaUserGuard);
    expect(all.items).toHaveLength(emu.state.people.length);
    expect((await client.get('/api/v1/groups/00gNOPE0000000000000')).status).toBe(404);
    const forged = emu.idOfGroup('g00000').replace(/^00g.{3}/, '00gZZZ');
    expect((await client.get(`/api/v1/groups/${forged}/users`)).status).toBe(404);
  });
});

describe('filter and search grammar', () => {
  it('filter includes DEPROVISIONED users and supports eq, or, parentheses', async () => {
    const gone = emu.state.people.filter((p) => p.state === 'deprovisioned');
    expect(gone.length).toBeGreaterThan(0);
    const { items } = await client.all(`/api/v1/users?filter=${enc('status eq "DEPROVISIONED"')}`, oktaUserGuard);
    expect(items.map((u) => u.id)).toEqual(gone.map((p) => emu.idOfPerson(p.key)));
    const both = await client.all(`/api/v1/users?filter=${enc('(status eq "DEPROVISIONED" or status eq "SUSPENDED")')}`, oktaUserGuard);
    expect(both.items).toHaveLength(emu.state.people.filter((p) => p.state === 'deprovisioned' || p.state === 'suspended').length);
  });

  it('compares lastUpdated with gt/ge/lt/le combined with and', async () => {
    const sorted = emu.state.people.map((p) => p.lastUpdated).sort();
    const pivot = sorted[200]!;
    const gt = await client.all(`/api/v1/users?filter=${enc(`lastUpdated gt "${pivot}"`)}`, oktaUserGuard);
    expect(gt.items).toHaveLength(sorted.filter((t) => t > pivot).length);
    const range = await client.all(`/api/v1/users?filter=${enc(`lastUpdated ge "${pivot}" and lastUpdated le "${pivot}" and status eq "ACTIVE"`)}`, oktaUserGuard);
    expect(range.items.every((u) => u.lastUpdated === pivot && u.status === 'ACTIVE')).toBe(true);
  });

  it.each([
    ['not status eq "ACTIVE"', 'not'],
    ['status ne "ACTIVE"', 'ne'],
    ['status gt "ACTIVE"', 'gt'],
    ['profile.department eq "Sales"', 'department'],
    ['status eq ACTIVE', 'quoted'],
    ['(status eq "ACTIVE"', ')'],
  ])('rejects filter %s with 400 E0000001', async (expr, hint) => {
    const res = await client.get(`/api/v1/users?filter=${enc(expr)}`);
    expect(res.status).toBe(400);
    const body = oktaErrorGuard.parse(await res.json());
    expect(body.errorCode).toBe('E0000001');
    expect(body.errorCauses[0]!.errorSummary).toContain(hint);
  });

  it('search supports eq on any profile attribute, sw and co', async () => {
    const sales = await client.all(`/api/v1/users?search=${enc('profile.department eq "sales" and status eq "ACTIVE"')}`, oktaUserGuard);
    expect(sales.items).toHaveLength(emu.state.people.filter((p) => p.department === 'Sales' && p.state === 'active').length);
    const sw = await client.all(`/api/v1/users?search=${enc('profile.lastName sw "qu"')}`, oktaUserGuard);
    expect(sw.items).toHaveLength(emu.state.people.filter((p) => p.familyName.toLowerCase().startsWith('qu')).length);
    const co = await client.all(`/api/v1/users?search=${enc('profile.email co "garc"')}`, oktaUserGuard);
    expect(co.items.length).toBe(emu.state.people.filter((p) => p.email?.includes('garc')).length);
    expect((await client.get(`/api/v1/users?search=${enc('profile.department co "x"')}`)).status).toBe(400);
  });

  it('group filter on type and lastMembershipUpdated', async () => {
    const typed = await client.all(`/api/v1/groups?filter=${enc('type eq "OKTA_GROUP"')}`, oktaGroupGuard);
    expect(typed.items).toHaveLength(30);
    const before = new Date().toISOString();
    const g = emu.state.groups[3]!;
    const outsider = emu.state.people.find((p) => !g.memberKeys.includes(p.key))!;
    const userBefore = emu.state.person(outsider.key)!.lastUpdated;
    expect((await client.admin('POST', `/groups/${g.key}/members`, { personKey: outsider.key })).status).toBe(204);
    const changed = await client.all(`/api/v1/groups?filter=${enc(`lastMembershipUpdated gt "${before}" and type eq "OKTA_GROUP"`)}`, oktaGroupGuard);
    expect(changed.items.map((x) => x.id)).toEqual([emu.idOfGroup(g.key)]);
    // a membership change bumps only the group's lastMembershipUpdated, never the user's lastUpdated
    expect(emu.state.person(outsider.key)!.lastUpdated).toBe(userBefore);
    await client.admin('DELETE', `/groups/${g.key}/members/${outsider.key}`);
  });
});

describe('auth and headers', () => {
  it('answers a bad or missing token with 401 E0000011 exactly as Okta', async () => {
    for (const auth of ['SSWS wrong', '', 'Bearer nope']) {
      const res = await fetch(`${emu.url}/api/v1/users`, { headers: auth ? { Authorization: auth } : {} });
      expect(res.status).toBe(401);
      const body = oktaErrorGuard.parse(await res.json());
      expect(body).toMatchObject({ errorCode: 'E0000011', errorSummary: 'Invalid token provided', errorLink: 'E0000011', errorCauses: [] });
      expect(body.errorId).toMatch(/^oae/);
    }
  });

  it('sends Date, X-Okta-Request-Id and X-Rate-Limit-* on every response', async () => {
    for (const res of [await client.get('/api/v1/users?limit=1'), await fetch(`${emu.url}/api/v1/users`)]) {
      expect(res.headers.get('date')).toBeTruthy();
      expect(res.headers.get('x-okta-request-id')).toBeTruthy();
      expect(Number(res.headers.get('x-rate-limit-limit'))).toBeGreaterThan(0);
      expect(Number(res.headers.get('x-rate-limit-remaining'))).toBeGreaterThanOrEqual(0);
      expect(Number(res.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
    }
  });

  it('enforces rateLimit.perMinute per endpoint bucket with 429 E0000047', async () => {
    const limited = await startOktaEmulator({ users: 5, groups: 2, rateLimit: { perMinute: 2 } });
    try {
      const c = createTestClient(limited.url);
      expect((await c.get('/api/v1/users')).status).toBe(200);
      expect((await c.get('/api/v1/users')).status).toBe(200);
      const third = await c.get('/api/v1/users');
      expect(third.status).toBe(429);
      expect(oktaErrorGuard.parse(await third.json()).errorCode).toBe('E0000047');
      expect(third.headers.get('x-rate-limit-remaining')).toBe('0');
      expect(Number(third.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
      expect((await c.get('/api/v1/groups')).status).toBe(200); // another bucket
    } finally {
      await limited.close();
    }
  });
});

describe('admin endpoint', () => {
  it('counts requests and resets', async () => {
    await client.admin('POST', '/stats/reset');
    await client.get('/api/v1/users?limit=1');
    await client.get('/api/v1/users?limit=1');
    const stats = z.object({ requests: z.number(), byPath: z.record(z.string(), z.number()) }).parse(await (await client.admin('GET', '/stats')).json());
    expect(stats.byPath['/api/v1/users']).toBe(2);
    expect(emu.stats().requests).toBeGreaterThanOrEqual(2);
  });

  it('adds, updates, deactivates and deletes people', async () => {
    const created = z.object({ key: z.string(), id: z.string() }).parse(
      await (await client.admin('POST', '/people', { givenName: 'Ada', familyName: 'Lovelace', email: 'ada@example.test', login: 'ada@example.test' })).json(),
    );
    expect(created.id).toBe(emu.idOfPerson(created.key));
    const user = oktaUserGuard.parse(await (await client.get(`/api/v1/users/${created.id}`)).json());
    expect(user.profile).toMatchObject({ firstName: 'Ada', login: 'ada@example.test' });
    await client.admin('PATCH', `/people/${created.key}`, { title: 'Countess', state: 'deprovisioned' });
    const list = await client.all('/api/v1/users', oktaUserGuard);
    expect(list.items.some((u) => u.id === created.id)).toBe(false);
    const filtered = await client.all(`/api/v1/users?filter=${enc(`id eq "${created.id}"`)}`, oktaUserGuard);
    expect(filtered.items[0]).toMatchObject({ status: 'DEPROVISIONED', profile: { title: 'Countess' } });
    expect((await client.admin('DELETE', `/people/${created.key}`)).status).toBe(204);
    expect((await client.get(`/api/v1/users/${created.id}`)).status).toBe(404);
    expect((await client.admin('GET', `/people/${created.key}`)).status).toBe(404);
    expect((await client.admin('POST', '/people', { nope: 1 })).status).toBe(400);
  });

  it('adds groups and members; nested children are accepted but Okta stays flat', async () => {
    const g = z.object({ key: z.string(), id: z.string() }).parse(await (await client.admin('POST', '/groups', { name: 'Ops Guild' })).json());
    const person = emu.state.people[1]!;
    expect((await client.admin('POST', `/groups/${g.key}/members`, { personKey: person.key })).status).toBe(204);
    expect((await client.admin('POST', `/groups/${g.key}/children`, { groupKey: 'g00002' })).status).toBe(204);
    const members = await client.all(`/api/v1/groups/${g.id}/users`, oktaUserGuard);
    expect(members.items.map((u) => u.id)).toEqual([emu.idOfPerson(person.key)]);
    expect(oktaGroupGuard.parse(await (await client.get(`/api/v1/groups/${g.id}`)).json()).profile.name).toBe('Ops Guild');
    expect((await client.admin('DELETE', `/groups/${g.key}`)).status).toBe(204);
    expect((await client.get(`/api/v1/groups/${g.id}`)).status).toBe(404);
  });
});

describe('System Log', () => {
  it('serves membership and lifecycle events from the change journal with a polling next link', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const g = emu.state.groups[5]!;
    const p = emu.state.people.find((x) => !g.memberKeys.includes(x.key) && x.state === 'active')!;
    await client.admin('POST', `/groups/${g.key}/members`, { personKey: p.key });
    await client.admin('PATCH', `/people/${p.key}`, { state: 'suspended' });
    const eventGuard = z.object({ eventType: z.string(), published: z.string(), uuid: z.string(), target: z.array(z.object({ id: z.string(), type: z.string() })) });
    const res = await client.get(`/api/v1/logs?since=${enc(since)}&filter=${enc('eventType eq "group.user_membership.add"')}`);
    expect(res.status).toBe(200);
    const events = z.array(eventGuard).parse(await res.json());
    const mine = events.find((e) => e.target.some((t) => t.id === emu.idOfGroup(g.key)))!;
    expect(mine.target).toEqual(expect.arrayContaining([expect.objectContaining({ id: emu.idOfPerson(p.key), type: 'User' })]));
    const all = z.array(eventGuard).parse(await (await client.get(`/api/v1/logs?since=${enc(since)}`)).json());
    expect(all.map((e) => e.eventType)).toEqual(expect.arrayContaining(['group.user_membership.add', 'user.lifecycle.suspend']));
    const next = links(res).next!;
    expect(next).toContain('after=');
    const empty = await client.get(next);
    expect(z.array(eventGuard).parse(await empty.json())).toHaveLength(0);
    expect(links(empty).next).toBeTruthy();
    await client.admin('PATCH', `/people/${p.key}`, { state: 'active' });
    await client.admin('DELETE', `/groups/${g.key}/members/${p.key}`);
  });
});

describe('determinism', () => {
  it('gives the same ids for the same seed and different ids for another seed', async () => {
    const [a, b, c] = await Promise.all([
      startOktaEmulator({ users: 30, groups: 4, seed: 11 }),
      startOktaEmulator({ users: 30, groups: 4, seed: 11 }),
      startOktaEmulator({ users: 30, groups: 4, seed: 12 }),
    ]);
    try {
      const ids = async (e: OktaEmulatorHandle) => (await createTestClient(e.url).all('/api/v1/users', oktaUserGuard)).items.map((u) => u.id);
      const groupIds = async (e: OktaEmulatorHandle) => (await createTestClient(e.url).all('/api/v1/groups', oktaGroupGuard)).items.map((g) => g.id);
      expect(await ids(a)).toEqual(await ids(b));
      expect(await groupIds(a)).toEqual(await groupIds(b));
      expect(await ids(a)).not.toEqual(await ids(c));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
