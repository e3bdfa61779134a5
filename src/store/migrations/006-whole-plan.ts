/**
 * When a directory's whole state was last planned (every user, group and member list), not only
 * what a read or a delta changed. A full read plans only the records that differ from the mirror
 * while this is recent (sync/focused-full-read.ts); a whole plan still runs at least every
 * `fullSyncEveryHours`, so state that drifted without the directory changing is put back. Null:
 * plan the whole directory.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('directories').addColumn('last_whole_plan_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('directories').dropColumn('last_whole_plan_at').execute();
}
