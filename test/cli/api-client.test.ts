/** The CLI's API client against a stub HTTP server: paging, error bodies, unexpected answers. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiCallError, createApiClient } from '../../src/cli/api-client.js';
import { CliError } from '../../src/cli/cli-error.js';
import { organizationGuard } from '../../src/cli/wire.js';

let server: Server;
let url = '';
const seen: { path: string; auth: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://stub');
    seen.push({ path: u.pathname + u.search, auth: req.headers.authorization });
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (u.pathname === '/api/v1/organizations') {
      const cursor = u.searchParams.get('cursor');
      if (!cursor) return send(200, { data: [{ id: 'o1', name: 'One' }], nextCursor: 'c2' });
      if (cursor === 'c2') return send(200, { data: [{ id: 'o2', name: 'Two' }], nextCursor: null });
    }
    if (u.pathname === '/api/v1/invalid') {
      return send(400, { error: { code: 'invalid_request', message: 'settings.defaultRole: unknown role', details: { issues: [{ path: 'settings.defaultRole', message: 'unknown role', hint: 'Use member, admin or owner.' }, { path: 'name', message: 'give the directory a name' }] } } });
    }
    if (u.pathname === '/api/v1/unauthorized') return send(401, { error: { code: 'unauthorized', message: 'The API token is not valid.' } });
    if (u.pathname === '/api/v1/html') return res.writeHead(502).end('<html>bad gateway</html>');
    if (u.pathname === '/api/v1/wrong-shape') return send(200, { id: 5 });
    if (u.pathname === '/api/v1/empty') return res.writeHead(204).end();
    send(404, { error: { code: 'not_found', message: 'No such thing.' } });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = () => createApiClient({ url: `${url}/`, token: 'sekret', tokenSource: 'ACCESSIQ_TOKEN' });

describe('createApiClient', () => {
  it('follows nextCursor and sends the bearer token', async () => {
    const orgs = await client().all('/organizations', organizationGuard);
    expect(orgs.map((o) => o.id)).toEqual(['o1', 'o2']);
    expect(seen.at(-1)).toEqual({ path: '/api/v1/organizations?limit=200&cursor=c2', auth: 'Bearer sekret' });
  });

  it('turns an error body into message, field details and the first hint', async () => {
    const err = await client().get('/invalid', z.unknown()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect(err).toMatchObject({ status: 400, code: 'invalid_request', message: 'settings.defaultRole: unknown role', hint: 'Use member, admin or owner.', details: ['name: give the directory a name'] });
  });

  it('says where a rejected token came from, never the token', async () => {
    const err = await client().get('/unauthorized', z.unknown()).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401, message: 'The API token is not valid.', hint: 'The token came from ACCESSIQ_TOKEN.' });
    expect(JSON.stringify(err) + String(err)).not.toContain('sekret');
  });

  it('reports non-JSON errors, unexpected shapes and empty answers plainly', async () => {
    await expect(client().get('/html', z.unknown())).rejects.toThrow('The service answered HTTP 502 Bad Gateway for GET /html.');
    await expect(client().get('/wrong-shape', organizationGuard)).rejects.toThrow(/^Unexpected response to GET \/wrong-shape: id: /);
    await expect(client().delete('/empty')).resolves.toBeUndefined();
    const missing = await client().get('/nope', z.unknown()).catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('an unreachable service is a CliError with a hint', async () => {
    const down = createApiClient({ url: 'http://127.0.0.1:9', token: 't' });
    const err = await down.get('/x', z.unknown()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ message: expect.stringMatching(/^Cannot reach the AccessIQ service at http:\/\/127\.0\.0\.1:9 /), hint: expect.stringContaining('accessiq serve') });
  });
});
