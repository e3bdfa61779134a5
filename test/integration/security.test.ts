/**
 * Tenant isolation, write-only credentials and clear errors for bad input, over real HTTP on both
 * databases (DESIGN invariants 5 and 6).
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { startOktaEmulator } from '../../emulators/okta/index.js';
import type { EmulatorHandle } from '../../emulators/shared/emulator-handle.js';
import { createTenantWithToken } from '../../src/app/tenants.js';

const SECRET = 'okta-secret-token-4f9a2c7e1b';

for (const engine of ENGINES) {
  describe(`security on ${engine}`, () => {
    let svc: TestService;
    let emu: EmulatorHandle;
    let dirId: string;
    let runId: string;
    let userId: string;
    let otherToken: string;

    beforeAll(async () => {
      svc = await startTestService(engine, { LOG_LEVEL: 'debug' });
      emu = await startOktaEmulator({ users: 60, groups: 4, seed: 3, token: SECRET });
      const d = await svc.api.post('/api/v1/directories', { name: 'Acme', provider: 'okta', credentials: { orgUrl: emu.url, apiToken: SECRET } });
      dirId = d.body.id;
      const run = await svc.api.sync(dirId);
      expect(run.status).toBe('succeeded');
      runId = run.id;
      userId = (await svc.api.all(`/api/v1/users?directoryId=${dirId}`))[0].id;
      otherToken = (await createTenantWithToken(svc.config, 'other tenant')).token;
    });
    afterAll(async () => {
      await emu?.close();
      await svc?.close();
    });

    it("a second tenant's token can neither read nor change the first tenant's data", async () => {
      const reads = [`/api/v1/directories/${dirId}`, `/api/v1/directories/${dirId}/runs`, `/api/v1/sync-runs/${runId}`, `/api/v1/sync-runs/${runId}/log`, `/api/v1/users/${userId}`, `/api/v1/directories/${dirId}/group-mappings`];
      for (const p of reads) expect((await svc.api.get(p, otherToken)).status, p).toBe(404);
      expect((await svc.api.get('/api/v1/directories', otherToken)).body.data).toEqual([]);
      expect((await svc.api.get('/api/v1/users', otherToken)).body.data).toEqual([]);
      expect((await svc.api.get(`/api/v1/users?directoryId=${dirId}`, otherToken)).body.data).toEqual([]);
      expect((await svc.api.patch(`/api/v1/directories/${dirId}`, { name: 'stolen' }, otherToken)).status).toBe(404);
      expect((await svc.api.post(`/api/v1/directories/${dirId}/sync`, {}, otherToken)).status).toBe(404);
      expect((await svc.api.del(`/api/v1/directories/${dirId}`, otherToken)).status).toBe(404);
      const org = await svc.api.post('/api/v1/organizations', { name: 'Other org' }, otherToken);
      expect((await svc.api.post(`/api/v1/users/${userId}/grants`, { organizationId: org.body.id, role: 'owner' }, otherToken)).status).toBe(404);
      expect((await svc.api.get(`/api/v1/directories/${dirId}`)).body.name).toBe('Acme');
    });

    it('credentials never appear in API responses, the log or the database in plain text', async () => {
      const bodies = [
        await svc.api.get(`/api/v1/directories/${dirId}`), await svc.api.get('/api/v1/directories'),
        await svc.api.patch(`/api/v1/directories/${dirId}`, { credentials: { orgUrl: emu.url, apiToken: SECRET } }),
        await svc.api.get(`/api/v1/sync-runs/${runId}/log`), await svc.api.post(`/api/v1/directories/${dirId}/test`),
      ];
      for (const b of bodies) expect(JSON.stringify(b.body)).not.toContain(SECRET);
      const log = fs.existsSync(path.join(svc.database.dataDir, 'server.log')) ? fs.readFileSync(path.join(svc.database.dataDir, 'server.log'), 'utf8') : '';
      expect(log).not.toContain(SECRET);
      expect(await databaseText(svc)).not.toContain(SECRET);
      expect(await databaseText(svc)).toContain('v1.'); // the sealed envelope is there
    });

    it('no token, a bad token and a malformed header are 401 with a message', async () => {
      expect((await fetch(`${svc.url}/api/v1/directories`)).status).toBe(401);
      const bad = await svc.api.get('/api/v1/directories', 'nope');
      expect(bad.status).toBe(401);
      expect(bad.body.error.message).toMatch(/token/i);
    });

    it('bad input gets a 400 that names the field and the fix, and nothing is stored', async () => {
      const before = (await svc.api.get('/api/v1/directories')).body.data.length;
      const badUrl = await svc.api.post('/api/v1/directories', { name: 'x', provider: 'okta', credentials: { orgUrl: 'not a url', apiToken: 'x' } });
      expect(badUrl.status).toBe(400);
      expect(badUrl.body.error.message).toMatch(/orgUrl/);
      const badProvider = await svc.api.post('/api/v1/directories', { name: 'x', provider: 'ftp', credentials: {} });
      expect(badProvider.status).toBe(400);
      expect(badProvider.body.error.message).toMatch(/okta/);
      const badMapping = await svc.api.patch(`/api/v1/directories/${dirId}`, { settings: { attributeMapping: { displayName: 'lowr(profile.firstName)' } } });
      expect(badMapping.status).toBe(400);
      expect(badMapping.body.error.code).toBe('invalid_mapping');
      expect(badMapping.body.error.message).toMatch(/displayName.*lowr/);
      const badTarget = await svc.api.patch(`/api/v1/directories/${dirId}`, { settings: { attributeMapping: { shoeSize: 'profile.x' } } });
      expect(badTarget.status).toBe(400);
      const badRole = await svc.api.patch(`/api/v1/directories/${dirId}`, { settings: { defaultRole: 'emperor' } });
      expect(badRole.status).toBe(400);
      expect(badRole.body.error.message).toMatch(/settings.defaultRole/);
      const badJson = await fetch(`${svc.url}/api/v1/directories`, { method: 'POST', headers: { authorization: `Bearer ${svc.adminToken}`, 'content-type': 'application/json' }, body: '{"name":' });
      expect(badJson.status).toBe(400);
      expect((await svc.api.get('/api/v1/directories')).body.data.length).toBe(before);
      expect((await svc.api.get(`/api/v1/directories/${dirId}`)).body.settings.defaultRole).toBe('member');
    });

    it('http:// and loopback provider URLs are refused unless insecure endpoints are allowed', async () => {
      const strict = await startTestService(engine, { ACCESSIQ_ALLOW_INSECURE_ENDPOINTS: '0' });
      try {
        const r = await strict.api.post('/api/v1/directories', { name: 'x', provider: 'okta', credentials: { orgUrl: emu.url, apiToken: SECRET } });
        expect(r.status).toBe(400);
        expect(r.body.error.message).toMatch(/https/);
        const loop = await strict.api.post('/api/v1/directories', { name: 'x', provider: 'okta', credentials: { orgUrl: 'https://127.0.0.1:8443', apiToken: SECRET } });
        expect(loop.status).toBe(400);
        expect(loop.body.error.message).toMatch(/private|loopback/);
      } finally {
        await strict.close();
      }
    });

    it('a dry run records what would change and writes nothing else', async () => {
      const person = emu.state.people.find((p) => p.state === 'active' && p.index > 5)!;
      emu.state.updatePerson(person.key, { familyName: 'Dryrun' });
      const ext = emu.idOfPerson(person.key);
      const dry = await svc.api.sync(dirId, { dryRun: true });
      expect(dry.status).toBe('succeeded');
      expect(dry.dryRun).toBe(true);
      expect(dry.counts.usersUpdated).toBe(1);
      const log = await svc.api.all(`/api/v1/sync-runs/${dry.id}/log?kind=updated`);
      expect(log).toHaveLength(1);
      const user = (await svc.api.all(`/api/v1/users?directoryId=${dirId}`)).find((u) => u.externalId === ext);
      expect(user.familyName).not.toBe('Dryrun');
      const real = await svc.api.sync(dirId);
      expect(real.counts.usersUpdated).toBe(1);
    });

    it('an AccessIQ user with the same email is linked, not duplicated', async () => {
      const emu2 = await startOktaEmulator({ users: 20, groups: 2, seed: 9, token: 'second' });
      try {
        const person = emu2.state.people.find((p) => p.state === 'active' && p.email)!;
        const db = svc.ctx.repos.users;
        const tenantId = (await svc.ctx.repos.tokens.findActive(svc.adminToken))!.tenant_id;
        const existing = await db.create(tenantId, { email: person.email!.toUpperCase() });
        const d = await svc.api.post('/api/v1/directories', { name: 'Second', provider: 'okta', credentials: { orgUrl: emu2.url, apiToken: 'second' } });
        const run = await svc.api.sync(d.body.id);
        expect(run.counts.usersLinked).toBe(1);
        const all = await svc.api.all(`/api/v1/users?email=${encodeURIComponent(person.email!)}`);
        expect(all).toHaveLength(1);
        expect(all[0]).toMatchObject({ id: existing.id, directoryId: d.body.id, externalId: emu2.idOfPerson(person.key) });
      } finally {
        await emu2.close();
      }
    });
  });
}

/** Every text column of every table, concatenated: what a database dump would show. */
async function databaseText(svc: TestService): Promise<string> {
  const tables = ['directories', 'sync_events', 'sync_runs', 'users', 'directory_users', 'api_tokens'];
  if (svc.database.engine === 'sqlite') {
    return fs.readFileSync(path.join(svc.database.dataDir, 'accessiq.db')).toString('latin1') +
      (fs.existsSync(path.join(svc.database.dataDir, 'accessiq.db-wal')) ? fs.readFileSync(path.join(svc.database.dataDir, 'accessiq.db-wal')).toString('latin1') : '');
  }
  const c = new pg.Client({ connectionString: svc.database.databaseUrl });
  await c.connect();
  try {
    let out = '';
    for (const t of tables) out += JSON.stringify((await c.query(`SELECT * FROM ${t}`)).rows);
    return out;
  } finally {
    await c.end();
  }
}
