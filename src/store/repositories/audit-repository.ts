/** The audit log: insert-only, read newest first with keyset paging (per tenant, optionally one action). */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { newId } from '../../lib/ids.js';
import { jsonObject } from '../json-column.js';
import { clampLimit, decodeCursor, toPage, type PageRequest } from '../pagination.js';

export interface AuditEntryInput {
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  /** Already masked: callers never pass secrets. */
  details?: Record<string, unknown> | null;
}

export interface AuditEntry {
  id: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  details: Record<string, unknown> | null;
  createdAt: string;
}

export function createAuditRepository(db: Kysely<Database>) {
  return {
    async record(tenantId: string, entry: AuditEntryInput, conn: Kysely<Database> = db): Promise<AuditEntry> {
      const row = {
        id: newId('aud'), tenant_id: tenantId, actor: entry.actor, action: entry.action, target_type: entry.targetType, target_id: entry.targetId,
        details: entry.details ? JSON.stringify(entry.details) : null, created_at: new Date().toISOString(),
      };
      await conn.insertInto('audit_log').values(row).execute();
      return { id: row.id, actor: row.actor, action: row.action, targetType: row.target_type, targetId: row.target_id, details: entry.details ?? null, createdAt: row.created_at };
    },

    /** Newest first. `actions` narrows to those actions (exact names). */
    async list(tenantId: string, filter: { actions?: string[] | undefined }, page: PageRequest) {
      const limit = clampLimit(page.limit);
      let q = db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId);
      if (filter.actions?.length) q = q.where('action', 'in', filter.actions);
      if (page.cursor) {
        const [at, id] = decodeCursor(page.cursor);
        q = q.where((eb) => eb.or([eb('created_at', '<', String(at)), eb.and([eb('created_at', '=', String(at)), eb('id', '<', id)])]));
      }
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
      return toPage(rows, limit, (r): AuditEntry => ({
        id: r.id, actor: r.actor, action: r.action, targetType: r.target_type, targetId: r.target_id,
        details: r.details === null ? null : jsonObject(r.details), createdAt: r.created_at,
      }), (r) => [r.created_at, r.id]);
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
