/**
 * A tiny HTTP server for the Okta connector's unit tests: each test scripts the answers; the server
 * records what the connector sent. Real sockets on 127.0.0.1, port 0.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export type StubHandler = (req: StubRequest, res: ServerResponse, base: string) => void | Promise<void>;

export interface Stub {
  url: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

export async function startStub(handler: StubHandler): Promise<Stub> {
  const requests: StubRequest[] = [];
  let base = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: StubRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', base),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(r);
      Promise.resolve(handler(r, res, base)).catch((e: unknown) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', date: new Date().toUTCString(), ...headers });
  res.end(JSON.stringify(body));
}

export const oktaError = (code: string, summary: string) => ({ errorCode: code, errorSummary: summary, errorLink: code, errorId: 'oaeTest', errorCauses: [] });

let n = 0;
/** A user record in Okta's wire shape. */
export function oktaUser(status = 'ACTIVE', extra: Record<string, unknown> = {}) {
  n++;
  const id = `00u${String(n).padStart(17, '0')}`;
  return {
    id,
    status,
    created: '2024-11-02T08:15:00.000Z',
    lastUpdated: '2025-01-31T09:00:00.000Z',
    type: { id: 'oty1a2b3c4d5e6f7g8h9' },
    profile: { login: `u${n}@example.test`, email: `u${n}@example.test`, firstName: 'U', lastName: String(n), ...extra },
    _links: { self: { href: `https://acme.okta.com/api/v1/users/${id}` } },
  };
}

export function oktaGroup(name: string, type = 'OKTA_GROUP') {
  n++;
  return { id: `00g${String(n).padStart(17, '0')}`, type, created: '2024-11-02T08:15:00.000Z', profile: { name, description: null }, objectClass: ['okta:user_group'] };
}
