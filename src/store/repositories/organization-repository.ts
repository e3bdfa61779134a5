import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { newId } from '../../lib/ids.js';
import { clampLimit, decodeCursor, toPage, type PageRequest } from '../pagination.js';

export interface Organization {
  id: string;
  name: string;
  isPrimary: boolean;
  createdAt: string;
}

const toOrganization = (r: { id: string; name: string; is_primary: number; created_at: string }): Organization => ({
  id: r.id, name: r.name, isPrimary: r.is_primary === 1, createdAt: r.created_at,
});

export function createOrganizationRepository(db: Kysely<Database>) {
  return {
    async list(tenantId: string, page: PageRequest) {
      const limit = clampLimit(page.limit);
      let q = db.selectFrom('organizations').selectAll().where('tenant_id', '=', tenantId);
      if (page.cursor) {
        const [name, id] = decodeCursor(page.cursor);
        q = q.where((eb) => eb.or([eb('name', '>', String(name)), eb.and([eb('name', '=', String(name)), eb('id', '>', id)])]));
      }
      const rows = await q.orderBy('name').orderBy('id').limit(limit + 1).execute();
      return toPage(rows, limit, toOrganization, (r) => [r.name, r.id]);
    },

    async get(tenantId: string, id: string) {
      const r = await db.selectFrom('organizations').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return r && toOrganization(r);
    },

    async findByName(tenantId: string, name: string) {
      const r = await db.selectFrom('organizations').selectAll().where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst();
      return r && toOrganization(r);
    },

    async primary(tenantId: string) {
      const r = await db.selectFrom('organizations').selectAll().where('tenant_id', '=', tenantId).where('is_primary', '=', 1).executeTakeFirst();
      return r && toOrganization(r);
    },

    async create(tenantId: string, name: string): Promise<Organization> {
      const row = { id: newId('org'), tenant_id: tenantId, name, is_primary: 0, created_at: new Date().toISOString() };
      await db.insertInto('organizations').values(row).execute();
      return toOrganization(row);
    },

    /** Users holding any role in the organization, with their roles and each role's source. */
    async members(tenantId: string, organizationId: string, page: PageRequest) {
      const limit = clampLimit(page.limit);
      let q = db.selectFrom('users').innerJoin('role_grants', 'role_grants.user_id', 'users.id')
        .select(['users.id', 'users.email', 'users.display_name', 'users.status'])
        .where('users.tenant_id', '=', tenantId).where('role_grants.organization_id', '=', organizationId)
        .groupBy(['users.id', 'users.email', 'users.display_name', 'users.status']);
      if (page.cursor) q = q.where('users.id', '>', decodeCursor(page.cursor)[1]);
      const rows = await q.orderBy('users.id').limit(limit + 1).execute();
      const ids = rows.slice(0, limit).map((r) => r.id);
      const grants = ids.length
        ? await db.selectFrom('role_grants').select(['user_id', 'role_key', 'source', 'directory_id', 'mapping_id'])
          .where('tenant_id', '=', tenantId).where('organization_id', '=', organizationId).where('user_id', 'in', ids).execute()
        : [];
      return toPage(rows, limit, (r) => ({
        userId: r.id, email: r.email, displayName: r.display_name, status: r.status,
        roles: grants.filter((g) => g.user_id === r.id).map((g) => ({ role: g.role_key, source: g.source, directoryId: g.directory_id, mappingId: g.mapping_id })),
      }), (r) => ['', r.id]);
    },
  };
}
