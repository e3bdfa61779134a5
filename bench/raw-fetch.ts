/**
 * The floor: a plain client that pages through every user, group and membership of an emulated
 * directory with the connector's requests (same URLs, page sizes, and 8 member listings at a time),
 * parsing each page and discarding it. No mapping, no store: what no sync can beat.
 */
import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { z } from 'zod';

export type Provider = 'okta' | 'entra' | 'google';

export interface RawFetchResult {
  ms: number;
  requests: number;
  /** Requests per rate-limit bucket of the provider (for the throttled floor). */
  byBucket: Record<string, number>;
  users: number;
  groups: number;
  memberships: number;
  bytes: number;
}

/** One page: its records and where the next one is (absolute URL), if any. */
interface Page { records: unknown[]; next: string | undefined }

interface RawClient {
  usersUrl: string;
  groupsUrl: string;
  membersUrl(groupId: string): string;
  bucket: { users: string; groups: string; members: string };
  headers(): Promise<Record<string, string>>;
  page(res: Response, text: string, url: string): Page;
}

// Pages are parsed (JSON.parse) and their envelope checked; records are not validated one by one
// (only group ids are read): the floor is the transfer and the parse, not a schema check per record.
const idGuard = z.looseObject({ id: z.string() });
const oktaPage = z.array(z.unknown());
const graphPage = z.looseObject({ value: z.array(z.unknown()), '@odata.nextLink': z.string().optional() });
const googlePage = z.looseObject({ nextPageToken: z.string().optional() });
const tokenGuard = z.looseObject({ access_token: z.string() });

const oktaCreds = z.object({ orgUrl: z.string(), apiToken: z.string() });
const entraCreds = z.object({ tenantId: z.string(), clientId: z.string(), clientSecret: z.string(), endpoints: z.object({ login: z.string(), graph: z.string() }) });
const googleCreds = z.object({
  serviceAccountKey: z.looseObject({ client_email: z.string(), private_key: z.string(), token_uri: z.string() }),
  adminEmail: z.string(),
  endpoints: z.object({ directory: z.string() }),
});

function oktaClient(c: z.infer<typeof oktaCreds>): RawClient {
  const api = `${c.orgUrl}/api/v1`;
  return {
    usersUrl: `${api}/users?limit=200&filter=${encodeURIComponent('lastUpdated gt "1970-01-01T00:00:00.000Z"')}`,
    groupsUrl: `${api}/groups?limit=200`,
    membersUrl: (id) => `${api}/groups/${encodeURIComponent(id)}/users?limit=200`,
    bucket: { users: '/api/v1/users', groups: '/api/v1/groups', members: '/api/v1/groups/{id}' },
    headers: async () => ({ authorization: `SSWS ${c.apiToken}`, accept: 'application/json' }),
    page(res, text) {
      const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
      return { records: oktaPage.parse(JSON.parse(text)), next };
    },
  };
}

function entraClient(c: z.infer<typeof entraCreds>, userSelect: string, groupSelect: string): RawClient {
  const graph = `${c.endpoints.graph}/v1.0`;
  let token: Promise<string> | undefined;
  const fetchToken = async () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret, scope: `${c.endpoints.graph}/.default` });
    const res = await fetch(`${c.endpoints.login}/${c.tenantId}/oauth2/v2.0/token`, { method: 'POST', body: form });
    if (!res.ok) throw new Error(`entra token → ${res.status}`);
    return tokenGuard.parse(await res.json()).access_token;
  };
  return {
    usersUrl: `${graph}/users?$select=${encodeURIComponent(userSelect)}&$top=999`,
    groupsUrl: `${graph}/groups?$select=${encodeURIComponent(groupSelect)}&$top=999`,
    membersUrl: (id) => `${graph}/groups/${encodeURIComponent(id)}/members?$select=id&$top=999`,
    bucket: { users: 'graph', groups: 'graph', members: 'graph' },
    headers: async () => ({ authorization: `Bearer ${await (token ??= fetchToken())}`, accept: 'application/json' }),
    page(_res, text) {
      const p = graphPage.parse(JSON.parse(text));
      return { records: p.value, next: p['@odata.nextLink'] };
    },
  };
}

function googleClient(c: z.infer<typeof googleCreds>): RawClient {
  const root = `${c.endpoints.directory.replace(/\/+$/, '')}/admin/directory/v1`;
  let token: Promise<string> | undefined;
  const fetchToken = async () => {
    const key = c.serviceAccountKey;
    const now = Math.floor(Date.now() / 1000);
    const scope = ['admin.directory.user.readonly', 'admin.directory.group.readonly', 'admin.directory.group.member.readonly', 'admin.directory.orgunit.readonly']
      .map((s) => `https://www.googleapis.com/auth/${s}`).join(' ');
    const assertion = await new SignJWT({ scope }).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).setIssuer(key.client_email).setSubject(c.adminEmail)
      .setAudience(key.token_uri).setIssuedAt(now).setExpirationTime(now + 3600).sign(createPrivateKey(key.private_key));
    const res = await fetch(key.token_uri, { method: 'POST', body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }) });
    if (!res.ok) throw new Error(`google token → ${res.status}`);
    return tokenGuard.parse(await res.json()).access_token;
  };
  const listKey = (url: string) => (url.includes('/members') ? 'members' : url.includes('/groups') ? 'groups' : 'users');
  return {
    usersUrl: `${root}/users?customer=my_customer&maxResults=500&projection=full&showDeleted=false`,
    groupsUrl: `${root}/groups?customer=my_customer&maxResults=200`,
    membersUrl: (id) => `${root}/groups/${encodeURIComponent(id)}/members?maxResults=200`,
    bucket: { users: 'directory', groups: 'directory', members: 'directory' },
    headers: async () => ({ authorization: `Bearer ${await (token ??= fetchToken())}`, accept: 'application/json' }),
    page(_res, text, url) {
      const body: unknown = JSON.parse(text);
      const p = googlePage.parse(body);
      const records = z.looseObject({ [listKey(url)]: z.array(z.unknown()).optional() }).parse(body)[listKey(url)] ?? [];
      if (!p.nextPageToken) return { records, next: undefined };
      const next = new URL(url);
      next.searchParams.set('pageToken', p.nextPageToken);
      return { records, next: next.toString() };
    },
  };
}

export function rawClientFor(provider: Provider, credentials: unknown, select: { user: string; group: string }): RawClient {
  if (provider === 'okta') return oktaClient(oktaCreds.parse(credentials));
  if (provider === 'entra') return entraClient(entraCreds.parse(credentials), select.user, select.group);
  return googleClient(googleCreds.parse(credentials));
}

/** Pages through everything as the connector does: users, then groups, then members 8 at a time. */
export async function rawFetch(client: RawClient, concurrency = 8): Promise<RawFetchResult> {
  const r: RawFetchResult = { ms: 0, requests: 0, byBucket: {}, users: 0, groups: 0, memberships: 0, bytes: 0 };
  const t0 = performance.now();
  async function* pages(first: string, bucket: string) {
    for (let url: string | undefined = first; url; ) {
      const res = await fetch(url, { headers: await client.headers() });
      const text = await res.text();
      r.requests++;
      r.byBucket[bucket] = (r.byBucket[bucket] ?? 0) + 1;
      r.bytes += text.length;
      if (!res.ok) throw new Error(`GET ${url} → ${res.status}: ${text.slice(0, 200)}`);
      const page = client.page(res, text, url);
      yield page.records;
      url = page.next;
    }
  }
  for await (const p of pages(client.usersUrl, client.bucket.users)) r.users += p.length;
  const groupIds: string[] = [];
  for await (const p of pages(client.groupsUrl, client.bucket.groups)) for (const g of p) groupIds.push(idGuard.parse(g).id);
  r.groups = groupIds.length;
  let next = 0;
  const worker = async () => {
    while (next < groupIds.length) {
      const id = groupIds[next++]!;
      for await (const p of pages(client.membersUrl(id), client.bucket.members)) r.memberships += p.length;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, groupIds.length) }, worker));
  r.ms = performance.now() - t0;
  return r;
}
