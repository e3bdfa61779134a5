/**
 * Master key rotation: `accessiq keys rotate --new-key` re-encrypts every directory's credentials in
 * one transaction; the service reads old envelopes through ACCESSIQ_SECRET_KEY_PREVIOUS during the
 * switch-over; a credential the keys cannot open aborts the rotation with nothing changed.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startService } from '../../src/service.js';
import { loadConfig } from '../../src/config.js';
import { createApiClient } from '../support/api-client.js';
import { startOktaEmulator, type OktaEmulatorHandle } from '../../emulators/okta/index.js';
import { createSecretBox } from '../../src/security/secret-box.js';
import { cliEnv, runCli } from './run-cli.js';
import { parseNewKey, rotateSecretKey } from '../../src/app/rotate-secret-key.js';

const SECRET = 'okta-rotation-secret-91ab';
const key = () => randomBytes(32).toString('base64');

for (const engine of ENGINES) {
  describe(`keys rotate on ${engine}`, () => {
    let db: TestDatabase;
    let emu: OktaEmulatorHandle;
    const adminToken = `test-${randomBytes(8).toString('hex')}`;
    const envFor = (secretKey: string, previous?: string) => ({
      PORT: '0', ACCESSIQ_DATA_DIR: db.dataDir, ACCESSIQ_ADMIN_TOKEN: adminToken, ACCESSIQ_ALLOW_INSECURE_ENDPOINTS: '1', LOG_LEVEL: 'silent',
      ACCESSIQ_SECRET_KEY: secretKey, ...(previous ? { ACCESSIQ_SECRET_KEY_PREVIOUS: previous } : {}), ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    });
    async function withService<T>(env: Record<string, string>, fn: (api: ReturnType<typeof createApiClient>) => Promise<T>): Promise<T> {
      const svc = await startService(loadConfig(env), { scheduler: false, workerPollMs: 50 });
      try {
        return await fn(createApiClient(svc.url, adminToken));
      } finally {
        await svc.close();
      }
    }
    const envelopes = async () => {
      const { openStore } = await import('../../src/store/database.js');
      const store = await openStore({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
      try {
        return (await store.db.selectFrom('directories').select(['id', 'credentials_encrypted']).orderBy('id').execute());
      } finally {
        await store.close();
      }
    };

    beforeAll(async () => {
      db = await createTestDatabase(engine);
      emu = await startOktaEmulator({ users: 10, groups: 2, seed: 2, token: SECRET });
    });
    afterAll(async () => {
      await emu?.close();
      await db?.drop();
    });

    it('re-encrypts every directory with the new key; the old key alone can no longer read them', async () => {
      const oldKey = key();
      const newKey = key();
      const ids = await withService(envFor(oldKey), async (api) => {
        const a = await api.post('/api/v1/directories', { name: 'A', provider: 'okta', credentials: { orgUrl: emu.url, apiToken: SECRET } });
        const b = await api.post('/api/v1/directories', { name: 'B', provider: 'okta', credentials: { orgUrl: emu.url, apiToken: SECRET } });
        return [a.body.id as string, b.body.id as string];
      });
      const before = await envelopes();

      const r = await runCli(['keys', 'rotate', '--new-key', newKey], cliEnv(envFor(oldKey)));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Re-encrypted the credentials of 2 directories/);
      expect(r.stdout).not.toContain(newKey);
      expect(r.stdout).not.toContain(oldKey);

      const after = await envelopes();
      const newId = createSecretBox(Buffer.from(newKey, 'base64')).keyId;
      for (const [i, row] of after.entries()) {
        expect(row.credentials_encrypted).not.toBe(before[i]!.credentials_encrypted);
        expect(row.credentials_encrypted.split('.')[1]).toBe(newId);
        expect(row.credentials_encrypted).not.toContain(SECRET);
      }
      // the new key reads and syncs; the old key alone cannot open the credentials any more
      await withService(envFor(newKey), async (api) => {
        expect((await api.get(`/api/v1/directories/${ids[0]}`)).body.target).not.toMatch(/unreadable/);
        expect((await api.sync(ids[0]!)).status).toBe('succeeded');
      });
      await withService(envFor(oldKey), async (api) => {
        expect((await api.get(`/api/v1/directories/${ids[0]}`)).body.target).toMatch(/unreadable/);
      });
    });

    it('switch-over: with the new key and ACCESSIQ_SECRET_KEY_PREVIOUS the service reads old envelopes and seals new ones with the new key; rotate re-seals the rest; an unknown key aborts it with nothing changed', async () => {
      const fresh = await createTestDatabase(engine);
      const first = db;
      db = fresh;
      try {
        const [k1, k2, k3] = [key(), key(), key()];
        const idOf = (k: string) => createSecretBox(Buffer.from(k, 'base64')).keyId;
        const c = await withService(envFor(k1), async (api) => (await api.post('/api/v1/directories', { name: 'C', provider: 'okta', credentials: { orgUrl: emu.url, apiToken: SECRET } })).body.id as string);
        const d = await withService(envFor(k2, `${key()}, ${k1}`), async (api) => {
          expect((await api.get(`/api/v1/directories/${c}`)).body.target).not.toMatch(/unreadable/);
          expect((await api.sync(c)).status).toBe('succeeded');
          return (await api.post('/api/v1/directories', { name: 'D', provider: 'okta', credentials: { orgUrl: emu.url, apiToken: SECRET } })).body.id as string;
        });
        expect((await envelopes()).map((e) => [e.id, e.credentials_encrypted.split('.')[1]])).toEqual([[c, idOf(k1)], [d, idOf(k2)]].sort());

        // in-process from here on (the CLI's wiring is covered by the first test)
        expect((await rotateSecretKey(loadConfig(envFor(k2, k1)), k2)).directories).toBe(2);
        expect((await envelopes()).every((e) => e.credentials_encrypted.split('.')[1] === idOf(k2))).toBe(true);
        await withService(envFor(k2), async (api) => expect((await api.get(`/api/v1/directories/${c}`)).body.target).not.toMatch(/unreadable/));

        // a directory sealed with a key this environment does not hold: the rotation stops, nothing changes
        await withService(envFor(k3), async (api) => api.post('/api/v1/directories', { name: 'E', provider: 'okta', credentials: { orgUrl: emu.url, apiToken: SECRET } }));
        const before = await envelopes();
        await expect(rotateSecretKey(loadConfig(envFor(k2)), key())).rejects.toThrow(/Nothing was changed/);
        expect(await envelopes()).toEqual(before);
      } finally {
        db = first;
        await fresh.drop();
      }
    });

    it('refuses a key that is not 32 bytes of base64 or hex', async () => {
      for (const bad of ['correct horse', randomBytes(16).toString('base64'), 'ab'.repeat(31)]) {
        await expect(rotateSecretKey(loadConfig(envFor(key())), bad)).rejects.toThrow(/32 random bytes/);
      }
      expect(parseNewKey(randomBytes(32).toString('hex'))).toHaveLength(32);
    });
  });
}
