/** Starts the real service (HTTP API, worker, store) on a free port, on a fresh database. */
import { randomBytes } from 'node:crypto';
import { startService } from '../../src/service.js';
import { loadConfig } from '../../src/config.js';
import { createTestDatabase, type Engine } from './databases.js';
import { createApiClient } from './api-client.js';

export interface TestServiceOptions {
  /** Connector retry settings (default: short backoff, 5 s timeout); the fault suite shortens the timeout. */
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number; timeoutMs?: number };
  /** Modules the sync thread imports first (fault hooks that must run beside its connection). */
  syncThreadPreload?: string[];
}

export async function startTestService(engine: Engine, env: Record<string, string> = {}, opts: TestServiceOptions = {}) {
  const database = await createTestDatabase(engine);
  const adminToken = `test-${randomBytes(12).toString('hex')}`;
  const config = loadConfig({
    PORT: '0', ACCESSIQ_DATA_DIR: database.dataDir, ACCESSIQ_ADMIN_TOKEN: adminToken, ACCESSIQ_ALLOW_INSECURE_ENDPOINTS: '1',
    ACCESSIQ_SECRET_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'silent', ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}), ...env,
  });
  const service = await startService(config, { connectorContext: { retry: { baseDelayMs: 5, maxDelayMs: 100, timeoutMs: 5000, ...opts.retry } }, workerPollMs: 50, ...(opts.syncThreadPreload ? { syncThreadPreload: opts.syncThreadPreload } : {}) });
  const api = createApiClient(service.url, adminToken);
  return {
    ...service, api, adminToken, database, config,
    async close() {
      await service.close();
      await database.drop();
    },
  };
}

export type TestService = Awaited<ReturnType<typeof startTestService>>;
