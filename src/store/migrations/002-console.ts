/**
 * The admin console's tables: admin accounts (tenant-scoped) and their sign-in sessions.
 * Same conventions as 001 (text ids, ISO text timestamps). Secrets are stored only as hashes.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;
  // password_hash is `scrypt$N$r$p$salt$hash` (base64url parts), see api/console/passwords.ts
  await s.createTable('admin_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    // NFC + lower-case: one account per address, whatever the case typed at sign-in
    .addColumn('email_normalized', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_sign_in_at', 'text')
    .execute();
  // an email signs in to exactly one tenant: the sign-in form asks for no tenant
  await s.createIndex('admin_accounts_email').on('admin_accounts').column('email_normalized').unique().execute();

  // the cookie carries the session id; only its SHA-256 is stored, so a database leak opens no session
  await s.createTable('admin_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('admin_id', 'text', (c) => c.notNull().references('admin_accounts.id').onDelete('cascade'))
    // SHA-256 of the CSRF token bound to this session (sent back in X-CSRF-Token)
    .addColumn('csrf_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('admin_sessions_expiry').on('admin_sessions').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('admin_sessions').execute();
  await db.schema.dropTable('admin_accounts').execute();
}
