/** The Okta connector against scripted HTTP answers: paging, throttling, retries and error messages. */
import { afterEach, describe, expect, it } from 'vitest';
import { createOktaConnector } from '../../src/providers/okta/connector.js';
import { collect, failure } from '../support/connector-helpers.js';
import type { DirectoryConnector } from '../../src/providers/types.js';
import { oktaError, oktaGroup, oktaUser, sendJson, startStub, type Stub, type StubHandler } from './okta-stub-server.js';

const fast = { retry: { baseDelayMs: 10, attempts: 3 } };
let stub: Stub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function connect(handler: StubHandler, token = 'test-token'): Promise<{ c: DirectoryConnector; stub: Stub }> {
  stub = await startStub(handler);
  return { c: createOktaConnector({ orgUrl: stub.url, apiToken: token }, fast), stub };
}



/** Serves `records` in pages of `size` with Okta's two Link header lines, `after` = last id. */
function pagedHandler(path: string, records: Array<{ id: string }>, size: number, tweak?: (page: number) => StubHandler | null): StubHandler {
  return (req, res, base) => {
    if (req.url.pathname !== path) return sendJson(res, 404, oktaError('E0000007', 'Not found'));
    const after = req.url.searchParams.get('after');
    const start = after ? records.findIndex((r) => r.id === after) + 1 : 0;
    const page = Math.floor(start / size) + 1;
    const special = tweak?.(page);
    if (special) return special(req, res, base);
    const slice = records.slice(start, start + size);
    const self = `${base}${req.url.pathname}${req.url.search}`;
    const links = [`<${self}>; rel="self"`];
    if (start + size < records.length) {
      const q = new URLSearchParams(req.url.searchParams);
      q.set('after', slice[slice.length - 1]!.id);
      links.push(`<${base}${path}?${q.toString()}>; rel="next"`);
    }
    sendJson(res, 200, slice, { link: links });
  };
}

describe('Okta connector paging', () => {
  it('reads every user, DEPROVISIONED included, following rel="next" across pages', async () => {
    const statuses = ['ACTIVE', 'STAGED', 'PROVISIONED', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED', 'DEPROVISIONED'];
    const users = Array.from({ length: 450 }, (_, i) => oktaUser(statuses[i % statuses.length]));
    const { c, stub } = await connect(pagedHandler('/api/v1/users', users, 200));
    const got = await collect(c.listUsers());
    expect(got.map((u) => u.externalId)).toEqual(users.map((u) => u.id));
    expect(stub.requests).toHaveLength(3);
    const first = stub.requests[0]!;
    expect(first.url.searchParams.get('limit')).toBe('200');
    expect(first.url.searchParams.get('filter')).toBe('lastUpdated gt "1970-01-01T00:00:00.000Z"');
    expect(first.url.search).toContain('%20'); // spaces encoded as %20, not '+'
    expect(first.headers.authorization).toBe('SSWS test-token');
    const enabled = Object.fromEntries(got.slice(0, 8).map((u) => [u.raw.status, u.enabled]));
    expect(enabled).toEqual({
      ACTIVE: true, RECOVERY: true, PASSWORD_EXPIRED: true, LOCKED_OUT: true,
      STAGED: false, PROVISIONED: false, SUSPENDED: false, DEPROVISIONED: false,
    });
    expect(got[0]!.raw).toEqual(users[0]); // raw is Okta's record, unchanged
    expect(c.stats.requests).toBe(3);
  });

  it('lists groups (BUILT_IN Everyone included, typed) and members', async () => {
    const groups = [oktaGroup('Everyone', 'BUILT_IN'), oktaGroup('Sales'), oktaGroup('Domain Users', 'APP_GROUP')];
    const members = Array.from({ length: 205 }, () => oktaUser());
    const { c, stub } = await connect((req, res, base) => {
      if (req.url.pathname === '/api/v1/groups') return sendJson(res, 200, groups);
      return pagedHandler(`/api/v1/groups/${groups[1]!.id}/users`, members, 200)(req, res, base);
    });
    const got = await collect(c.listGroups());
    expect(got.map((g) => [g.name, g.raw.type])).toEqual([['Everyone', 'BUILT_IN'], ['Sales', 'OKTA_GROUP'], ['Domain Users', 'APP_GROUP']]);
    expect(got[1]).toMatchObject({ externalId: groups[1]!.id, description: null });
    expect(stub.requests[0]!.url.searchParams.get('limit')).toBe('200');
    const m = await collect(c.listGroupMembers(groups[1]!.id));
    expect(m).toHaveLength(205);
    expect(m[0]).toEqual({ type: 'user', externalId: members[0]!.id });
    expect(stub.requests[1]!.url.searchParams.get('limit')).toBe('200');
    const gone = await failure(collect(c.listGroupMembers('00gdoesnotexist000000')));
    expect(gone.code).toBe('not_found');
    expect(gone.message).toContain('group 00gdoesnotexist000000 no longer exists');
  });

  it('fails with invalid_response when the cursor loops back', async () => {
    const users = Array.from({ length: 5 }, () => oktaUser());
    const { c } = await connect((req, res, base) => {
      const after = req.url.searchParams.get('after');
      // page 2 links back to page 2
      sendJson(res, 200, after ? users.slice(2) : users.slice(0, 2), { link: `<${base}/api/v1/users?after=${users[1]!.id}&limit=200>; rel="next"` });
    });
    const e = await failure(collect(c.listUsers()));
    expect(e.code).toBe('invalid_response');
    expect(e.message).toMatch(/loops/);
  });

  it('fails with invalid_response on an empty 200 body, a non-array body or a malformed record', async () => {
    let mode = 'empty';
    const { c } = await connect((_req, res) => {
      if (mode === 'empty') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('');
        return;
      }
      if (mode === 'object') return sendJson(res, 200, { users: [] });
      sendJson(res, 200, [oktaUser(), { ...oktaUser(), profile: 'x' }]);
    });
    // asked for again twice (a cut body is usually a glitch), then the read fails
    const empty = await failure(collect(c.listUsers()));
    expect(empty.code).toBe('invalid_response');
    expect(empty.message).toMatch(/^The provider sent an empty body \(HTTP 200\) for http:\/\/127\.0\.0\.1:\d+\/api\/v1\/users\.$/);
    expect(c.stats.requests).toBe(3);
    mode = 'object';
    expect((await failure(collect(c.listUsers()))).message).toMatch(/does not match its API: .*array/i);
    mode = 'bad-record';
    expect((await failure(collect(c.listUsers()))).message).toMatch(/at record 1, profile/);
  });

  it('refuses to follow a next link to another host (the token would go with it)', async () => {
    const { c } = await connect((_req, res) => sendJson(res, 200, [oktaUser()], { link: '<https://evil.example/api/v1/users?after=x>; rel="next"' }));
    const e = await failure(collect(c.listUsers()));
    expect(e.code).toBe('invalid_response');
    expect(e.message).toMatch(/points away from/);
  });

  it('drops records a cursor repeats', async () => {
    const users = Array.from({ length: 4 }, () => oktaUser());
    const { c } = await connect((req, res, base) => {
      if (!req.url.searchParams.get('after')) return sendJson(res, 200, users.slice(0, 2), { link: `<${base}/api/v1/users?after=${users[1]!.id}>; rel="next"` });
      sendJson(res, 200, users.slice(1)); // repeats users[1]
    });
    expect((await collect(c.listUsers())).map((u) => u.externalId)).toEqual(users.map((u) => u.id));
  });
});

describe('Okta connector throttling and retries', () => {
  it('waits out a 429 until X-Rate-Limit-Reset, measured on the Date header', async () => {
    let calls = 0;
    const { c, stub } = await connect((_req, res) => {
      calls++;
      if (calls === 1) {
        // Date says "now"; the window resets one second later on the server's clock
        const now = Math.floor(Date.now() / 1000);
        return sendJson(res, 429, oktaError('E0000047', 'API call exceeded rate limit due to too many requests.'), {
          date: new Date(now * 1000).toUTCString(),
          'x-rate-limit-limit': '600',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(now + 1),
        });
      }
      sendJson(res, 200, [oktaUser()]);
    });
    expect(await collect(c.listUsers())).toHaveLength(1);
    const waited = stub.requests[1]!.at - stub.requests[0]!.at;
    expect(waited).toBeGreaterThanOrEqual(1000);
    expect(waited).toBeLessThan(2500);
    expect(c.stats.throttled).toBe(1);
  });

  it('honours Retry-After on a 429 too', async () => {
    let calls = 0;
    const { c, stub } = await connect((_req, res) => {
      calls++;
      if (calls === 1) return sendJson(res, 429, oktaError('E0000047', 'rate limit'), { 'retry-after': '1' });
      sendJson(res, 200, [oktaUser()]);
    });
    await collect(c.listUsers());
    expect(stub.requests[1]!.at - stub.requests[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('pauses before the next request when X-Rate-Limit-Remaining reaches 0', async () => {
    const users = [oktaUser(), oktaUser()];
    const { c, stub } = await connect((req, res, base) => {
      const now = Math.floor(Date.now() / 1000);
      const headers = { date: new Date(now * 1000).toUTCString(), 'x-rate-limit-limit': '600', 'x-rate-limit-reset': String(now + 1) };
      if (!req.url.searchParams.get('after'))
        return sendJson(res, 200, [users[0]], { ...headers, 'x-rate-limit-remaining': '0', link: `<${base}/api/v1/users?after=${users[0]!.id}>; rel="next"` });
      sendJson(res, 200, [users[1]], { ...headers, 'x-rate-limit-remaining': '599' });
    });
    expect(await collect(c.listUsers())).toHaveLength(2);
    expect(stub.requests[1]!.at - stub.requests[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(c.stats.throttled).toBe(0); // paced, never throttled
  });

  it('retries a 500 on page 2 and a dropped connection', async () => {
    const users = Array.from({ length: 3 }, () => oktaUser());
    let page2Calls = 0;
    const { c } = await connect((req, res, base) => {
      if (!req.url.searchParams.get('after')) return sendJson(res, 200, users.slice(0, 1), { link: `<${base}/api/v1/users?after=${users[0]!.id}>; rel="next"` });
      page2Calls++;
      if (page2Calls === 1) return sendJson(res, 500, oktaError('E0000009', 'Internal Server Error'));
      if (page2Calls === 2) return void res.socket?.destroy();
      sendJson(res, 200, users.slice(1));
    });
    expect(await collect(c.listUsers())).toHaveLength(3);
    expect(page2Calls).toBe(3);
    expect(c.stats.retries).toBe(2);
  });

  it('gives up after the retries with transient and a message naming the host', async () => {
    const { c, stub } = await connect((_req, res) => sendJson(res, 503, oktaError('E0000009', 'Internal Server Error')));
    const e = await failure(collect(c.listGroups()));
    expect(e.code).toBe('transient');
    expect(e.message).toContain(new URL(stub.url).host);
    expect(stub.requests).toHaveLength(3);
  });
});

describe('Okta connector errors', () => {
  const cases: Array<[string, number, unknown, Record<string, string>, string, RegExp]> = [
    ['invalid token', 401, oktaError('E0000011', 'Invalid token provided'), {}, 'auth_failed',
      /^Okta rejected the API token \(E0000011 Invalid token provided\)\. Create a new token in Okta Admin > Security > API > Tokens\.$/],
    ['no admin role', 403, oktaError('E0000006', 'You do not have permission to perform the requested action'), {}, 'permission_denied',
      /E0000006 .*admin who created the API token needs an admin role .*Read-only Administrator/],
    ['no org', 404, '<html>Not found</html>', {}, 'not_found', /^There is no Okta org at http:\/\/127\.0\.0\.1:\d+: .*Check the org URL/],
    ['bad filter', 400, { ...oktaError('E0000001', 'Api validation failed: filter'), errorCauses: [{ errorSummary: 'Invalid filter' }] }, {}, 'bad_request',
      /E0000001 Api validation failed: filter: Invalid filter/],
    ['still throttled', 429, oktaError('E0000047', 'API call exceeded rate limit due to too many requests.'), { 'retry-after': '0' }, 'rate_limited', /kept throttling/],
  ];
  for (const [name, status, body, headers, code, message] of cases) {
    it(`maps ${name} (${status}) to ${code}`, async () => {
      const { c } = await connect((_req, res) => sendJson(res, status, body, headers), 'secret-token-xyz');
      const e = await failure(collect(c.listUsers()));
      expect(e.code).toBe(code);
      expect(e.message).toMatch(message);
      expect(e.message).not.toContain('secret-token-xyz');
      expect(e.details.status).toBe(status);
    });
  }

  it('reports an unreachable org URL', async () => {
    const dead = await startStub(() => undefined);
    await dead.close();
    const c = createOktaConnector({ orgUrl: dead.url, apiToken: 't' }, fast);
    const e = await failure(collect(c.listUsers()));
    expect(e.code).toBe('unreachable');
    expect(e.message).toMatch(/connection refused.*Check the URL/);
  });
});

describe('Okta testConnection', () => {
  it('reads one user and one group and says where it connected', async () => {
    const { c, stub } = await connect((req, res) => sendJson(res, 200, req.url.pathname.endsWith('/users') ? [oktaUser()] : [oktaGroup('Everyone', 'BUILT_IN')]));
    const r = await c.testConnection();
    expect(r).toMatchObject({ ok: true, message: `Connected to ${new URL(stub.url).host} with an API token: users and groups are readable.` });
    expect(stub.requests.map((q) => [q.url.pathname, q.url.searchParams.get('limit')])).toEqual([['/api/v1/users', '1'], ['/api/v1/groups', '1']]);
  });

  it('never throws: a failure comes back as ok:false with the code', async () => {
    const { c } = await connect((req, res) =>
      req.url.pathname.endsWith('/groups') ? sendJson(res, 403, oktaError('E0000006', 'You do not have permission')) : sendJson(res, 200, []),
    );
    const r = await c.testConnection();
    expect(r.ok).toBe(false);
    expect(r.code).toBe('permission_denied');
    expect(r.message).toMatch(/\/api\/v1\/groups/);
  });
});
