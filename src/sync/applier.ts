/**
 * The applier: the only code that writes synced users, groups, memberships and grants. It writes a
 * whole plan and its log in ONE transaction, so a run is applied entirely or not at all — a crash,
 * a lost database connection or a constraint failure leaves the state as it was before the run
 * (decisions.md: "atomic runs"). New rows go in through Store.insertRows (COPY on PostgreSQL, one
 * reused prepared statement on SQLite); updates and deletes in multi-row statements, and on
 * PostgreSQL membership removes join against one array per column through unnest().
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/database.js';
import { rowsOf, type Cell } from '../store/bulk-insert.js';
import { newId } from '../lib/ids.js';
import { grantSourceKey } from '../domain/roles.js';
import type { Plan, MappedValues, MemberListChange } from './plan.js';
import type { RunLog } from './plan-events.js';
import { copyStagedUsers } from './staged-users.js';

export interface ApplyContext {
  tenantId: string;
  directoryId: string;
  runId: string;
  now: string;
  /** Called inside the transaction after the plan is written: the run's own record goes in the same commit. */
  finalize: (tx: Transaction<Database>, rowsWritten: number) => Promise<void>;
}

const CHUNK = 500;
/** Rows per statement when they bind as arrays (one parameter per column, whatever the count). */
const ARRAY_CHUNK = 20_000;

function* chunks<T>(items: T[], size = CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** One row per member id of the given lists (added or removed), made as they are sent. */
function* memberRows(lists: readonly MemberListChange[], ids: (m: MemberListChange) => readonly string[], row: (m: MemberListChange, id: string) => readonly Cell[]): Generator<readonly Cell[]> {
  for (const m of lists) for (const id of ids(m)) yield row(m, id);
}

/** Lets the event loop breathe between chunks (API requests keep being served during a big apply). */
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

/** What the applier needs of the store: its connection, bulk inserts, and whether arrays bind as one parameter. */
export type ApplyStore = Pick<Store, 'db' | 'insertRows' | 'supportsArrayParameters'>;

const userColumns = (v: MappedValues) => ({
  email: v.email, email_normalized: v.emailNormalized, given_name: v.givenName, family_name: v.familyName,
  display_name: v.displayName, attributes: JSON.stringify(v.attributes),
});

/** Writes `plan` (and `log`) in one transaction. The plan is spent: its mirror records are dropped once written. */
export async function applyPlan(store: ApplyStore, plan: Plan, log: RunLog, ctx: ApplyContext): Promise<number> {
  const { tenantId, directoryId, now } = ctx;
  const { insertRows } = store;
  return store.db.transaction().execute(async (tx) => {
    let rows = 0;

    // the mirror: records a whole read staged are copied in from the stage (sync/staged-users.ts);
    // the rest are written from the plan, into an empty mirror (a first sync) as plain inserts
    const held = plan.mirror.upserts.filter((u) => u.raw !== null);
    const staged = plan.mirror.upserts.length - held.length;
    if (staged) rows += await copyStagedUsers(tx, ctx, staged, now);
    const mirrorEmpty = !staged && !(await tx.selectFrom('directory_users').select('external_id').where('directory_id', '=', directoryId).limit(1).executeTakeFirst());
    if (mirrorEmpty) {
      rows += await insertRows(tx, 'directory_users', ['tenant_id', 'directory_id', 'external_id', 'raw', 'hash', 'enabled', 'org_unit_path', 'updated_at'],
        () => rowsOf(held, (u) => [tenantId, directoryId, u.externalId, JSON.stringify(u.raw), u.hash, u.enabled ? 1 : 0, u.orgUnitPath, now]));
    } else for (const batch of chunks(held)) {
      await tx.insertInto('directory_users').values(batch.map((u) => ({
        tenant_id: tenantId, directory_id: directoryId, external_id: u.externalId, raw: JSON.stringify(u.raw), hash: u.hash,
        enabled: u.enabled ? 1 : 0, org_unit_path: u.orgUnitPath, updated_at: now,
      }))).onConflict((oc) => oc.columns(['directory_id', 'external_id']).doUpdateSet((eb) => ({
        raw: eb.ref('excluded.raw'), hash: eb.ref('excluded.hash'), enabled: eb.ref('excluded.enabled'),
        org_unit_path: eb.ref('excluded.org_unit_path'), updated_at: eb.ref('excluded.updated_at'),
      }))).execute();
      rows += batch.length;
      await yieldToLoop();
    }
    for (const batch of chunks(plan.mirror.deletes)) {
      await tx.deleteFrom('directory_users').where('directory_id', '=', directoryId).where('external_id', 'in', batch).execute();
      rows += batch.length;
    }
    // the written records are let go: provider records held in the plan (a delta round's, or any
    // not staged) need not stay live through the rest of the apply (nothing reads them after this)
    plan.mirror.upserts = [];

    // groups
    const creates = plan.groups.filter((g) => g.kind === 'create');
    rows += await insertRows(tx, 'directory_groups', ['id', 'tenant_id', 'directory_id', 'external_id', 'name', 'description', 'raw', 'hash', 'created_at', 'updated_at'],
      () => rowsOf(creates, (g) => [newId('grp'), tenantId, directoryId, g.externalId, g.name, g.description, JSON.stringify(g.raw), g.hash, now, now]));
    for (const g of plan.groups) {
      if (g.kind === 'update') {
        await tx.updateTable('directory_groups').set({ name: g.name, description: g.description, raw: JSON.stringify(g.raw), hash: g.hash, updated_at: now })
          .where('id', '=', g.groupId).execute();
        rows++;
      } else if (g.kind === 'delete') {
        await tx.deleteFrom('directory_groups').where('id', '=', g.groupId).execute();
        rows++;
      }
    }

    // memberships (direct, as read): the bulk of a first sync (1.1M rows at 100k users)
    rows += await insertRows(tx, 'directory_memberships', ['tenant_id', 'directory_id', 'group_external_id', 'member_type', 'member_external_id'],
      () => memberRows(plan.memberships, (m) => m.added, (m, id) => [tenantId, directoryId, m.groupExternalId, m.memberType, id]), { ignoreConflicts: true });
    // removes: PostgreSQL joins against the pairs bound as arrays (one statement per 20k); SQLite
    // one statement per group and member type (chunked), not one per membership
    const removed = plan.memberships.filter((m) => m.removed.length);
    if (store.supportsArrayParameters) {
      const pairs = [...memberRows(removed, (m) => m.removed, (m, id) => [m.groupExternalId, m.memberType, id])];
      for (const batch of chunks(pairs, ARRAY_CHUNK)) {
        await sql`delete from directory_memberships m
          using unnest(${batch.map((p) => p[0])}::text[], ${batch.map((p) => p[1])}::text[], ${batch.map((p) => p[2])}::text[]) as x(g, t, id)
          where m.directory_id = ${directoryId} and m.group_external_id = x.g and m.member_type = x.t and m.member_external_id = x.id`.execute(tx);
        rows += batch.length;
        await yieldToLoop();
      }
    } else {
      for (const m of removed) {
        for (const batch of chunks(m.removed)) {
          await tx.deleteFrom('directory_memberships').where('directory_id', '=', directoryId).where('group_external_id', '=', m.groupExternalId)
            .where('member_type', '=', m.memberType).where('member_external_id', 'in', batch).execute();
          rows += batch.length;
        }
        await yieldToLoop();
      }
    }

    // users
    const idOfExternal = new Map<string, string>();
    const newUsers = plan.users.flatMap((u) => (u.kind === 'create' ? [u] : []));
    for (const u of newUsers) idOfExternal.set(u.externalId, newId('usr'));
    rows += await insertRows(tx, 'users', ['id', 'tenant_id', 'email', 'email_normalized', 'given_name', 'family_name', 'display_name', 'attributes', 'status', 'directory_id', 'external_id', 'sync_hash', 'created_at', 'updated_at', 'deactivated_at'],
      () => rowsOf(newUsers, (u) => {
        const v = userColumns(u.values);
        return [idOfExternal.get(u.externalId)!, tenantId, v.email, v.email_normalized, v.given_name, v.family_name, v.display_name, v.attributes,
          u.active ? 'active' : 'deactivated', directoryId, u.externalId, null, now, now, u.active ? null : now];
      }));
    let sinceYield = 0;
    for (const u of plan.users) {
      if (u.kind === 'create') continue;
      idOfExternal.set(u.externalId, u.userId);
      if (u.kind === 'deactivate') {
        await tx.updateTable('users').set({ ...(u.values ? userColumns(u.values) : {}), status: 'deactivated', deactivated_at: now, updated_at: now }).where('id', '=', u.userId).execute();
      } else if (u.kind === 'reactivate') {
        await tx.updateTable('users').set({ ...userColumns(u.values), status: 'active', deactivated_at: null, updated_at: now }).where('id', '=', u.userId).execute();
      } else if (u.kind === 'link') {
        await tx.updateTable('users').set({
          ...userColumns(u.values), directory_id: directoryId, external_id: u.externalId, updated_at: now,
          ...(u.active ? { status: 'active' as const, deactivated_at: null } : { status: 'deactivated' as const, deactivated_at: now }),
        }).where('id', '=', u.userId).execute();
      } else {
        await tx.updateTable('users').set({ ...userColumns(u.values), updated_at: now }).where('id', '=', u.userId).execute();
      }
      rows++;
      if (++sinceYield % CHUNK === 0) await yieldToLoop();
    }

    // grants: revokes first, so a grant moving between sources never collides
    const revokes = plan.grants.flatMap((g) => (g.kind === 'revoke' ? [g.grantId] : []));
    for (const batch of chunks(revokes)) {
      await tx.deleteFrom('role_grants').where('id', 'in', batch).execute();
      rows += batch.length;
    }
    const grantAdds = plan.grants.flatMap((g) => (g.kind === 'add' ? [g] : []));
    if (grantAdds.some((g) => !idOfExternal.has(g.userExternalId))) {
      const owned = await tx.selectFrom('users').select(['id', 'external_id']).where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).execute();
      for (const o of owned) if (o.external_id && !idOfExternal.has(o.external_id)) idOfExternal.set(o.external_id, o.id);
    }
    const grantRows = grantAdds.flatMap((g) => {
      const userId = idOfExternal.get(g.userExternalId);
      return userId ? [{ g, userId }] : [];
    });
    rows += await insertRows(tx, 'role_grants', ['id', 'tenant_id', 'user_id', 'organization_id', 'role_key', 'source', 'directory_id', 'mapping_id', 'source_key', 'created_at'],
      () => rowsOf(grantRows, ({ g, userId }) => [newId('grt'), tenantId, userId, g.organizationId, g.roleKey, g.source, directoryId, g.mappingId,
        grantSourceKey(g.source, { directoryId, mappingId: g.mappingId }), now]), { ignoreConflicts: true });

    await writeLog(store, tx, tenantId, ctx.runId, log, now);
    await ctx.finalize(tx, rows);
    return rows;
  });
}

/** Writes log entries (numbered from `firstSeq`) in `conn`'s transaction, or in one of its own. Returns the next number. */
export async function writeLog(store: ApplyStore, conn: Kysely<Database>, tenantId: string, runId: string, log: RunLog, now: string, firstSeq = 1): Promise<number> {
  const write = (tx: Kysely<Database>) => store.insertRows(tx, 'sync_events', ['tenant_id', 'run_id', 'seq', 'kind', 'subject', 'message', 'details', 'created_at'],
    () => rowsOf(log, (e, i) => [tenantId, runId, firstSeq + i, e.kind, e.subject, e.message, e.details ? JSON.stringify(e.details) : null, now]));
  const written = await (conn.isTransaction ? write(conn) : conn.transaction().execute(write));
  return firstSeq + written;
}
