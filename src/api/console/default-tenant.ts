import type { AppContext } from '../../app/app-context.js';

/** The tenant ACCESSIQ_ADMIN_TOKEN uses (see ensureBootstrapToken); created when missing. */
export async function defaultTenantId(ctx: AppContext): Promise<string> {
  const existing = await ctx.repos.tenants.findByName('default');
  return existing?.id ?? (await ctx.repos.tenants.create('default')).tenantId;
}
