/** Admin accounts and their sessions. Every call names the tenant, except the sign-in lookups by
 * email or session id, which is how the tenant is found in the first place. */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { newId } from '../../lib/ids.js';

export const normalizeEmail = (email: string) => email.normalize('NFC').trim().toLowerCase();
export const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
export const randomToken = () => randomBytes(32).toString('base64url');

export interface AdminAccount {
  id: string;
  tenantId: string;
  email: string;
}

export function createAdminRepository(db: Kysely<Database>) {
  return {
    async count(): Promise<number> {
      const row = await db.selectFrom('admin_accounts').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async create(tenantId: string, email: string, passwordHash: string): Promise<AdminAccount> {
      const id = newId('adm');
      await db.insertInto('admin_accounts').values({
        id, tenant_id: tenantId, email: email.trim(), email_normalized: normalizeEmail(email), password_hash: passwordHash,
        created_at: new Date().toISOString(), last_sign_in_at: null,
      }).execute();
      return { id, tenantId, email: email.trim() };
    },

    async findByEmail(email: string) {
      return db.selectFrom('admin_accounts').selectAll().where('email_normalized', '=', normalizeEmail(email)).executeTakeFirst();
    },

    async setPassword(tenantId: string, id: string, passwordHash: string) {
      await db.updateTable('admin_accounts').set({ password_hash: passwordHash }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    },

    /** Opens a session; returns the id and CSRF token (shown to the browser only). */
    async openSession(account: { id: string; tenant_id: string }, ttlMs: number) {
      const id = randomToken();
      const csrfToken = randomToken();
      const now = new Date();
      await db.transaction().execute(async (tx) => {
        // sweep this admin's expired sessions so the table does not grow without bound
        await tx.deleteFrom('admin_sessions').where('admin_id', '=', account.id).where('expires_at', '<', now.toISOString()).execute();
        await tx.insertInto('admin_sessions').values({
          id_hash: sha256(id), tenant_id: account.tenant_id, admin_id: account.id, csrf_hash: sha256(csrfToken),
          created_at: now.toISOString(), expires_at: new Date(now.getTime() + ttlMs).toISOString(),
        }).execute();
        await tx.updateTable('admin_accounts').set({ last_sign_in_at: now.toISOString() }).where('id', '=', account.id).execute();
      });
      return { id, csrfToken, expiresAt: new Date(now.getTime() + ttlMs).toISOString() };
    },

    /** The live session with this id, with its admin. */
    async findSession(id: string) {
      return db.selectFrom('admin_sessions')
        .innerJoin('admin_accounts', 'admin_accounts.id', 'admin_sessions.admin_id')
        .select(['admin_sessions.id_hash', 'admin_sessions.tenant_id', 'admin_sessions.admin_id', 'admin_sessions.csrf_hash', 'admin_sessions.expires_at', 'admin_accounts.email'])
        .where('admin_sessions.id_hash', '=', sha256(id))
        .where('admin_sessions.expires_at', '>', new Date().toISOString())
        .executeTakeFirst();
    },

    async closeSession(id: string) {
      await db.deleteFrom('admin_sessions').where('id_hash', '=', sha256(id)).execute();
    },
  };
}

export type AdminRepository = ReturnType<typeof createAdminRepository>;
