import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Store } from '../database.js';
import { newId } from '../../lib/ids.js';
import { BUILT_IN_ROLES } from '../../domain/roles.js';
import { generateApiToken, hashApiToken, tokenPrefix } from '../../security/api-tokens.js';

export interface TenantCreated {
  tenantId: string;
  primaryOrganizationId: string;
}

export function createTenantRepository(db: Kysely<Database>) {
  return {
    /** A tenant starts with its primary organization and the built-in roles. */
    async create(name: string): Promise<TenantCreated> {
      const now = new Date().toISOString();
      const tenantId = newId('ten');
      const primaryOrganizationId = newId('org');
      await db.transaction().execute(async (tx) => {
        await tx.insertInto('tenants').values({ id: tenantId, name, created_at: now }).execute();
        await tx.insertInto('organizations').values({ id: primaryOrganizationId, tenant_id: tenantId, name, is_primary: 1, created_at: now }).execute();
        await tx.insertInto('roles').values(BUILT_IN_ROLES.map((r) => ({
          id: newId('rol'), tenant_id: tenantId, key: r.key, name: r.name, description: r.description, built_in: 1, created_at: now,
        }))).execute();
      });
      return { tenantId, primaryOrganizationId };
    },

    async findByName(name: string) {
      return db.selectFrom('tenants').selectAll().where('name', '=', name).orderBy('created_at').executeTakeFirst();
    },

    async get(id: string) {
      return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    },
  };
}

export function createApiTokenRepository(db: Kysely<Database>, withoutWaiting: Store['withoutWaiting'] = (fn) => fn(db)) {
  return {
    /** Stores a token's hash; returns the token itself (shown once). `token` may be given (ACCESSIQ_ADMIN_TOKEN). */
    async create(tenantId: string, name: string, token = generateApiToken()) {
      const id = newId('tok');
      await db.insertInto('api_tokens').values({
        id, tenant_id: tenantId, name, token_hash: hashApiToken(token), token_prefix: tokenPrefix(token),
        created_at: new Date().toISOString(), last_used_at: null, revoked_at: null,
      }).execute();
      return { id, token };
    },

    async findActive(token: string) {
      return db.selectFrom('api_tokens').select(['id', 'tenant_id', 'last_used_at'])
        .where('token_hash', '=', hashApiToken(token)).where('revoked_at', 'is', null).executeTakeFirst();
    },

    async exists(token: string) {
      const row = await db.selectFrom('api_tokens').select('id').where('token_hash', '=', hashApiToken(token)).executeTakeFirst();
      return !!row;
    },

    /** Bookkeeping: never waits for a busy SQLite database (a sync's apply); the caller may skip it. */
    async touch(id: string, at: string) {
      await withoutWaiting((c) => c.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute());
    },

    async list(tenantId: string) {
      return db.selectFrom('api_tokens').select(['id', 'name', 'token_prefix', 'created_at', 'last_used_at', 'revoked_at'])
        .where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').execute();
    },

    async revoke(tenantId: string, id: string) {
      const r = await db.updateTable('api_tokens').set({ revoked_at: new Date().toISOString() })
        .where('tenant_id', '=', tenantId).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
