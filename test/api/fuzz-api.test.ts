/**
 * Bad input at every route (issue 6): fast-check throws random and malformed ids, query strings and
 * bodies at each route of the OpenAPI document, authenticated with a valid token. Every answer is
 * below 500; every refusal is a 4xx `{error:{code,message}}` whose message names the problem; and a
 * refused request changes no row of any table (whole-database hash before and after).
 * FUZZ_RUNS sets the runs per route (default 25), FUZZ_SEED the seed.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { startOktaEmulator, type OktaEmulatorHandle } from '../../emulators/okta/index.js';
import { changedTables, snapshotDatabase, tableNames } from './support/db-snapshot.js';
import { requestArbitrary, routesOf, type FuzzRequest, type Route } from './support/fuzz-requests.js';

const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 25);
const TOKEN = 'fuzz-okta-token';
let inputsTried = 0;

interface Problem { route: string; status: number; why: string; request: string; body: string }

for (const engine of ENGINES) {
  describe(`API fuzz on ${engine}`, () => {
    let svc: TestService;
    let emu: OktaEmulatorHandle;
    let routes: Route[];
    let tables: string[];
    const pools = { ids: {} as Record<string, string[]>, values: [] as unknown[] };
    const deletable = { ids: {} as Record<string, string[]> };

    beforeAll(async () => {
      svc = await startTestService(engine);
      emu = await startOktaEmulator({ users: 30, groups: 3, seed: 11, token: TOKEN });
      const api = svc.api;
      // real ids, so that inputs reach past the "not found" checks
      const dir = (await api.post('/api/v1/directories', { name: 'Fuzzed', provider: 'okta', credentials: { orgUrl: emu.url, apiToken: TOKEN } })).body;
      const spare = (await api.post('/api/v1/directories', { name: 'Spare', provider: 'okta', credentials: { orgUrl: emu.url, apiToken: TOKEN } })).body;
      const run = await api.sync(dir.id);
      const org = (await api.post('/api/v1/organizations', { name: 'Fuzz org' })).body;
      const mapping = (await api.post(`/api/v1/directories/${dir.id}/group-mappings`, { sourceGroupId: 'g1', organizationId: org.id, role: 'member' })).body;
      const spareMapping = (await api.post(`/api/v1/directories/${spare.id}/group-mappings`, { sourceGroupId: 'g2', organizationId: org.id, role: 'member' })).body;
      const users = await api.all(`/api/v1/users?directoryId=${dir.id}`);
      const grant = (await api.post(`/api/v1/users/${users[0].id}/grants`, { organizationId: org.id, role: 'admin' })).body;
      const spareToken = (await svc.ctx.repos.tokens.create((await svc.ctx.repos.tokens.findActive(svc.adminToken))!.tenant_id, 'spare')).id;
      // the runs this process would start in the background would change state between snapshots
      await svc.ctx.worker?.stop();
      await svc.ctx.scheduler.stop();

      pools.ids = { id: [dir.id, run.id, users[0].id, org.id], mappingId: [mapping.id], grantId: [grant.id] };
      deletable.ids = { id: [spare.id, users[1].id], mappingId: [spareMapping.id], grantId: [grant.id, 'nope'] };
      pools.values = [dir.id, org.id, users[0].id, 'member', 'admin', 'okta', emu.url, true, false, 0, 1, 50, -1, null, {}, [], { orgUrl: emu.url }, { defaultRole: 'owner' }, { safeguards: { maxDeactivationPercent: 101 } }];
      // the spare token can be revoked by a fuzzed DELETE /tokens/:id; the test's own token never is
      deletable.ids.id!.push(spareToken);

      routes = routesOf((await api.get('/api/v1/openapi.json')).body);
      tables = await tableNames(svc.ctx.store.db);
    }, 60_000);
    afterAll(async () => {
      await emu?.close();
      await svc?.close();
      console.log(`API fuzz: ${inputsTried} random inputs tried so far (${RUNS_PER_ROUTE} per route per database)`);
    });

    async function send(r: FuzzRequest) {
      const res = await fetch(svc.url + r.url, { method: r.method, headers: { authorization: `Bearer ${svc.adminToken}`, ...r.headers }, body: r.body });
      const text = await res.text();
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* stays text */ }
      return { status: res.status, body, text };
    }

    it('covers every documented route', () => {
      expect(routes.length).toBeGreaterThanOrEqual(38);
      expect(routes.map((r) => `${r.method} ${r.path}`)).toContain('GET /api/v1/audit-log');
    });

    it('never answers 500; refusals are 4xx {error:{code,message}} naming the problem and change nothing', async () => {
      const problems: Problem[] = [];
      const statuses: Record<string, number> = {};
      // the state as of the last request: unchanged by a refusal, so it is recomputed only after an accepted one
      let current = await snapshotDatabase(svc.ctx.store.db, tables);
      for (const route of routes) {
        const ids = route.method === 'DELETE' ? { ...pools.ids, ...deletable.ids } : pools.ids;
        const t0 = performance.now();
        await fc.assert(fc.asyncProperty(requestArbitrary(route, { ids, values: pools.values }), async (req) => {
          let res;
          try {
            res = await send(req);
          } catch (e) {
            // the client refused to send it (an URL fetch cannot express): not an input the server saw
            if (e instanceof TypeError) return;
            throw e;
          }
          inputsTried++;
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          const report = (why: string) => problems.push({ route: `${route.method} ${route.path}`, status: res.status, why, request: req.describe.slice(0, 240), body: res.text.slice(0, 240) });
          if (res.status >= 500) {
            current = await snapshotDatabase(svc.ctx.store.db, tables);
            return void report('server error');
          }
          if (res.status < 400) {
            current = await snapshotDatabase(svc.ctx.store.db, tables); // accepted: it may change state
            return;
          }
          const err = (res.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
          if (typeof err?.code !== 'string' || typeof err.message !== 'string' || err.message.length < 10) return void report('error body is not {error:{code,message}}');
          if (!namesTheProblem(res.status, err.code, err.message)) report('message does not name the problem');
          const after = await snapshotDatabase(svc.ctx.store.db, tables);
          const changed = changedTables(current, after);
          current = after;
          if (changed.length) report(`refused but changed ${changed.join(', ')}`);
        }), { numRuns: RUNS_PER_ROUTE, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) });
        if (process.env.FUZZ_PROFILE) console.log(`${route.method} ${route.path}: ${Math.round(performance.now() - t0)} ms`);
      }
      const seen = new Set<string>();
      const distinct = problems.filter((p) => {
        const key = `${p.route} ${p.status} ${p.why}`;
        return seen.has(key) ? false : (seen.add(key), true);
      });
      if (distinct.length) console.log(distinct.map((p) => `${p.route} → ${p.status} ${p.why}\n  ${p.request}\n  ${p.body}`).join('\n'));
      expect(distinct.map((p) => `${p.route} → ${p.status} ${p.why}`), JSON.stringify(statuses)).toEqual([]);
      expect(Object.keys(statuses).some((s) => s.startsWith('2'))).toBe(true); // some inputs got through: the pools reach real records
    }, 300_000);
  });
}

/** A 400 names the part of the request at fault; other codes say what was not found, allowed or possible. */
function namesTheProblem(status: number, code: string, message: string): boolean {
  if (status === 400) return /(^|\b)(body|query|params|path|credentials|settings|provider|cursor|JSON|Content-Type|media type|attributeMapping)\b/i.test(message) || code !== 'invalid_request';
  if (status === 404) return /\bNo (route|\w[\w ]*with id)\b/.test(message);
  return message.length >= 10;
}
