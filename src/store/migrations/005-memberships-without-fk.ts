/**
 * directory_memberships loses its foreign key to directories (issue #7). PostgreSQL checks a
 * foreign key with a trigger per inserted row that locks the parent row: a first sync's million
 * membership rows took 14.0 s with it and 6.5 s without (measured, one transaction each). The
 * rows are still removed with their directory: the directory repository deletes them in the same
 * transaction (the cascade did it before). SQLite cannot drop a constraint, so the table is
 * rebuilt the same way on both engines.
 */
import { sql, type Kysely } from 'kysely';

const COLUMNS = sql.raw('tenant_id, directory_id, group_external_id, member_type, member_external_id');

async function rebuild(db: Kysely<unknown>, withForeignKey: boolean) {
  await db.schema.createTable('directory_memberships_next')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('directory_id', 'text', (c) => (withForeignKey ? c.notNull().references('directories.id').onDelete('cascade') : c.notNull()))
    .addColumn('group_external_id', 'text', (c) => c.notNull())
    .addColumn('member_type', 'text', (c) => c.notNull())
    .addColumn('member_external_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint(withForeignKey ? 'directory_memberships_fk_pk' : 'directory_memberships_nofk_pk', ['directory_id', 'group_external_id', 'member_type', 'member_external_id'])
    .execute();
  await sql`insert into directory_memberships_next (${COLUMNS}) select ${COLUMNS} from directory_memberships`.execute(db);
  await db.schema.dropTable('directory_memberships').execute();
  await db.schema.alterTable('directory_memberships_next').renameTo('directory_memberships').execute();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await rebuild(db, false);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await rebuild(db, true);
}
