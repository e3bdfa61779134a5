/**
 * The audit log: one row per configuration change or approval, who made it and when (issue 6,
 * Security). Rows are only ever inserted; details never hold secrets (credentials are masked before
 * they get here, see api/audit.ts).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;
  await s.createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    // `token:<id>` (an API token) or `admin:<id>` (a console admin); see api/auth.ts
    .addColumn('actor', 'text', (c) => c.notNull())
    // dotted verb, e.g. `directory.updated`, `sync_run.approved`, `api_token.revoked`
    .addColumn('action', 'text', (c) => c.notNull())
    // what was changed: kind (`directory`, `sync_run`, …) and id; kept after the target is deleted
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    // JSON: the change (e.g. a settings diff {path: {from, to}}), secrets replaced by "[redacted]"
    .addColumn('details', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // newest first per tenant, optionally for one action
  await s.createIndex('audit_log_tenant_time').on('audit_log').columns(['tenant_id', 'created_at', 'id']).execute();
  await s.createIndex('audit_log_tenant_action').on('audit_log').columns(['tenant_id', 'action', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
}
