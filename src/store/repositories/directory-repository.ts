import type { Kysely } from 'kysely';
import type { Database, DirectoryRow } from '../schema.js';
import { newId } from '../../lib/ids.js';
import { directorySettingsGuard, type DirectorySettings } from '../../domain/directory-settings.js';
import { clampLimit, decodeCursor, toPage, type PageRequest } from '../pagination.js';
import { jsonObject } from '../json-column.js';

/** A directory as stored, credentials still sealed. Only the sync engine opens them. */
export interface DirectoryRecord {
  id: string;
  tenantId: string;
  name: string;
  provider: string;
  credentialsEncrypted: string;
  settings: DirectorySettings;
  deltaCursor: string | null;
  lastFullSyncAt: string | null;
  lastSyncAt: string | null;
  nextSyncAt: string | null;
  consecutiveFailures: number;
  createdAt: string;
  updatedAt: string;
}

export const toDirectory = (r: DirectoryRow): DirectoryRecord => ({
  id: r.id, tenantId: r.tenant_id, name: r.name, provider: r.provider, credentialsEncrypted: r.credentials_encrypted,
  settings: directorySettingsGuard.parse(jsonObject(r.settings)),
  deltaCursor: r.delta_cursor, lastFullSyncAt: r.last_full_sync_at, lastSyncAt: r.last_sync_at, nextSyncAt: r.next_sync_at,
  consecutiveFailures: r.consecutive_failures, createdAt: r.created_at, updatedAt: r.updated_at,
});

export function createDirectoryRepository(db: Kysely<Database>) {
  return {
    async create(tenantId: string, input: { name: string; provider: string; credentialsEncrypted: string; settings: DirectorySettings; nextSyncAt?: string | null }) {
      const now = new Date().toISOString();
      const row: DirectoryRow = {
        id: newId('dir'), tenant_id: tenantId, name: input.name, provider: input.provider, credentials_encrypted: input.credentialsEncrypted,
        settings: JSON.stringify(input.settings), default_organization_id: input.settings.defaultOrganizationId, delta_cursor: null,
        last_full_sync_at: null, last_sync_at: null, next_sync_at: input.nextSyncAt ?? null, consecutive_failures: 0, plan_fingerprint: null, last_whole_plan_at: null, created_at: now, updated_at: now,
      };
      await db.insertInto('directories').values(row).execute();
      return toDirectory(row);
    },

    async get(tenantId: string, id: string) {
      const r = await db.selectFrom('directories').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return r && toDirectory(r);
    },

    async list(tenantId: string, page: PageRequest) {
      const limit = clampLimit(page.limit);
      let q = db.selectFrom('directories').selectAll().where('tenant_id', '=', tenantId);
      if (page.cursor) {
        const [created, id] = decodeCursor(page.cursor);
        q = q.where((eb) => eb.or([eb('created_at', '>', String(created)), eb.and([eb('created_at', '=', String(created)), eb('id', '>', id)])]));
      }
      const rows = await q.orderBy('created_at').orderBy('id').limit(limit + 1).execute();
      return toPage(rows, limit, toDirectory, (r) => [r.created_at, r.id]);
    },

    async update(tenantId: string, id: string, patch: { name?: string; credentialsEncrypted?: string; settings?: DirectorySettings; nextSyncAt?: string | null; deltaCursor?: string | null }) {
      const r = await db.updateTable('directories').set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.credentialsEncrypted !== undefined ? { credentials_encrypted: patch.credentialsEncrypted, delta_cursor: null } : {}),
        ...(patch.settings !== undefined ? { settings: JSON.stringify(patch.settings), default_organization_id: patch.settings.defaultOrganizationId } : {}),
        ...(patch.nextSyncAt !== undefined ? { next_sync_at: patch.nextSyncAt } : {}),
        ...(patch.deltaCursor !== undefined ? { delta_cursor: patch.deltaCursor } : {}),
        updated_at: new Date().toISOString(),
      }).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    /** Deleting a directory keeps its users (unlinked, as they are) and removes its sync-made grants. */
    async delete(tenantId: string, id: string) {
      return db.transaction().execute(async (tx) => {
        const exists = await tx.selectFrom('directories').select('id').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
        if (!exists) return false;
        await tx.deleteFrom('role_grants').where('tenant_id', '=', tenantId).where('directory_id', '=', id).where('source', '!=', 'manual').execute();
        await tx.updateTable('users').set({ directory_id: null, external_id: null, sync_hash: null }).where('tenant_id', '=', tenantId).where('directory_id', '=', id).execute();
        // the mirror's memberships and staged records have no foreign key (migrations 005, 007); the rest of the mirror cascades
        await tx.deleteFrom('directory_memberships').where('tenant_id', '=', tenantId).where('directory_id', '=', id).execute();
        await tx.deleteFrom('staged_directory_users').where('tenant_id', '=', tenantId).where('directory_id', '=', id).execute();
        await tx.deleteFrom('directories').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
        return true;
      });
    },

    /** Every tenant's directories, for the scheduler and key rotation (not tenant-scoped on purpose). */
    async allForMaintenance() {
      const rows = await db.selectFrom('directories').selectAll().execute();
      return rows.map(toDirectory);
    },
  };
}

export function createGroupMappingRepository(db: Kysely<Database>) {
  const toMapping = (r: { id: string; directory_id: string; source_group_id: string; organization_id: string; role_key: string; created_at: string }) => ({
    id: r.id, directoryId: r.directory_id, sourceGroupId: r.source_group_id, organizationId: r.organization_id, role: r.role_key, createdAt: r.created_at,
  });
  return {
    async list(tenantId: string, directoryId: string, page: PageRequest = { limit: 500 }) {
      const limit = clampLimit(page.limit);
      let q = db.selectFrom('group_mappings').selectAll().where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId);
      if (page.cursor) q = q.where('id', '>', decodeCursor(page.cursor)[1]);
      const rows = await q.orderBy('id').limit(limit + 1).execute();
      return toPage(rows, limit, toMapping, (r) => ['', r.id]);
    },
    async all(tenantId: string, directoryId: string) {
      const rows = await db.selectFrom('group_mappings').selectAll().where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).orderBy('id').execute();
      return rows.map(toMapping);
    },
    async get(tenantId: string, directoryId: string, id: string) {
      const r = await db.selectFrom('group_mappings').selectAll().where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).where('id', '=', id).executeTakeFirst();
      return r && toMapping(r);
    },
    async find(tenantId: string, directoryId: string, m: { sourceGroupId: string; organizationId: string; role: string }) {
      const r = await db.selectFrom('group_mappings').selectAll().where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId)
        .where('source_group_id', '=', m.sourceGroupId).where('organization_id', '=', m.organizationId).where('role_key', '=', m.role).executeTakeFirst();
      return r && toMapping(r);
    },
    async create(tenantId: string, directoryId: string, m: { sourceGroupId: string; organizationId: string; role: string }) {
      const row = { id: newId('gmp'), tenant_id: tenantId, directory_id: directoryId, source_group_id: m.sourceGroupId, organization_id: m.organizationId, role_key: m.role, created_at: new Date().toISOString() };
      await db.insertInto('group_mappings').values(row).execute();
      return toMapping(row);
    },
    /** Removes the mapping; the grants it made are revoked by the next sync (logged there). */
    async delete(tenantId: string, directoryId: string, id: string) {
      const r = await db.deleteFrom('group_mappings').where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}

export type DirectoryRepository = ReturnType<typeof createDirectoryRepository>;
export type GroupMappingRepository = ReturnType<typeof createGroupMappingRepository>;
export type GroupMapping = Awaited<ReturnType<GroupMappingRepository['all']>>[number];
export const parseStoredSettings = (text: string) => directorySettingsGuard.parse(jsonObject(text));
