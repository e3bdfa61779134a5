/**
 * The initial schema, one definition for SQLite and PostgreSQL (Kysely's schema builder).
 * See schema.ts for the conventions (text ids, ISO text timestamps, 0/1 booleans, JSON as text).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;
  await s.createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // API tokens are stored as SHA-256 hashes: a database leak does not leak usable tokens
  await s.createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  // the tenant's primary organization receives the default role unless a directory names another
  await s.createTable('organizations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('is_primary', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('organizations_tenant_name').on('organizations').columns(['tenant_id', 'name']).unique().execute();

  // roles are addressed by key (owner, admin, member built in; custom ones added by admins)
  await s.createTable('roles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('built_in', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('roles_tenant_key').on('roles').columns(['tenant_id', 'key']).unique().execute();

  await s.createTable('directories')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('credentials_encrypted', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('default_organization_id', 'text', (c) => c.references('organizations.id').onDelete('set null'))
    .addColumn('delta_cursor', 'text')
    .addColumn('last_full_sync_at', 'text')
    .addColumn('last_sync_at', 'text')
    .addColumn('next_sync_at', 'text') // when the scheduler runs it next; null while the schedule is off
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('directories_tenant').on('directories').column('tenant_id').execute();
  await s.createIndex('directories_due').on('directories').column('next_sync_at').execute();

  // users: email is unique per tenant case-insensitively (email_normalized = NFC + lower-case);
  // directory_id/external_id link a user to the directory that owns it (null = created in AccessIQ)
  await s.createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('email', 'text')
    .addColumn('email_normalized', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('given_name', 'text')
    .addColumn('family_name', 'text')
    .addColumn('display_name', 'text')
    .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('directory_id', 'text', (c) => c.references('directories.id').onDelete('set null'))
    .addColumn('external_id', 'text')
    .addColumn('sync_hash', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('deactivated_at', 'text')
    .execute();
  await s.createIndex('users_tenant_email').on('users').columns(['tenant_id', 'email_normalized']).unique().execute();
  await s.createIndex('users_directory_external').on('users').columns(['directory_id', 'external_id']).unique().execute();
  await s.createIndex('users_tenant_status').on('users').columns(['tenant_id', 'status']).execute();

  // the directory mirror: raw records + content hashes as of the last complete read
  await s.createTable('directory_users')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('directory_id', 'text', (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('org_unit_path', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('directory_users_pk', ['directory_id', 'external_id'])
    .execute();

  // groups as synced from the directory (the mirror and the AccessIQ group are one row)
  await s.createTable('directory_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('directory_id', 'text', (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('directory_groups_external').on('directory_groups').columns(['directory_id', 'external_id']).unique().execute();

  // direct memberships; nested groups are expanded when planning, never stored expanded
  await s.createTable('directory_memberships')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('directory_id', 'text', (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('group_external_id', 'text', (c) => c.notNull())
    .addColumn('member_type', 'text', (c) => c.notNull())
    .addColumn('member_external_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('directory_memberships_pk', ['directory_id', 'group_external_id', 'member_type', 'member_external_id'])
    .execute();

  await s.createTable('group_mappings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('directory_id', 'text', (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('source_group_id', 'text', (c) => c.notNull()) // the provider's own group id
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('role_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('group_mappings_unique').on('group_mappings').columns(['directory_id', 'source_group_id', 'organization_id', 'role_key']).unique().execute();

  // grants carry their provenance: a sync adds and removes only grants of its own source_key
  await s.createTable('role_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('role_key', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('directory_id', 'text')
    .addColumn('mapping_id', 'text') // no foreign key: a deleted mapping's grants are revoked by the next sync
    .addColumn('source_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('role_grants_unique').on('role_grants').columns(['user_id', 'organization_id', 'role_key', 'source_key']).unique().execute();
  await s.createIndex('role_grants_directory').on('role_grants').columns(['directory_id']).execute();
  await s.createIndex('role_grants_org').on('role_grants').columns(['organization_id']).execute();

  await s.createTable('sync_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('directory_id', 'text', (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('mode', 'text', (c) => c.notNull().defaultTo('full'))
    .addColumn('counts', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('progress', 'text')
    .addColumn('blocked_plan', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await s.createIndex('sync_runs_directory').on('sync_runs').columns(['directory_id', 'created_at']).execute();
  await s.createIndex('sync_runs_status').on('sync_runs').columns(['status', 'created_at']).execute();
  // invariant 4: at most one queued or running run per directory, enforced by the database itself
  await s.createIndex('sync_runs_one_active').on('sync_runs').column('directory_id').unique()
    .where(sql<boolean>`status in ('queued', 'running')`)
    .execute();

  await s.createTable('sync_events')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull().references('sync_runs.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_events_pk', ['run_id', 'seq'])
    .execute();
  await s.createIndex('sync_events_kind').on('sync_events').columns(['run_id', 'kind']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['sync_events', 'sync_runs', 'role_grants', 'group_mappings', 'directory_memberships', 'directory_groups', 'directory_users', 'users', 'directories', 'roles', 'organizations', 'api_tokens', 'tenants']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
