/** Starts the whole service in one process: API (+ console), and the sync worker. */
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createAppContext, ensureBootstrapToken } from './app/app-context.js';
import { buildApi } from './api/build-api.js';
import type { ConnectorContext } from './providers/types.js';

export interface ServiceOptions {
  logger?: Logger;
  connectorContext?: ConnectorContext;
  workerPollMs?: number;
}

export async function startService(config: Config, opts: ServiceOptions = {}) {
  const ctx = await createAppContext(config, opts);
  await ensureBootstrapToken(ctx);
  const app = await buildApi(ctx);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  ctx.worker?.start();
  ctx.logger.info({ url, database: ctx.store.engine }, 'AccessIQ Directory Sync is up');
  return {
    url,
    ctx,
    app,
    async close() {
      await app.close();
      await ctx.close();
    },
  };
}
