/**
 * The `/__admin` endpoint every emulator mounts (no auth, loopback clients only): request stats,
 * fault injection and directory edits during a test. Records are addressed by neutral keys
 * (`p000042`, `g00007`); responses also carry the provider's own `id`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { DirectoryState } from './directory-state.js';
import { DirectoryStateError } from './directory-state.js';
import type { FaultList } from './faults.js';
import { faultGuard } from './faults.js';
import { createRouter, readJson, sendJson } from './http.js';
import type { RequestStats } from './request-stats.js';

export const ADMIN_PREFIX = '/__admin';

export interface AdminDeps {
  state: DirectoryState;
  faults: FaultList;
  stats: RequestStats;
  idOfPerson(key: string): string;
  idOfGroup(key: string): string;
}

const personStateGuard = z.enum(['active', 'staged', 'provisioned', 'recovery', 'password_expired', 'locked_out', 'suspended', 'deprovisioned']);
const personFields = {
  givenName: z.string().min(1),
  familyName: z.string().min(1),
  displayName: z.string().min(1),
  email: z.string().nullable(),
  login: z.string().min(1),
  department: z.string(),
  title: z.string(),
  employeeNumber: z.string(),
  managerKey: z.string().nullable(),
  orgUnitPath: z.string(),
  state: personStateGuard,
};
export const adminPersonGuard = z.object({ ...personFields, key: z.string().min(1) }).partial().strict();
export const adminPersonPatchGuard = z.object(personFields).partial().strict();
export const adminGroupGuard = z
  .object({
    key: z.string().min(1),
    name: z.string().min(1),
    description: z.string(),
    kind: z.enum(['department', 'team']),
    memberKeys: z.array(z.string()),
    childGroupKeys: z.array(z.string()),
  })
  .partial()
  .strict();
export const adminGroupPatchGuard = adminGroupGuard.pick({ name: true, description: true, kind: true });
const memberBodyGuard = z.object({ personKey: z.string().min(1) });
const childBodyGuard = z.object({ groupKey: z.string().min(1) });

const isLoopback = (address: string | undefined) =>
  address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1' || (address?.startsWith('127.') ?? false);

export type AdminHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** Builds the admin handler; the emulator calls it for every path under `/__admin`. */
export function createAdminHandler(deps: AdminDeps): AdminHandler {
  const { state, faults, stats } = deps;
  const personView = (key: string) => {
    const p = state.person(key);
    if (!p) throw new DirectoryStateError('not_found', `no person ${key}`);
    return { ...p, id: deps.idOfPerson(key) };
  };
  const groupView = (key: string) => {
    const g = state.group(key);
    if (!g) throw new DirectoryStateError('not_found', `no group ${key}`);
    return { ...g, id: deps.idOfGroup(key), memberCount: g.memberKeys.length, memberKeys: undefined };
  };

  const router = createRouter()
    .on('GET', '/__admin/stats', ({ res }) => sendJson(res, 200, stats.snapshot()))
    .on('POST', '/__admin/stats/reset', ({ res }) => {
      stats.reset();
      sendJson(res, 204, undefined);
    })
    .on('GET', '/__admin/faults', ({ res }) => sendJson(res, 200, faults.list()))
    .on('POST', '/__admin/faults', async ({ req, res }) => sendJson(res, 201, { id: faults.add(faultGuard.parse(await readJson(req))) }))
    .on('DELETE', '/__admin/faults', ({ res }) => {
      faults.clear();
      sendJson(res, 204, undefined);
    })
    .on('DELETE', '/__admin/faults/:id', ({ res, params }) => sendJson(res, faults.remove(params.id!) ? 204 : 404, undefined))
    .on('POST', '/__admin/people', async ({ req, res }) => {
      const p = state.addPerson(adminPersonGuard.parse((await readJson(req)) ?? {}));
      sendJson(res, 201, { key: p.key, id: deps.idOfPerson(p.key) });
    })
    .on('GET', '/__admin/people/:key', ({ res, params }) => sendJson(res, 200, personView(params.key!)))
    .on('PATCH', '/__admin/people/:key', async ({ req, res, params }) => {
      state.updatePerson(params.key!, adminPersonPatchGuard.parse((await readJson(req)) ?? {}));
      sendJson(res, 200, personView(params.key!));
    })
    .on('DELETE', '/__admin/people/:key', ({ res, params }) => {
      state.deletePerson(params.key!);
      sendJson(res, 204, undefined);
    })
    .on('POST', '/__admin/groups', async ({ req, res }) => {
      const g = state.addGroup(adminGroupGuard.parse((await readJson(req)) ?? {}));
      sendJson(res, 201, { key: g.key, id: deps.idOfGroup(g.key) });
    })
    .on('GET', '/__admin/groups/:key', ({ res, params }) => sendJson(res, 200, groupView(params.key!)))
    .on('PATCH', '/__admin/groups/:key', async ({ req, res, params }) => {
      state.updateGroup(params.key!, adminGroupPatchGuard.parse((await readJson(req)) ?? {}));
      sendJson(res, 200, groupView(params.key!));
    })
    .on('DELETE', '/__admin/groups/:key', ({ res, params }) => {
      state.deleteGroup(params.key!);
      sendJson(res, 204, undefined);
    })
    .on('POST', '/__admin/groups/:key/members', async ({ req, res, params }) => {
      state.addMember(params.key!, memberBodyGuard.parse(await readJson(req)).personKey);
      sendJson(res, 204, undefined);
    })
    .on('DELETE', '/__admin/groups/:key/members/:personKey', ({ res, params }) => {
      state.removeMember(params.key!, params.personKey!);
      sendJson(res, 204, undefined);
    })
    .on('POST', '/__admin/groups/:key/children', async ({ req, res, params }) => {
      state.addChildGroup(params.key!, childBodyGuard.parse(await readJson(req)).groupKey);
      sendJson(res, 204, undefined);
    })
    .on('DELETE', '/__admin/groups/:key/children/:childKey', ({ res, params }) => {
      state.removeChildGroup(params.key!, params.childKey!);
      sendJson(res, 204, undefined);
    });

  return async (req, res, url) => {
    if (!isLoopback(req.socket.remoteAddress)) return sendJson(res, 403, { error: 'admin endpoint is loopback-only' });
    const method = req.method ?? 'GET';
    const found = router.match(method, url.pathname);
    if (!found) return sendJson(res, router.hasPath(url.pathname) ? 405 : 404, { error: `no admin route ${method} ${url.pathname}` });
    try {
      await found.handler({ req, res, url, params: found.params });
    } catch (err) {
      if (res.headersSent) return;
      if (err instanceof DirectoryStateError) {
        return sendJson(res, err.code === 'not_found' ? 404 : err.code === 'conflict' ? 409 : 400, { error: err.message });
      }
      if (err instanceof z.ZodError) return sendJson(res, 400, { error: 'invalid body', issues: err.issues });
      if (err instanceof SyntaxError) return sendJson(res, 400, { error: 'invalid JSON' });
      sendJson(res, 500, { error: err instanceof Error ? err.message : 'internal error' });
    }
  };
}
