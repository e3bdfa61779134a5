/** Tenant creation for the CLI (`accessiq tenant create`): opens the store directly. */
import type { Config } from '../config.js';
import { openStore } from '../store/database.js';
import { createApiTokenRepository, createTenantRepository } from '../store/repositories/tenant-repository.js';

export async function createTenantWithToken(config: Config, name: string): Promise<{ tenantId: string; token: string }> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const { tenantId } = await createTenantRepository(store.db).create(name);
    const { token } = await createApiTokenRepository(store.db).create(tenantId, 'created by accessiq tenant create');
    return { tenantId, token };
  } finally {
    await store.close();
  }
}
