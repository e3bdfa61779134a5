/**
 * Fidelity: Microsoft's own Graph JS client lists users and groups from the emulator, following
 * @odata.nextLink with its PageIterator. The client attaches tokens only to https Graph hosts, so it
 * gets a one-step middleware that adds the bearer token and performs the fetch (see entra.md).
 * The client also treats only `https://` paths as absolute: a `http://` next link is appended to
 * the base URL, so the middleware takes the embedded absolute link back out.
 */
import { Client, PageIterator } from '@microsoft/microsoft-graph-client';
import type { Context, Middleware, PageCollection } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEntraEmulator } from '../../emulators/entra/index.js';
import type { EntraEmulatorHandle } from '../../emulators/entra/index.js';

async function appToken(em: EntraEmulatorHandle): Promise<string> {
  const res = await fetch(em.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: em.clientId, client_secret: 'emulator-secret', scope: 'https://graph.microsoft.com/.default' }),
  });
  const body: unknown = await res.json();
  if (!body || typeof body !== 'object' || !('access_token' in body) || typeof body.access_token !== 'string') throw new Error('no token');
  return body.access_token;
}

function bearerFetch(token: string): Middleware {
  return {
    async execute(context: Context) {
      const headers = new Headers(context.options?.headers as HeadersInit | undefined);
      headers.set('Authorization', `Bearer ${token}`);
      const url = typeof context.request === 'string' ? context.request : context.request.url;
      const embedded = /\/v1\.0\/(https?):\/\/?(.*)$/.exec(url);
      context.response = await fetch(embedded ? `${embedded[1]}://${embedded[2]}` : url, { ...context.options, headers } as RequestInit);
    },
  };
}

describe('Microsoft Graph JS client against the Entra emulator', () => {
  let em: EntraEmulatorHandle;
  let client: Client;
  beforeAll(async () => {
    em = await startEntraEmulator({ users: 1234, groups: 25, seed: 5 });
    client = Client.initWithMiddleware({ middleware: bearerFetch(await appToken(em)), baseUrl: `${em.url}/`, defaultVersion: 'v1.0' });
  });
  afterAll(() => em.close());

  async function iterate(first: PageCollection): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    await new PageIterator(client, first, (item: Record<string, unknown>) => {
      items.push(item);
      return true;
    }).iterate();
    return items;
  }

  it('lists every user with $select and $top, page by page', async () => {
    const first: PageCollection = await client.api('/users').select(['id', 'displayName', 'accountEnabled', 'mail']).top(500).get();
    expect(first['@odata.nextLink']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\?.*\$skiptoken=/);
    const users = await iterate(first);
    expect(users).toHaveLength(1234);
    expect(new Set(users.map((u) => u.id)).size).toBe(1234);
    expect(users[0]).toEqual({ id: em.idOfPerson('p000000'), displayName: em.state.people[0]!.displayName, accountEnabled: true, mail: em.state.people[0]!.email });
  });

  it('lists groups and a group\'s members with @odata.type', async () => {
    const groups = await iterate(await client.api('/groups').get());
    expect(groups.map((g) => g.displayName)).toEqual(em.state.groups.map((g) => g.name));
    const parent = em.state.groups.find((g) => g.childGroupKeys.length > 0)!;
    const members = await iterate(await client.api(`/groups/${em.idOfGroup(parent.key)}/members`).select('id').get());
    expect(members.filter((m) => m['@odata.type'] === '#microsoft.graph.group')).toHaveLength(parent.childGroupKeys.length);
    expect(members.filter((m) => m['@odata.type'] === '#microsoft.graph.user')).toHaveLength(parent.memberKeys.length);
  });

  it('surfaces Graph errors as GraphError with code and status', async () => {
    await expect(client.api('/users/00000000-0000-0000-0000-000000000000').get()).rejects.toMatchObject({ statusCode: 404, code: 'Request_ResourceNotFound' });
  });
});
