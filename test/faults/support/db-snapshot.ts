/**
 * Whole-database snapshots for the fault suite, on SQLite and PostgreSQL alike (plain Kysely
 * selects on the store's own connection, no dialect branches).
 *
 * - `snapshotDatabase`: every row of every AccessIQ table, ids included, minus the run history
 *   (sync_runs, sync_events), sessions, and the few columns that legitimately move on a failed or
 *   blocked run (a directory's last_sync_at / consecutive_failures / next_sync_at, a token's
 *   last_used_at). "Failed or blocked ⇒ state unchanged" is checked as deep equality of two of these.
 * - `naturalState`: one directory's synced state keyed by the provider's ids instead of generated
 *   ones, so two tenants (or two services) that synced the same source can be compared.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/store/schema.js';

type Row = Record<string, unknown>;
export type DatabaseSnapshot = Record<string, Row[]>;

/** Tables holding run history or sessions: they record the run, they are not the synced state. */
const HISTORY_TABLES = new Set(['sync_runs', 'sync_events', 'admin_sessions']);
/** Columns that move on every run, whatever its outcome. */
const VOLATILE: Record<string, readonly string[]> = {
  directories: ['last_sync_at', 'consecutive_failures', 'next_sync_at'],
  api_tokens: ['last_used_at'],
};

/** Values as the engines return them differ (pg bigint strings, Date); make them comparable. */
function normalize(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  return v;
}

const sortRows = (rows: Row[]) => rows.map((r) => [JSON.stringify(r), r] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, r]) => r);

export async function snapshotDatabase(db: Kysely<Database>): Promise<DatabaseSnapshot> {
  const tables = (await db.introspection.getTables()).map((t) => t.name).filter((n) => !n.startsWith('kysely_') && !HISTORY_TABLES.has(n)).sort();
  const out: DatabaseSnapshot = {};
  for (const table of tables) {
    const drop = VOLATILE[table] ?? [];
    // the table list comes from the database itself, hence the untyped select
    const rows = (await (db as unknown as Kysely<Record<string, Row>>).selectFrom(table).selectAll().execute()) as Row[];
    out[table] = sortRows(rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !drop.includes(k)).map(([k, v]) => [k, normalize(v)]))));
  }
  return out;
}

/** Table → count of rows that differ (added or removed), for a readable failure message. */
export function diffSummary(a: DatabaseSnapshot, b: DatabaseSnapshot): Record<string, { onlyBefore: number; onlyAfter: number; example?: string }> {
  const out: Record<string, { onlyBefore: number; onlyAfter: number; example?: string }> = {};
  for (const table of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const before = new Set((a[table] ?? []).map((r) => JSON.stringify(r)));
    const after = new Set((b[table] ?? []).map((r) => JSON.stringify(r)));
    const onlyBefore = [...before].filter((r) => !after.has(r));
    const onlyAfter = [...after].filter((r) => !before.has(r));
    if (onlyBefore.length || onlyAfter.length) out[table] = { onlyBefore: onlyBefore.length, onlyAfter: onlyAfter.length, example: (onlyAfter[0] ?? onlyBefore[0])?.slice(0, 300) };
  }
  return out;
}

export interface NaturalState {
  users: string[];
  mirror: string[];
  groups: string[];
  memberships: string[];
  grants: string[];
}

/**
 * One directory's users, mirror, groups, memberships and sync-made grants, as sorted lines keyed by
 * external ids, organization names (the primary organization as "(primary)") and the mapped
 * group's external id. Timestamps are left out; whether a user is deactivated is kept.
 */
export async function naturalState(db: Kysely<Database>, tenantId: string, directoryId: string): Promise<NaturalState> {
  const users = await db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).execute();
  const ext = new Map(users.map((u) => [u.id, u.external_id]));
  const mirror = await db.selectFrom('directory_users').selectAll().where('directory_id', '=', directoryId).execute();
  const groups = await db.selectFrom('directory_groups').selectAll().where('directory_id', '=', directoryId).execute();
  const memberships = await db.selectFrom('directory_memberships').selectAll().where('directory_id', '=', directoryId).execute();
  const orgs = await db.selectFrom('organizations').selectAll().where('tenant_id', '=', tenantId).execute();
  const orgName = new Map(orgs.map((o) => [o.id, o.is_primary ? '(primary)' : o.name]));
  const mappings = await db.selectFrom('group_mappings').selectAll().where('directory_id', '=', directoryId).execute();
  const mappedGroup = new Map(mappings.map((m) => [m.id, m.source_group_id]));
  const grants = await db.selectFrom('role_grants').selectAll().where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).execute();
  const line = (...parts: unknown[]) => JSON.stringify(parts);
  return {
    users: users.map((u) => line(u.external_id, u.email, u.email_normalized, u.status, u.given_name, u.family_name, u.display_name, u.attributes, u.deactivated_at !== null)).sort(),
    mirror: mirror.map((m) => line(m.external_id, m.hash, m.enabled, m.org_unit_path)).sort(),
    groups: groups.map((g) => line(g.external_id, g.name, g.description, g.hash)).sort(),
    memberships: memberships.map((m) => line(m.group_external_id, m.member_type, m.member_external_id)).sort(),
    grants: grants.map((g) => line(ext.get(g.user_id) ?? `unlinked:${g.user_id}`, orgName.get(g.organization_id), g.role_key, g.source, g.mapping_id ? mappedGroup.get(g.mapping_id) : null)).sort(),
  };
}

/** Lines present in one state but not the other, per part (empty object: equal). */
export function naturalDiff(a: NaturalState, b: NaturalState): Record<string, { onlyA: string[]; onlyB: string[] }> {
  const out: Record<string, { onlyA: string[]; onlyB: string[] }> = {};
  for (const k of Object.keys(a) as Array<keyof NaturalState>) {
    const sa = new Set(a[k]);
    const sb = new Set(b[k]);
    const onlyA = a[k].filter((x) => !sb.has(x));
    const onlyB = b[k].filter((x) => !sa.has(x));
    if (onlyA.length || onlyB.length) out[k] = { onlyA: onlyA.slice(0, 5), onlyB: onlyB.slice(0, 5) };
  }
  return out;
}
