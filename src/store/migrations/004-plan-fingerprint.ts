/**
 * The settings a directory's state was last planned under (attribute mapping, user filter, default
 * role, group mappings, deactivation behaviour), as a hash. An incremental run plans only the
 * records its delta touched; that is exact only while these settings are the ones every other
 * record was last planned with (sync/focused-input.ts). Null: plan the whole directory.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('directories').addColumn('plan_fingerprint', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('directories').dropColumn('plan_fingerprint').execute();
}
