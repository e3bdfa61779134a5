/** A small typed client for the Okta emulator tests: fetch with SSWS, Link parsing, full paging. */
import { z } from 'zod';

export const oktaUserGuard = z.object({
  id: z.string().regex(/^00u[0-9A-Za-z]{17}$/),
  status: z.enum(['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED', 'DEPROVISIONED']),
  created: z.string(),
  lastUpdated: z.string(),
  type: z.object({ id: z.string().regex(/^oty/) }),
  profile: z.looseObject({ login: z.string(), email: z.string().nullable(), firstName: z.string(), lastName: z.string() }),
  _links: z.looseObject({ self: z.object({ href: z.string() }) }),
});
export const oktaGroupGuard = z.object({
  id: z.string().regex(/^00g[0-9A-Za-z]{17}$/),
  type: z.enum(['OKTA_GROUP', 'BUILT_IN', 'APP_GROUP']),
  lastUpdated: z.string(),
  lastMembershipUpdated: z.string(),
  objectClass: z.array(z.string()),
  profile: z.object({ name: z.string(), description: z.string() }),
  _embedded: z.object({ stats: z.object({ usersCount: z.number() }) }).optional(),
});
export const oktaErrorGuard = z.object({
  errorCode: z.string(),
  errorSummary: z.string(),
  errorLink: z.string(),
  errorId: z.string(),
  errorCauses: z.array(z.object({ errorSummary: z.string() })),
});

export function links(res: Response): { self?: string; next?: string } {
  const out: { self?: string; next?: string } = {};
  for (const m of (res.headers.get('link') ?? '').matchAll(/<([^>]+)>;\s*rel="(\w+)"/g)) {
    if (m[2] === 'self' || m[2] === 'next') out[m[2]] = m[1];
  }
  return out;
}

export function createTestClient(base: string, auth = 'SSWS emulator-token') {
  const get = (pathOrUrl: string, headers: Record<string, string> = {}) =>
    fetch(pathOrUrl.startsWith('http') ? pathOrUrl : `${base}${pathOrUrl}`, { headers: { Authorization: auth, Accept: 'application/json', ...headers } });
  return {
    get,
    /** Follows next links; returns every record and the number of pages. */
    async all<T>(path: string, guard: z.ZodType<T>): Promise<{ items: T[]; pages: number }> {
      const items: T[] = [];
      let next: string | undefined = path;
      let pages = 0;
      while (next) {
        const res = await get(next);
        if (res.status !== 200) throw new Error(`GET ${next} -> ${res.status} ${await res.text()}`);
        items.push(...z.array(guard).parse(await res.json()));
        pages++;
        next = links(res).next;
        if (pages > 10_000) throw new Error('paging did not end');
      }
      return { items, pages };
    },
    admin: (method: string, path: string, body?: unknown) =>
      fetch(`${base}/__admin${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }),
  };
}
