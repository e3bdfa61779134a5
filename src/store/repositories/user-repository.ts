import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../schema.js';
import { newId } from '../../lib/ids.js';
import { grantSourceKey } from '../../domain/roles.js';
import { clampLimit, decodeCursor, toPage, type PageRequest } from '../pagination.js';
import { jsonObject } from '../json-column.js';

export interface User {
  id: string;
  email: string | null;
  status: 'active' | 'deactivated';
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  directoryId: string | null;
  externalId: string | null;
  attributes: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  deactivatedAt: string | null;
}

export interface Grant {
  id: string;
  organizationId: string;
  role: string;
  source: 'manual' | 'default-role' | 'group-mapping';
  directoryId?: string;
  mappingId?: string;
  createdAt: string;
}

export const toUser = (r: UserRow): User => ({
  id: r.id, email: r.email, status: r.status, givenName: r.given_name, familyName: r.family_name, displayName: r.display_name,
  directoryId: r.directory_id, externalId: r.external_id, attributes: jsonObject(r.attributes) as Record<string, string | null>,
  createdAt: r.created_at, updatedAt: r.updated_at, deactivatedAt: r.deactivated_at,
});

export interface UserFilter {
  directoryId?: string | undefined;
  status?: 'active' | 'deactivated' | undefined;
  email?: string | undefined;
  /** Case-insensitive substring of email or name. */
  q?: string | undefined;
}

export function createUserRepository(db: Kysely<Database>) {
  return {
    async list(tenantId: string, filter: UserFilter, page: PageRequest) {
      const limit = clampLimit(page.limit);
      let q = db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId);
      if (filter.directoryId) q = q.where('directory_id', '=', filter.directoryId);
      if (filter.status) q = q.where('status', '=', filter.status);
      if (filter.email) q = q.where('email_normalized', '=', filter.email.normalize('NFC').trim().toLowerCase());
      if (filter.q) {
        const like = `%${filter.q.toLowerCase().replace(/[%_\\]/g, (c) => '\\' + c)}%`;
        q = q.where((eb) => eb.or([
          eb('email_normalized', 'like', like),
          eb(eb.fn('lower', ['display_name']), 'like', like),
        ]));
      }
      if (page.cursor) q = q.where('id', '>', decodeCursor(page.cursor)[1]);
      const rows = await q.orderBy('id').limit(limit + 1).execute();
      return toPage(rows, limit, toUser, (r) => ['', r.id]);
    },

    async get(tenantId: string, id: string) {
      const r = await db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return r && toUser(r);
    },

    async grants(tenantId: string, userId: string): Promise<Grant[]> {
      const rows = await db.selectFrom('role_grants').selectAll().where('tenant_id', '=', tenantId).where('user_id', '=', userId)
        .orderBy('created_at').orderBy('id').execute();
      return rows.map((g) => ({
        id: g.id, organizationId: g.organization_id, role: g.role_key, source: g.source,
        ...(g.directory_id ? { directoryId: g.directory_id } : {}), ...(g.mapping_id ? { mappingId: g.mapping_id } : {}),
        createdAt: g.created_at,
      }));
    },

    /** A manual grant: made by an admin, never touched by a sync. Idempotent. */
    async addManualGrant(tenantId: string, userId: string, organizationId: string, roleKey: string) {
      const existing = await db.selectFrom('role_grants').select('id').where('user_id', '=', userId)
        .where('organization_id', '=', organizationId).where('role_key', '=', roleKey).where('source_key', '=', 'manual').executeTakeFirst();
      if (existing) return { id: existing.id, created: false };
      const id = newId('grt');
      await db.insertInto('role_grants').values({
        id, tenant_id: tenantId, user_id: userId, organization_id: organizationId, role_key: roleKey, source: 'manual',
        directory_id: null, mapping_id: null, source_key: grantSourceKey('manual', {}), created_at: new Date().toISOString(),
      }).execute();
      return { id, created: true };
    },

    async removeManualGrant(tenantId: string, userId: string, grantId: string) {
      const r = await db.deleteFrom('role_grants').where('tenant_id', '=', tenantId).where('user_id', '=', userId)
        .where('id', '=', grantId).where('source', '=', 'manual').executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    /** A user created in AccessIQ itself (not synced); a directory user with the same email is linked to it. */
    async create(tenantId: string, input: { email: string; givenName?: string | null; familyName?: string | null; displayName?: string | null }) {
      const now = new Date().toISOString();
      const row = {
        id: newId('usr'), tenant_id: tenantId, email: input.email, email_normalized: input.email.normalize('NFC').trim().toLowerCase(),
        status: 'active' as const, given_name: input.givenName ?? null, family_name: input.familyName ?? null, display_name: input.displayName ?? null,
        attributes: '{}', directory_id: null, external_id: null, sync_hash: null, created_at: now, updated_at: now, deactivated_at: null,
      };
      await db.insertInto('users').values(row).execute();
      return toUser(row);
    },
  };
}
