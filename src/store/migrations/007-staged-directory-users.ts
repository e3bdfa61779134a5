/**
 * Provider user records a full read stages as their pages arrive, so the sync does not hold 100k
 * records in memory until the apply (sync/staged-users.ts). Rows belong to one run: the apply copies
 * them into `directory_users` in its transaction and deletes them; a blocked run keeps them until it
 * is approved or rejected; a failed run deletes them, a dry run stages none, and any later run of
 * the directory (which makes a blocked plan stale) or the directory's deletion deletes them.
 * No key, index or foreign key: each made SQLite rewrite its pages into the WAL at every page's
 * commit (100k Google users staged in 3.8 s with a primary key, 1.5 s without). Rows are found by
 * run or directory with a scan (the table holds a few runs' rows at most), and a record sent twice
 * is handled when it is staged (sync/staged-users.ts).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('staged_directory_users')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('directory_id', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('org_unit_path', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('staged_directory_users').execute();
}
