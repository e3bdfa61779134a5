/** Starts the whole service in one process: API (+ console), the scheduler and the sync worker. */
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createAppContext, ensureBootstrapToken, type AppContextOptions } from './app/app-context.js';
import { buildApi } from './api/build-api.js';
import type { ConnectorContext } from './providers/types.js';
import { createConsole } from './api/console/console.js';
import { loadConsoleConfig, type ConsoleOptions } from './api/console/console-config.js';

export interface ServiceOptions extends Pick<AppContextOptions, 'worker' | 'leaseMs' | 'clock' | 'schedulerPollMs' | 'backoffBaseMs' | 'syncThread' | 'syncThreadPreload'> {
  logger?: Logger;
  connectorContext?: ConnectorContext;
  workerPollMs?: number;
  /** Run the scheduler's polling loop in this process (default true; `accessiq worker` processes run it too). */
  scheduler?: boolean;
  /** The admin console's settings; default from the environment (ACCESSIQ_ADMIN_EMAIL, …). */
  console?: Partial<ConsoleOptions>;
}

export async function startService(config: Config, opts: ServiceOptions = {}) {
  const ctx = await createAppContext(config, opts);
  await ensureBootstrapToken(ctx);
  const adminConsole = createConsole(ctx, { ...loadConsoleConfig(process.env), ...opts.console });
  const app = await buildApi(ctx, { authenticators: [adminConsole.authenticator], plugins: [adminConsole.plugin] });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  await adminConsole.bootstrap(url);
  ctx.worker?.start();
  if (opts.scheduler !== false) ctx.scheduler.start();
  ctx.logger.info({ url, database: ctx.store.engine }, 'AccessIQ Directory Sync is up');
  return {
    url,
    ctx,
    app,
    /** The console (admin accounts, for tests and the CLI). */
    console: adminConsole,
    async close() {
      await app.close();
      await ctx.close();
    },
  };
}
