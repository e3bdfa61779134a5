/**
 * The admin console, wired for startService: the session Authenticator for buildApi, the plugin
 * with the console's API routes and static files, and `bootstrap` that creates the first admin
 * (ACCESSIQ_ADMIN_EMAIL/PASSWORD) or prints a one-time setup link.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/app-context.js';
import { createAdminRepository } from './admin-repository.js';
import type { ConsoleOptions } from './console-config.js';
import { consoleRoutes } from './console-routes.js';
import { defaultTenantId } from './default-tenant.js';
import { createLoginThrottle } from './login-throttle.js';
import { MIN_PASSWORD_LENGTH, hashPassword } from './passwords.js';
import { previewRoutes } from './preview-routes.js';
import { serveConsole } from './serve-console.js';
import { createSessionAuthenticator } from './session-authenticator.js';
import { createSetupLink } from './setup-link.js';

export function createConsole(ctx: AppContext, options: ConsoleOptions) {
  const admins = createAdminRepository(ctx.store.db);
  const throttle = createLoginThrottle();
  const setupLink = createSetupLink();

  return {
    admins,
    authenticator: createSessionAuthenticator(admins),

    async plugin(app: FastifyInstance) {
      await app.register(async (api) => {
        await consoleRoutes(api, { ctx, admins, throttle, setupLink, sessionTtlMs: options.sessionTtlMs });
        await previewRoutes(api, { ctx });
      }, { prefix: '/api/v1' });
      await serveConsole(app, options.staticDir);
    },

    /** Call once the server listens (the setup link needs its address). */
    async bootstrap(url: string) {
      if (options.adminEmail && options.adminPassword) {
        if (await admins.findByEmail(options.adminEmail)) return;
        if (options.adminPassword.length < MIN_PASSWORD_LENGTH) {
          ctx.logger.warn(`ACCESSIQ_ADMIN_PASSWORD is shorter than ${MIN_PASSWORD_LENGTH} characters; no admin was created`);
        } else {
          const tenantId = await defaultTenantId(ctx);
          const admin = await admins.create(tenantId, options.adminEmail, await hashPassword(options.adminPassword));
          ctx.logger.info({ adminId: admin.id, tenantId }, 'created the console admin from ACCESSIQ_ADMIN_EMAIL');
          return;
        }
      }
      if ((await admins.count()) > 0) return;
      const token = setupLink.open();
      // printed on purpose: this is how the very first admin gets in; it works once, in this process
      ctx.logger.warn(`No console admin exists yet. Create one at ${url}/#/setup/${token} (one-time link)`);
    },
  };
}

export type Console = ReturnType<typeof createConsole>;
