import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { newId } from '../../lib/ids.js';
import { clampLimit, decodeCursor, toPage, type PageRequest } from '../pagination.js';

export interface Role {
  id: string;
  key: string;
  name: string;
  description: string | null;
  builtIn: boolean;
}

const toRole = (r: { id: string; key: string; name: string; description: string | null; built_in: number }): Role => ({
  id: r.id, key: r.key, name: r.name, description: r.description, builtIn: r.built_in === 1,
});

export function createRoleRepository(db: Kysely<Database>) {
  return {
    async list(tenantId: string, page: PageRequest) {
      const limit = clampLimit(page.limit);
      let q = db.selectFrom('roles').selectAll().where('tenant_id', '=', tenantId);
      if (page.cursor) q = q.where('key', '>', String(decodeCursor(page.cursor)[0]));
      const rows = await q.orderBy('key').limit(limit + 1).execute();
      return toPage(rows, limit, toRole, (r) => [r.key, r.id]);
    },
    async findByKey(tenantId: string, key: string) {
      const r = await db.selectFrom('roles').selectAll().where('tenant_id', '=', tenantId).where('key', '=', key).executeTakeFirst();
      return r && toRole(r);
    },
    async create(tenantId: string, input: { key: string; name: string; description?: string | null | undefined }): Promise<Role> {
      const row = { id: newId('rol'), tenant_id: tenantId, key: input.key, name: input.name, description: input.description ?? null, built_in: 0, created_at: new Date().toISOString() };
      await db.insertInto('roles').values(row).execute();
      return toRole(row);
    },
  };
}
