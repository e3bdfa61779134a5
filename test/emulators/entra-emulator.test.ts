import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEntraEmulator } from '../../emulators/entra/index.js';
import type { EntraEmulatorHandle } from '../../emulators/entra/index.js';

describe('Entra emulator wire format', () => {
  let em: EntraEmulatorHandle;
  let token: string;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(path.startsWith('http') ? path : `${em.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const json = async (r: Response): Promise<Record<string, unknown>> => (await r.json()) as Record<string, unknown>;
  const tokenRequest = (form: Record<string, string>, tenant = em.tenantId) =>
    fetch(`${em.url}/${tenant}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: em.clientId, scope: 'https://graph.microsoft.com/.default', ...form }) });

  beforeAll(async () => {
    em = await startEntraEmulator({ users: 300, groups: 30, seed: 9, deltaTokenMaxAgeMs: 60_000 });
    token = ((await json(await tokenRequest({ client_secret: 'emulator-secret' }))).access_token as string);
  });
  afterAll(() => em.close());

  it('issues a JWT with roles and answers AADSTS errors with the 400/401 split', async () => {
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ tid: em.tenantId, appid: em.clientId, roles: ['User.Read.All', 'Group.Read.All', 'GroupMember.Read.All'] });
    const bad = await tokenRequest({ client_secret: 'nope' });
    expect(bad.status).toBe(401);
    expect(await json(bad)).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    const tenant = await tokenRequest({ client_secret: 'emulator-secret' }, 'unknown-tenant');
    expect(tenant.status).toBe(400);
    expect((await json(tenant)).error_description).toMatch(/^AADSTS90002: /);
    const scope = await tokenRequest({ client_secret: 'emulator-secret', scope: 'https://graph.microsoft.com/User.Read' });
    expect(scope.status).toBe(400);
  });

  it('serves the default projection unless $select, and request-id headers', async () => {
    const r = await get('/v1.0/users?$top=2');
    expect(r.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get('content-type')).toContain('odata.metadata=minimal');
    const body = await json(r);
    const first = (body.value as Array<Record<string, unknown>>)[0]!;
    expect(first).not.toHaveProperty('accountEnabled');
    expect(first).toHaveProperty('userPrincipalName');
    expect(body['@odata.context']).toBe(`${em.url}/v1.0/$metadata#users`);
    const selected = await json(await get('/v1.0/users?$select=accountEnabled,department&$top=1'));
    expect(Object.keys((selected.value as object[])[0]!)).toEqual(['id', 'accountEnabled', 'department']);
    expect((await get('/v1.0/users?$top=1000')).status).toBe(400);
    const unknown = await json(await get('/v1.0/users?$select=shoeSize'));
    expect(unknown).toMatchObject({ error: { code: 'Request_BadRequest', innerError: { 'request-id': expect.any(String) } } });
  });

  it('answers 401 InvalidAuthenticationToken without a token and 403 without the permission', async () => {
    const r = await fetch(`${em.url}/v1.0/users`);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await json(r)).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    em.setPermissions(['GroupMember.Read.All']);
    const limited = ((await json(await tokenRequest({ client_secret: 'emulator-secret' }))).access_token as string);
    em.setPermissions(['User.Read.All', 'Group.Read.All', 'GroupMember.Read.All']);
    const denied = await fetch(`${em.url}/v1.0/users`, { headers: { authorization: `Bearer ${limited}` } });
    expect(denied.status).toBe(403);
    expect(await json(denied)).toMatchObject({ error: { code: 'Authorization_RequestDenied' } });
    // without User.Read.All, users inside member lists carry only their type and id
    const g = em.state.groups[0]!;
    const members = await json(await fetch(`${em.url}/v1.0/groups/${em.idOfGroup(g.key)}/members?$top=1`, { headers: { authorization: `Bearer ${limited}` } }));
    expect((members.value as object[])[0]).toEqual({ '@odata.type': '#microsoft.graph.user', id: em.idOfPerson(g.memberKeys[0]!) });
  });

  it('lists transitive members once each, nested groups included', async () => {
    const parent = em.state.groups.find((g) => g.childGroupKeys.length > 0)!;
    const child = em.state.group(parent.childGroupKeys[0]!)!;
    const ids = new Set<string>();
    let next: string | undefined = `/v1.0/groups/${em.idOfGroup(parent.key)}/transitiveMembers?$select=id&$top=50`;
    while (next) {
      const page = await json(await get(next));
      for (const m of page.value as Array<{ id: string }>) {
        expect(ids.has(m.id)).toBe(false);
        ids.add(m.id);
      }
      next = page['@odata.nextLink'] as string | undefined;
    }
    const expected = new Set([...parent.memberKeys, ...child.memberKeys].map((k) => em.idOfPerson(k)));
    for (const id of expected) expect(ids.has(id)).toBe(true);
    expect(ids.has(em.idOfGroup(child.key))).toBe(true);
  });

  it('runs a full delta round with members@delta split across pages, then reports changes', async () => {
    let next: string | undefined = '/v1.0/groups/delta?$select=displayName,members';
    let deltaLink: string | undefined;
    const memberCount = new Map<string, number>();
    let pages = 0;
    while (next) {
      const page = await json(await get(next));
      pages++;
      expect(page['@odata.nextLink'] != null && page['@odata.deltaLink'] != null).toBe(false);
      for (const g of page.value as Array<{ id: string; 'members@delta'?: unknown[] }>) memberCount.set(g.id, (memberCount.get(g.id) ?? 0) + (g['members@delta']?.length ?? 0));
      next = page['@odata.nextLink'] as string | undefined;
      deltaLink = page['@odata.deltaLink'] as string | undefined;
    }
    expect(pages).toBeGreaterThan(1);
    for (const g of em.state.groups) expect(memberCount.get(em.idOfGroup(g.key))).toBe(g.memberKeys.length + g.childGroupKeys.length);
    const g = em.state.groups[3]!;
    em.state.removeMember(g.key, g.memberKeys[0]!);
    const changes = await json(await get(deltaLink!));
    expect(changes.value).toEqual([expect.objectContaining({ id: em.idOfGroup(g.key), 'members@delta': [expect.objectContaining({ '@removed': { reason: 'deleted' } })] })]);
    expect(changes['@odata.deltaLink']).toMatch(/\$deltatoken=/);
  });

  it('answers an unknown delta token with 400 syncStateNotFound and a reset with 410 + Location', async () => {
    const bad = await get('/v1.0/users/delta?$deltatoken=abc');
    expect(bad.status).toBe(400);
    expect(await json(bad)).toMatchObject({ error: { code: 'syncStateNotFound' } });
    const latest = await json(await get('/v1.0/users/delta?$select=id&$deltatoken=latest'));
    expect(latest.value).toEqual([]);
    em.invalidateDeltaTokens();
    const gone = await get(latest['@odata.deltaLink'] as string);
    expect(gone.status).toBe(410);
    expect(gone.headers.get('location')).toBe(`${em.url}/v1.0/users/delta`);
  });

  it('renders faults: 429 with Retry-After and throttle headers; admin stats count requests', async () => {
    await fetch(`${em.url}/__admin/stats/reset`, { method: 'POST' });
    await fetch(`${em.url}/__admin/faults`, { method: 'POST', body: JSON.stringify({ match: { path: '/v1.0/groups' }, kind: 'rate_limit', retryAfterSeconds: 7 }) });
    const r = await get('/v1.0/groups');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('7');
    expect(r.headers.get('x-ms-throttle-information')).toBe('ResourceUnitLimitExceeded');
    expect(await json(r)).toMatchObject({ error: { code: 'TooManyRequests' } });
    expect((await get('/v1.0/groups')).status).toBe(200);
    const stats = await json(await fetch(`${em.url}/__admin/stats`));
    expect(stats).toMatchObject({ requests: 2, byPath: { '/v1.0/groups': 2 } });
  });

  it('applies a fixed-window rate limit when configured', async () => {
    const limited = await startEntraEmulator({ users: 5, groups: 2, rateLimit: { limit: 2, windowMs: 60_000 } });
    try {
      const t = ((await json(await fetch(limited.tokenUrl, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: limited.clientId, client_secret: 'emulator-secret', scope: 'https://graph.microsoft.com/.default' }) }))).access_token as string);
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${limited.url}/v1.0/users`, { headers: { authorization: `Bearer ${t}` } })).status);
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await limited.close();
    }
  });
});
