/**
 * The audit log over real HTTP on both databases: every configuration change and every decision on
 * a blocked run is recorded with who, what, when and tenant; secrets never reach an entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { startOktaEmulator, type OktaEmulatorHandle } from '../../emulators/okta/index.js';
import { hashPassword } from '../../src/api/console/passwords.js';
import { createTenantWithToken } from '../../src/app/tenants.js';

const SECRET = 'okta-audit-secret-7c1d9e4b2a';
const PASSWORD = 'correct horse battery staple';

interface Entry { id: string; actor: string; action: string; targetType: string; targetId: string; details: Record<string, unknown> | null; createdAt: string }

for (const engine of ENGINES) {
  describe(`audit log on ${engine}`, () => {
    let svc: TestService;
    let emu: OktaEmulatorHandle;
    let tokenId: string;

    beforeAll(async () => {
      svc = await startTestService(engine);
      emu = await startOktaEmulator({ users: 40, groups: 3, seed: 5, token: SECRET });
      tokenId = (await svc.ctx.repos.tokens.findActive(svc.adminToken))!.id;
    });
    afterAll(async () => {
      await emu?.close();
      await svc?.close();
    });

    const entries = async (query = '') => svc.api.all<Entry>(`/api/v1/audit-log${query}`);

    it('records every configuration change with actor, target and a masked settings diff', async () => {
      const actor = `token:${tokenId}`;
      const d = await svc.api.post('/api/v1/directories', { name: 'Acme', provider: 'okta', credentials: { orgUrl: emu.url, apiToken: SECRET } });
      expect(d.status).toBe(201);
      const dirId: string = d.body.id;

      const patch = await svc.api.patch(`/api/v1/directories/${dirId}`, { name: 'Acme Okta', settings: { defaultRole: 'admin', safeguards: { maxDeactivationCount: 3 } } });
      expect(patch.status).toBe(200);
      const rejected = await svc.api.patch(`/api/v1/directories/${dirId}`, { settings: { defaultRole: 'emperor' } });
      expect(rejected.status).toBe(400);
      const creds = await svc.api.patch(`/api/v1/directories/${dirId}`, { credentials: { orgUrl: emu.url, apiToken: SECRET } });
      expect(creds.status).toBe(200);

      const org = await svc.api.post('/api/v1/organizations', { name: 'Engineering' });
      const role = await svc.api.post('/api/v1/roles', { key: 'auditor', name: 'Auditor' });
      const mapping = await svc.api.post(`/api/v1/directories/${dirId}/group-mappings`, { sourceGroupId: 'g-1', organizationId: org.body.id, role: 'auditor' });
      expect(mapping.status).toBe(201);
      expect((await svc.api.del(`/api/v1/directories/${dirId}/group-mappings/${mapping.body.id}`)).status).toBe(204);

      const run = await svc.api.sync(dirId);
      expect(run.status).toBe('succeeded');
      const user = (await svc.api.all(`/api/v1/users?directoryId=${dirId}`))[0];
      const grant = await svc.api.post(`/api/v1/users/${user.id}/grants`, { organizationId: org.body.id, role: 'auditor' });
      expect(grant.status).toBe(201);
      expect((await svc.api.del(`/api/v1/users/${user.id}/grants/${grant.body.id}`)).status).toBe(204);

      const log = await entries();
      const byAction = (a: string) => log.filter((e) => e.action === a);
      for (const e of log) {
        expect(e.actor).toBe(actor);
        expect(Date.parse(e.createdAt)).not.toBeNaN();
      }
      const created = byAction('directory.created');
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({ targetType: 'directory', targetId: dirId, details: { name: 'Acme', provider: 'okta', credentials: { orgUrl: emu.url, apiToken: '[redacted]' } } });

      const updates = byAction('directory.updated');
      expect(updates).toHaveLength(2); // the rejected PATCH left nothing
      const settingsChange = updates.find((u) => !u.details?.credentialsReplaced)!;
      expect(settingsChange.details!.changes).toEqual({
        name: { from: 'Acme', to: 'Acme Okta' },
        'settings.defaultRole': { from: 'member', to: 'admin' },
        'settings.safeguards.maxDeactivationCount': { from: 500, to: 3 },
      });
      const credentialChange = updates.find((u) => u.details?.credentialsReplaced)!;
      expect(credentialChange.details!.credentials).toEqual({ orgUrl: emu.url, apiToken: '[redacted]' });

      expect(byAction('organization.created')[0]).toMatchObject({ targetId: org.body.id, details: { name: 'Engineering' } });
      expect(byAction('role.created')[0]).toMatchObject({ targetId: role.body.id, details: { key: 'auditor' } });
      expect(byAction('group_mapping.created')[0]).toMatchObject({ targetId: mapping.body.id, details: { directoryId: dirId, sourceGroupId: 'g-1', role: 'auditor' } });
      expect(byAction('group_mapping.deleted')[0]).toMatchObject({ targetId: mapping.body.id });
      expect(byAction('grant.created')[0]).toMatchObject({ targetId: grant.body.id, details: { userId: user.id, role: 'auditor', source: 'manual' } });
      expect(byAction('grant.deleted')[0]).toMatchObject({ targetId: grant.body.id });
      // newest first
      expect(log.map((e) => e.createdAt)).toEqual([...log.map((e) => e.createdAt)].sort().reverse());

      expect((await svc.api.del(`/api/v1/directories/${dirId}`)).status).toBe(204);
      expect((await entries('?action=directory.deleted'))[0]).toMatchObject({ targetId: dirId, details: { name: 'Acme Okta', provider: 'okta' } });
    });

    it('records approvals and rejections of blocked runs', async () => {
      const d = await svc.api.post('/api/v1/directories', { name: 'Guarded', provider: 'okta', credentials: { orgUrl: emu.url, apiToken: SECRET } });
      const dirId: string = d.body.id;
      expect((await svc.api.sync(dirId)).status).toBe('succeeded');
      await svc.api.patch(`/api/v1/directories/${dirId}`, { settings: { safeguards: { maxDeactivationCount: 1, maxDeactivationPercent: 1, minimumUsers: 0 } } });
      const active = emu.state.people.filter((p) => p.state === 'active').slice(0, 4);
      for (const p of active) emu.state.setState(p.key, 'suspended');

      const blocked = await svc.api.sync(dirId);
      expect(blocked.status).toBe('blocked');
      expect((await svc.api.post(`/api/v1/sync-runs/${blocked.id}/reject`)).status).toBe(200);
      const again = await svc.api.sync(dirId);
      expect(again.status).toBe('blocked');
      const approved = await svc.api.post(`/api/v1/sync-runs/${again.id}/approve`);
      expect(approved.status).toBe(200);
      expect((await svc.api.post(`/api/v1/sync-runs/${again.id}/approve`)).status).toBe(409);

      const decisions = await entries('?action=sync_run.approved,sync_run.rejected');
      expect(decisions.map((e) => [e.action, e.targetId])).toEqual([['sync_run.approved', again.id], ['sync_run.rejected', blocked.id]]);
      expect(decisions[0]!.details).toMatchObject({ directoryId: dirId, status: 'succeeded', blockedBy: { code: expect.any(String) } });
      for (const p of active) emu.state.setState(p.key, 'active');
    });

    it('records API tokens created and revoked (a revoked token is refused at once), and console sign-in and sign-out, as the admin', async () => {
      const tenantId = (await svc.ctx.repos.tokens.findActive(svc.adminToken))!.tenant_id;
      const admin = await svc.console.admins.create(tenantId, 'audit@example.com', await hashPassword(PASSWORD));
      const signIn = await fetch(`${svc.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'audit@example.com', password: PASSWORD }) });
      expect(signIn.status).toBe(200);
      const cookies = signIn.headers.getSetCookie().map((c) => c.split(';')[0]!);
      const csrf = decodeURIComponent(cookies.find((c) => c.startsWith('aiq_csrf='))!.split('=')[1]!);
      const asAdmin = (method: string, path: string, body?: unknown) => fetch(`${svc.url}${path}`, {
        method, headers: { cookie: cookies.join('; '), 'x-csrf-token': csrf, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
      });
      const created = await asAdmin('POST', '/api/v1/tokens', { name: 'CI pipeline' });
      expect(created.status).toBe(201);
      const token = (await created.json()) as { id: string; token: string };
      expect((await svc.api.get('/api/v1/directories', token.token)).status).toBe(200);
      const listed = (await (await asAdmin('GET', '/api/v1/tokens')).json()) as { data: Array<{ id: string; lastUsedAt: string | null }> };
      expect(listed.data.find((t) => t.id === token.id)!.lastUsedAt).not.toBeNull();
      expect((await asAdmin('DELETE', `/api/v1/tokens/${token.id}`)).status).toBe(204);
      // revoked: refused at once, and revoking twice is a 404
      const refused = await svc.api.get('/api/v1/directories', token.token);
      expect(refused.status).toBe(401);
      expect(refused.body.error.message).toMatch(/revoked/);
      expect((await asAdmin('DELETE', `/api/v1/tokens/${token.id}`)).status).toBe(404);
      expect((await asAdmin('DELETE', '/api/v1/session')).status).toBe(204);

      const log = await entries('?action=session.signed_in,session.signed_out,api_token.created,api_token.revoked');
      expect(log.map((e) => e.action)).toEqual(['session.signed_out', 'api_token.revoked', 'api_token.created', 'session.signed_in']);
      for (const e of log) expect(e.actor).toBe(`admin:${admin.id}`);
      expect(log[2]!.details).toEqual({ name: 'CI pipeline', tokenPrefix: token.token.slice(0, 8) });
      expect(JSON.stringify(log)).not.toContain(token.token);
      expect(JSON.stringify(log)).not.toContain(PASSWORD);
    });

    it('pages with a cursor, filters by action, rejects a bad filter, and shows no other tenant', async () => {
      const first = await svc.api.get('/api/v1/audit-log?limit=2');
      expect(first.status).toBe(200);
      expect(first.body.data).toHaveLength(2);
      const second = await svc.api.get(`/api/v1/audit-log?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
      expect(second.body.data[0].createdAt <= first.body.data[1].createdAt).toBe(true);
      expect(second.body.data.map((e: Entry) => e.id)).not.toContain(first.body.data[1].id);
      const bad = await svc.api.get('/api/v1/audit-log?action=DROP%20TABLE');
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/query\.action/);
      const other = await createTenantWithToken(svc.config, 'other');
      expect((await svc.api.get('/api/v1/audit-log', other.token)).body.data).toEqual([]);
    });

    it('no secret appears in any audit entry, over the API or in the table', async () => {
      const all = JSON.stringify(await entries());
      const table = JSON.stringify(await svc.ctx.store.db.selectFrom('audit_log').selectAll().execute());
      for (const text of [all, table]) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(svc.adminToken);
        expect(text).toContain('[redacted]');
      }
      expect(await svc.api.get('/api/v1/openapi.json').then((r) => Object.keys(r.body.paths))).toContain('/api/v1/audit-log');
    });
  });
}
