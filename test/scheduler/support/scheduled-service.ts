/**
 * The real service (HTTP API, worker, store) with the scheduler on a fake clock. The scheduler's
 * polling loop is started (as in production) but polls once an hour, so each test drives it with
 * `scheduler.tick()` after moving the clock.
 */
import { randomBytes } from 'node:crypto';
import { startService } from '../../../src/service.js';
import { loadConfig } from '../../../src/config.js';
import { createTestDatabase, type Engine } from '../../support/databases.js';
import { createApiClient } from '../../support/api-client.js';
import type { FakeClock } from './fake-clock.js';

export async function startScheduledService(engine: Engine, clock: FakeClock, o: { worker?: boolean; backoffBaseMs?: number } = {}) {
  const database = await createTestDatabase(engine);
  const adminToken = `test-${randomBytes(12).toString('hex')}`;
  const config = loadConfig({
    PORT: '0', ACCESSIQ_DATA_DIR: database.dataDir, ACCESSIQ_ADMIN_TOKEN: adminToken, ACCESSIQ_ALLOW_INSECURE_ENDPOINTS: '1',
    ACCESSIQ_SECRET_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'silent', ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
  });
  const service = await startService(config, {
    connectorContext: { retry: { attempts: 1, baseDelayMs: 5, maxDelayMs: 50, timeoutMs: 10_000 } },
    workerPollMs: 50, clock, schedulerPollMs: 3_600_000, worker: o.worker ?? true, ...(o.backoffBaseMs ? { backoffBaseMs: o.backoffBaseMs } : {}),
  });
  const api = createApiClient(service.url, adminToken);
  return {
    ...service, api, config, database, scheduler: service.ctx.scheduler,
    async close() {
      await service.close();
      await database.drop();
    },
  };
}

export type ScheduledService = Awaited<ReturnType<typeof startScheduledService>>;
