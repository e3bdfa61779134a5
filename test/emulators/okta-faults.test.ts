/** Every fault kind of the emulator contract, once each, in Okta's shapes, targeted by listing page. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startOktaEmulator } from '../../emulators/okta/index.js';
import type { OktaEmulatorHandle } from '../../emulators/okta/index.js';
import { createTestClient, links, oktaErrorGuard, oktaUserGuard } from './okta-test-client.js';

let emu: OktaEmulatorHandle;
let client: ReturnType<typeof createTestClient>;
beforeAll(async () => {
  emu = await startOktaEmulator({ users: 120, groups: 4, seed: 5 });
  client = createTestClient(emu.url);
});
afterAll(() => emu.close());
beforeEach(() => emu.faults.clear());

const users = z.array(oktaUserGuard);
const PAGE = '/api/v1/users?limit=20';

/** Page 1, then the URL of page 2. */
async function page2Url(): Promise<{ first: string[]; url: string }> {
  const res = await client.get(PAGE);
  return { first: users.parse(await res.json()).map((u) => u.id), url: links(res).next! };
}

describe('response faults', () => {
  it('status: 500 on page 2 with an Okta error body, then recovers', async () => {
    await client.admin('POST', '/faults', { match: { path: '/api/v1/users', page: 2 }, kind: 'status', status: 500 });
    const { url } = await page2Url();
    const res = await client.get(url);
    expect(res.status).toBe(500);
    expect(oktaErrorGuard.parse(await res.json()).errorCode).toBe('E0000009');
    expect((await client.get(url)).status).toBe(200);
  });

  it('status with a custom body', async () => {
    emu.faults.add({ match: { path: '/api/v1/groups' }, kind: 'status', status: 503, body: { errorCode: 'E0000010', errorSummary: 'Service is in read only mode' } });
    const res = await client.get('/api/v1/groups');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ errorCode: 'E0000010', errorSummary: 'Service is in read only mode' });
  });

  it('rate_limit: 429 E0000047 with one X-Rate-Limit-Reset', async () => {
    emu.faults.add({ match: { path: '/api/v1/users' }, kind: 'rate_limit', oktaResetSeconds: 7 });
    const res = await client.get(PAGE);
    expect(res.status).toBe(429);
    expect(oktaErrorGuard.parse(await res.json())).toMatchObject({ errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' });
    const reset = Number(res.headers.get('x-rate-limit-reset'));
    const date = Date.parse(res.headers.get('date')!) / 1000;
    expect(reset - date).toBeGreaterThanOrEqual(6);
    expect(reset - date).toBeLessThanOrEqual(9);
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it('expired_token: 401 E0000011', async () => {
    emu.faults.add({ match: { path: '/api/v1/users' }, kind: 'expired_token' });
    const res = await client.get(PAGE);
    expect(res.status).toBe(401);
    expect(oktaErrorGuard.parse(await res.json()).errorCode).toBe('E0000011');
  });

  it('times: -1 lasts until cleared; times: 2 twice', async () => {
    emu.faults.add({ match: { path: '/api/v1/groups' }, kind: 'status', status: 502, times: 2 });
    const id = emu.faults.add({ match: { path: '/api/v1/logs' }, kind: 'status', status: 500, times: -1 });
    expect((await client.get('/api/v1/groups')).status).toBe(502);
    expect((await client.get('/api/v1/groups')).status).toBe(502);
    expect((await client.get('/api/v1/groups')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await client.get('/api/v1/logs')).status).toBe(500);
    expect(emu.faults.remove(id)).toBe(true);
    expect((await client.get('/api/v1/logs')).status).toBe(200);
  });
});

describe('transport faults', () => {
  it('slow: delays the response', async () => {
    emu.faults.add({ match: { path: '/api/v1/users' }, kind: 'slow', delayMs: 150 });
    const started = performance.now();
    const res = await client.get(PAGE);
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('drop: closes the socket without a response', async () => {
    emu.faults.add({ match: { path: '/api/v1/users' }, kind: 'drop' });
    await expect(client.get(PAGE)).rejects.toThrow();
    expect((await client.get(PAGE)).status).toBe(200);
  });

  it('cut: headers and half the body, then the connection dies', async () => {
    emu.faults.add({ match: { path: '/api/v1/users' }, kind: 'cut' });
    const res = await client.get(PAGE);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('truncated_json, invalid_json and empty_200 are 200s that do not parse', async () => {
    for (const kind of ['truncated_json', 'invalid_json'] as const) {
      emu.faults.add({ match: { path: '/api/v1/users' }, kind });
      const res = await client.get(PAGE);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text.length).toBeGreaterThan(0);
      expect(() => JSON.parse(text) as unknown).toThrow();
    }
    emu.faults.add({ match: { path: '/api/v1/users' }, kind: 'empty_200' });
    const empty = await client.get(PAGE);
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');
  });
});

describe('paging faults', () => {
  it('duplicate_records: page 2 repeats records of page 1', async () => {
    emu.faults.add({ match: { path: '/api/v1/users', page: 2 }, kind: 'duplicate_records' });
    const { first, url } = await page2Url();
    const second = users.parse(await (await client.get(url)).json()).map((u) => u.id);
    expect(second.filter((id) => first.includes(id)).length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(20);
  });

  it('repeat_page: page 2 links to itself once, then paging continues', async () => {
    emu.faults.add({ match: { path: '/api/v1/users', page: 2 }, kind: 'repeat_page' });
    const { items } = await client.all(PAGE, oktaUserGuard);
    const visible = emu.state.people.filter((p) => p.state !== 'deprovisioned').length;
    expect(items).toHaveLength(visible + 20);
    expect(new Set(items.map((u) => u.id)).size).toBe(visible);
  });

  it('loop_cursor: the next link of page 3 points back to page 1', async () => {
    emu.faults.add({ match: { path: '/api/v1/users', page: 3 }, kind: 'loop_cursor' });
    const { url } = await page2Url();
    const p3 = links(await client.get(url)).next!;
    const res = await client.get(p3);
    expect(res.status).toBe(200);
    expect(links(res).next).toBe(`${emu.url}/api/v1/users?limit=20`);
  });

  it('premature_end: no next link although more records exist', async () => {
    emu.faults.add({ match: { path: '/api/v1/users', page: 2 }, kind: 'premature_end' });
    const { items, pages } = await client.all(PAGE, oktaUserGuard);
    expect(pages).toBe(2);
    expect(items).toHaveLength(40);
  });

  it('page faults also target member listings', async () => {
    const g = emu.state.groups[0]!;
    expect(g.memberKeys.length).toBeGreaterThan(10);
    emu.faults.add({ match: { path: '/users', page: 2 }, kind: 'status', status: 500 });
    const first = await client.get(`/api/v1/groups/${emu.idOfGroup(g.key)}/users?limit=5`);
    expect(first.status).toBe(200);
    expect((await client.get(links(first).next!)).status).toBe(500);
  });
});

describe('admin fault endpoint', () => {
  it('validates, lists and clears faults', async () => {
    expect((await client.admin('POST', '/faults', { kind: 'bogus' })).status).toBe(400);
    expect((await client.admin('POST', '/faults', { kind: 'slow' })).status).toBe(400);
    const created = await client.admin('POST', '/faults', { kind: 'drop', match: { path: '/nothing' } });
    expect(created.status).toBe(201);
    expect(z.array(z.object({ id: z.string(), kind: z.string() })).parse(await (await client.admin('GET', '/faults')).json())).toHaveLength(1);
    expect((await client.admin('DELETE', '/faults')).status).toBe(204);
    expect(emu.faults.size).toBe(0);
  });
});
