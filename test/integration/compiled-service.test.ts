/**
 * The service as `npm start` runs it: compiled to dist/server (tsconfig.build.json) and started
 * with plain `node`, no TypeScript loader. Its sync thread then loads compiled JavaScript too
 * (run-thread-boot.mjs picks the entry's form). Proven end to end over HTTP on both databases:
 * health, the console's page, and a real sync of an emulated Okta directory in the sync thread.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, createTestDatabase } from '../support/databases.js';
import { oktaAdapter, type StartedEmulator } from '../support/provider-adapters.js';
import { createApiClient } from '../support/api-client.js';
import { spawnService, type ServiceProcess } from '../faults/support/service-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

beforeAll(() => {
  // tsc's incremental build: ~10 s from nothing, a few seconds when dist/server is current
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
}, 180_000);

for (const engine of ENGINES) {
  describe(`compiled service on ${engine}`, () => {
    let emu: StartedEmulator | undefined;
    let proc: ServiceProcess | undefined;
    let drop: (() => Promise<void>) | undefined;

    afterAll(async () => {
      await proc?.kill();
      await emu?.emulator.close();
      await drop?.();
    });

    it('serves the API and the console, and syncs in its compiled sync thread', async () => {
      emu = await oktaAdapter.start({ users: 150, groups: 6, seed: 5 });
      const db = await createTestDatabase(engine);
      drop = db.drop;
      const token = `compiled-${randomBytes(8).toString('hex')}`;
      proc = await spawnService({
        ACCESSIQ_DATA_DIR: db.dataDir, ACCESSIQ_ADMIN_TOKEN: token, ACCESSIQ_ALLOW_INSECURE_ENDPOINTS: '1',
        ACCESSIQ_SECRET_KEY: randomBytes(32).toString('base64'), ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
      }, 90_000, 'compiled');

      expect((await fetch(`${proc.url}/healthz`)).status).toBe(200);
      const page = await fetch(`${proc.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      expect((await fetch(`${proc.url}/api/v1/directories`)).status).toBe(401);

      const api = createApiClient(proc.url, token);
      const dir = await api.post('/api/v1/directories', { name: 'Okta', provider: 'okta', credentials: emu.credentials });
      expect(dir.status, JSON.stringify(dir.body)).toBe(201);
      const run = await api.sync(dir.body.id as string, { full: true }, 60_000);
      expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
      expect(run.counts.usersCreated).toBeGreaterThan(100);
      expect((await api.all('/api/v1/users')).length).toBe(run.counts.usersCreated);
      expect(proc.output()).not.toMatch(/sync thread stopped|Cannot find module|ERR_/);
    }, 180_000);
  });
}
