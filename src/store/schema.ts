/**
 * The table types Kysely checks queries against. Conventions (same on SQLite and PostgreSQL):
 * ids are text (`prefix_` + random), timestamps are ISO-8601 UTC text (they sort as strings),
 * booleans are integers 0/1, JSON is text parsed through a zod guard at the repository edge.
 * Every row carries `tenant_id` and every repository call takes the tenant explicitly.
 * The migration in migrations/ is the commented reference for each column.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface TenantTable {
  id: string;
  name: string;
  created_at: string;
}

export interface ApiTokenTable {
  id: string;
  tenant_id: string;
  name: string;
  token_hash: string;
  /** First characters of the token, to tell tokens apart in lists without revealing them. */
  token_prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface OrganizationTable {
  id: string;
  tenant_id: string;
  name: string;
  is_primary: number;
  created_at: string;
}

export interface RoleTable {
  id: string;
  tenant_id: string;
  key: string;
  name: string;
  description: string | null;
  built_in: number;
  created_at: string;
}

export interface UserTable {
  id: string;
  tenant_id: string;
  email: string | null;
  email_normalized: string | null;
  status: 'active' | 'deactivated';
  given_name: string | null;
  family_name: string | null;
  display_name: string | null;
  /** JSON object of mapped custom attributes (attributes.* targets). */
  attributes: string;
  directory_id: string | null;
  external_id: string | null;
  /** Hash of the mapped values last written by a sync, to skip unchanged users cheaply. */
  sync_hash: string | null;
  created_at: string;
  updated_at: string;
  deactivated_at: string | null;
}

export interface DirectoryTable {
  id: string;
  tenant_id: string;
  name: string;
  provider: string;
  /** AES-256-GCM envelope of the credentials JSON (see security/secret-box.ts); never returned. */
  credentials_encrypted: string;
  /** JSON settings (DirectorySettings). */
  settings: string;
  default_organization_id: string | null;
  /** Provider delta cursor (opaque), set after a complete read. */
  delta_cursor: string | null;
  last_full_sync_at: string | null;
  last_sync_at: string | null;
  next_sync_at: string | null;
  consecutive_failures: number;
  /** Hash of the settings the directory's state was last planned under (migration 004). */
  plan_fingerprint: string | null;
  /** When the whole directory was last planned and applied (migration 006); null: never, or forgotten. */
  last_whole_plan_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The mirror: each user record as the directory last held it after a complete read. */
export interface DirectoryUserTable {
  tenant_id: string;
  directory_id: string;
  external_id: string;
  raw: string;
  hash: string;
  enabled: number;
  org_unit_path: string | null;
  updated_at: string;
}

/** A provider user record a full read staged for its run's apply (migration 007). */
export interface StagedDirectoryUserTable {
  run_id: string;
  tenant_id: string;
  directory_id: string;
  external_id: string;
  raw: string;
  hash: string;
  enabled: number;
  org_unit_path: string | null;
}

export interface DirectoryGroupTable {
  id: string;
  tenant_id: string;
  directory_id: string;
  external_id: string;
  name: string;
  description: string | null;
  raw: string;
  hash: string;
  created_at: string;
  updated_at: string;
}

/** Direct memberships as the directory reports them (member may be a user or a nested group). */
export interface DirectoryMembershipTable {
  tenant_id: string;
  directory_id: string;
  group_external_id: string;
  member_type: 'user' | 'group';
  member_external_id: string;
}

export interface GroupMappingTable {
  id: string;
  tenant_id: string;
  directory_id: string;
  source_group_id: string;
  organization_id: string;
  role_key: string;
  created_at: string;
}

export interface RoleGrantTable {
  id: string;
  tenant_id: string;
  user_id: string;
  organization_id: string;
  role_key: string;
  source: 'manual' | 'default-role' | 'group-mapping';
  directory_id: string | null;
  mapping_id: string | null;
  /** `manual` | `default-role:<directoryId>` | `group-mapping:<mappingId>`: one grant per source. */
  source_key: string;
  created_at: string;
}

export interface SyncRunTable {
  id: string;
  tenant_id: string;
  directory_id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'blocked' | 'rejected';
  trigger: 'manual' | 'schedule' | 'api' | 'cli';
  dry_run: number;
  /** 'full' | 'incremental' */
  mode: string;
  /** JSON RunCounts. */
  counts: string;
  /** JSON {code, message} when failed or blocked. */
  error: string | null;
  /** JSON progress {phase, users, groups, ...} while running. */
  progress: string | null;
  /** JSON plan kept for a blocked run, so approval applies exactly what was reviewed. */
  blocked_plan: string | null;
  lease_owner: string | null;
  lease_expires_at: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface SyncEventTable {
  tenant_id: string;
  run_id: string;
  /** Order within the run. */
  seq: number;
  kind: string;
  subject: string;
  message: string;
  /** JSON details (changed fields, error hints); never secrets. */
  details: string | null;
  created_at: string;
}

/** A console admin: signs in with email + password to one tenant (migration 002). */
export interface AdminAccountTable {
  id: string;
  tenant_id: string;
  email: string;
  email_normalized: string;
  /** `scrypt$N$r$p$salt$hash`; never the password. */
  password_hash: string;
  created_at: string;
  last_sign_in_at: string | null;
}

/** A console sign-in; the cookie holds the id, the table only its SHA-256. */
export interface AdminSessionTable {
  id_hash: string;
  tenant_id: string;
  admin_id: string;
  csrf_hash: string;
  created_at: string;
  expires_at: string;
}

/** One configuration change or approval (migration 003); only ever inserted. */
export interface AuditLogTable {
  id: string;
  tenant_id: string;
  /** `token:<id>` or `admin:<id>`. */
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  /** JSON details of the change; secrets masked as "[redacted]". */
  details: string | null;
  created_at: string;
}

export interface Database {
  tenants: TenantTable;
  api_tokens: ApiTokenTable;
  organizations: OrganizationTable;
  roles: RoleTable;
  users: UserTable;
  directories: DirectoryTable;
  directory_users: DirectoryUserTable;
  staged_directory_users: StagedDirectoryUserTable;
  directory_groups: DirectoryGroupTable;
  directory_memberships: DirectoryMembershipTable;
  group_mappings: GroupMappingTable;
  role_grants: RoleGrantTable;
  sync_runs: SyncRunTable;
  sync_events: SyncEventTable;
  admin_accounts: AdminAccountTable;
  admin_sessions: AdminSessionTable;
  audit_log: AuditLogTable;
}

export type UserRow = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type DirectoryRow = Selectable<DirectoryTable>;
export type SyncRunRow = Selectable<SyncRunTable>;
export type RoleGrantRow = Selectable<RoleGrantTable>;
export type GeneratedId = Generated<string>;
