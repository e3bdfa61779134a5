/**
 * The Entra ID connector: users, groups and direct members from Microsoft Graph v1.0, and
 * incremental changes from `/users/delta` + `/groups/delta` (with `members@delta`).
 * https://learn.microsoft.com/graph/delta-query-overview
 *
 * Manager: not read. `$expand=manager` caps Graph pages at 100 (instead of 999), i.e. ~10× the user
 * requests of a full read; the default mapping therefore has no managerId.
 */
import type { z } from 'zod';
import { nullIfNotFound, ProviderError } from '../provider-error.js';
import type { ConnectorContext, DeltaChanges, DirectoryConnector, SourceGroup, SourceMember, SourceUser, ConnectionTestResult } from '../types.js';
import { createEntraClient } from './client.js';
import type { EntraClient } from './client.js';
import { entraEndpoints } from './credentials.js';
import type { EntraCredentials } from './credentials.js';
import { GRANT_HINT, REQUIRED_PERMISSIONS } from './errors.js';
import { graphPages } from './paging.js';
import { deltaGroupGuard, deltaUserGuard, directoryObjectGuard, graphGroupGuard, graphUserGuard } from './wire.js';
import type { GraphGroup, GraphUser } from './wire.js';
import { decodeDeltaCursor, encodeDeltaCursor } from './delta-cursor.js';
import { entraKnownSourcePaths } from './defaults.js';
import { checked } from '../checked.js';

/** Every user field the default mapping and the picker need; Graph omits most unless selected. */
const USER_FIELDS = entraKnownSourcePaths;
const GROUP_FIELDS = ['id', 'displayName', 'description', 'mail', 'mailNickname', 'securityEnabled', 'mailEnabled', 'groupTypes', 'createdDateTime'];
export const USER_SELECT = USER_FIELDS.join(',');
export const GROUP_SELECT = GROUP_FIELDS.join(',');
const PAGE_SIZE = 999; // Graph's maximum for users, groups and members

const MEMBER_TYPES: Record<string, SourceMember['type']> = {
  '#microsoft.graph.user': 'user',
  '#microsoft.graph.group': 'group',
};

export function toSourceUser(u: GraphUser): SourceUser {
  // accountEnabled is only present when selected; a missing value is not "enabled"
  return { externalId: u.id, enabled: u.accountEnabled === true, raw: normalized(u, USER_FIELDS) };
}

export function toSourceGroup(g: GraphGroup): SourceGroup {
  return { externalId: g.id, name: g.displayName ?? g.id, description: g.description ?? null, raw: normalized(g, GROUP_FIELDS) };
}

/**
 * The record without OData annotations, every selected field present: lists return unset fields
 * as null while delta rounds omit them, and the mirror must see the same record from both.
 */
function normalized(o: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = o[f] ?? null;
  for (const [k, v] of Object.entries(o)) if (!k.includes('@') && !(k in out)) out[k] = v;
  return out;
}

export function createEntraConnector(credentials: EntraCredentials, ctx: ConnectorContext = {}): DirectoryConnector {
  const client = createEntraClient(credentials, ctx);
  const graph = client.graphBase;
  const q = (params: Record<string, string | number>) =>
    Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&');

  return {
    capabilities: { supportsDelta: true, supportsNestedGroups: true, supportsOrgUnits: false },
    stats: client.stats,

    testConnection: () => testConnection(client, credentials),

    async *listUsers() {
      const seen = new Set<string>();
      for await (const page of graphPages(client, `${graph}/users?${q({ $select: USER_SELECT, $top: PAGE_SIZE })}`, graphUserGuard, 'users')) {
        yield dedupe(page.value, seen).map(toSourceUser);
      }
    },

    async *listGroups() {
      const seen = new Set<string>();
      for await (const page of graphPages(client, `${graph}/groups?${q({ $select: GROUP_SELECT, $top: PAGE_SIZE })}`, graphGroupGuard, 'groups')) {
        yield dedupe(page.value, seen).map(toSourceGroup);
      }
    },

    async *listGroupMembers(groupExternalId) {
      const seen = new Set<string>();
      const url = `${graph}/groups/${encodeURIComponent(groupExternalId)}/members?${q({ $select: 'id', $top: PAGE_SIZE })}`;
      for await (const page of graphPages(client, url, directoryObjectGuard, `the members of group ${groupExternalId}`)) {
        const members: SourceMember[] = [];
        for (const m of dedupe(page.value, seen)) {
          // devices, service principals and contacts are not people: skip them
          const type = MEMBER_TYPES[m['@odata.type'] ?? ''];
          if (type) members.push({ type, externalId: m.id });
        }
        yield members;
      }
    },

    async getUser(externalId) {
      const body = await nullIfNotFound(client.getJson(`${graph}/users/${encodeURIComponent(externalId)}?${q({ $select: USER_SELECT })}`));
      return body === null ? null : toSourceUser(record(graphUserGuard, body, 'user'));
    },

    async getGroup(externalId) {
      const body = await nullIfNotFound(client.getJson(`${graph}/groups/${encodeURIComponent(externalId)}?${q({ $select: GROUP_SELECT })}`));
      return body === null ? null : toSourceGroup(record(graphGroupGuard, body, 'group'));
    },

    async startDelta() {
      // "sync from now": a delta link without paging through the directory again (Entra ID
      // resources support `$deltatoken=latest`); the full read the caller just did is the baseline
      const users = await latestDeltaLink(client, `${graph}/users/delta?${q({ $select: USER_SELECT, $deltatoken: 'latest' })}`, 'users');
      const groups = await latestDeltaLink(client, `${graph}/groups/delta?${q({ $select: `${GROUP_SELECT},members`, $deltatoken: 'latest' })}`, 'groups');
      return encodeDeltaCursor({ users, groups });
    },

    async changesSince(cursor) {
      const links = decodeDeltaCursor(cursor, new URL(graph).origin);
      const users = await userChanges(client, links.users);
      const groups = await groupChanges(client, links.groups);
      return { users: users.changes, groups: groups.groups, memberships: groups.memberships, cursor: encodeDeltaCursor({ users: users.deltaLink, groups: groups.deltaLink }) };
    },
  };

  async function testConnection(c: EntraClient, creds: EntraCredentials): Promise<ConnectionTestResult> {
    const target = `tenant ${creds.tenantId} (${new URL(entraEndpoints(creds).graph).host})`;
    try {
      const roles = await c.grantedRoles();
      if (roles && !roles.includes('Directory.Read.All')) {
        const missing = REQUIRED_PERMISSIONS.filter((p) => !roles.includes(p) && !(p === 'GroupMember.Read.All' && roles.includes('Group.Read.All')));
        if (missing.length > 0)
          return {
            ok: false,
            code: 'permission_denied',
            message: `Signed in to ${target}, but the app lacks ${missing.join(', ')}. ${GRANT_HINT}`,
            details: { missingPermissions: missing, grantedPermissions: roles },
          };
      }
      await c.getJson(`${graph}/users?${q({ $select: 'id', $top: 1 })}`);
      await c.getJson(`${graph}/groups?${q({ $select: 'id', $top: 1 })}`);
      return { ok: true, message: `Connected to ${target}: users and groups are readable.`, details: roles ? { grantedPermissions: roles } : {} };
    } catch (e) {
      if (e instanceof ProviderError) return { ok: false, code: e.code, message: e.message, details: { ...e.details } };
      return { ok: false, code: 'transient', message: `The connection test failed unexpectedly: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
}

function dedupe<T extends { id: string }>(items: T[], seen: Set<string>): T[] {
  // a replayed page or repeated records must not reach the mirror twice
  return items.filter((i) => (seen.has(i.id) ? false : (seen.add(i.id), true)));
}

async function latestDeltaLink(client: EntraClient, url: string, what: string): Promise<string> {
  for await (const page of graphPages(client, url, directoryObjectGuard, `${what} (delta)`)) if (page.deltaLink) return page.deltaLink;
  throw new ProviderError('invalid_response', `Microsoft Graph ended the ${what} delta round without a delta link.`);
}

/** Follows a delta round to its final delta link; a failure anywhere throws (nothing partial). */
async function userChanges(client: EntraClient, deltaLink: string) {
  const byId = new Map<string, DeltaChanges['users'][number]>();
  let next: string | undefined;
  for await (const page of graphPages(client, deltaLink, deltaUserGuard, 'user changes')) {
    for (const u of page.value) {
      // reason "deleted" = gone for good; "changed" = soft-deleted (restorable for 30 days from
      // Deleted items): both mean the user left the directory now; a restore arrives as a change
      if (u['@removed']) byId.set(u.id, { removed: true, user: { externalId: u.id } });
      else byId.set(u.id, { removed: false, user: toSourceUser(u) });
    }
    next = page.deltaLink;
    if (!page.nextLink && !page.deltaLink) throw new ProviderError('invalid_response', 'Microsoft Graph ended the user delta round without a delta link; the changes were not applied.');
  }
  if (!next) throw new ProviderError('invalid_response', 'Microsoft Graph ended the user delta round without a delta link.');
  return { changes: [...byId.values()], deltaLink: next };
}

async function groupChanges(client: EntraClient, deltaLink: string) {
  const byId = new Map<string, DeltaChanges['groups'][number]>();
  // the same group repeats across pages, each with a slice of members@delta: merge, last word wins
  const memberships = new Map<string, DeltaChanges['memberships'][number]>();
  let next: string | undefined;
  for await (const page of graphPages(client, deltaLink, deltaGroupGuard, 'group changes')) {
    for (const g of page.value) {
      if (g['@removed']) {
        byId.set(g.id, { removed: true, group: { externalId: g.id } });
        continue;
      }
      const prev = byId.get(g.id);
      // a slice that only carries members@delta may omit the properties: keep what an earlier slice had
      if (!prev || prev.removed || g.displayName !== undefined) byId.set(g.id, { removed: false, group: toSourceGroup(g) });
      for (const m of g['members@delta'] ?? []) {
        const type = MEMBER_TYPES[m['@odata.type'] ?? ''];
        if (!type) continue;
        memberships.set(`${g.id}\u0000${m.id}`, { groupExternalId: g.id, member: { type, externalId: m.id }, removed: m['@removed'] != null });
      }
    }
    next = page.deltaLink;
    if (!page.nextLink && !page.deltaLink) throw new ProviderError('invalid_response', 'Microsoft Graph ended the group delta round without a delta link; the changes were not applied.');
  }
  if (!next) throw new ProviderError('invalid_response', 'Microsoft Graph ended the group delta round without a delta link.');
  return { groups: [...byId.values()], memberships: [...memberships.values()], deltaLink: next };
}

function record<S extends z.ZodType>(guard: S, body: unknown, what: string): z.infer<S> {
  const r = checked(guard, body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new ProviderError('invalid_response', `Microsoft Graph sent a ${what} that does not match its API (${issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'unexpected shape'}).`);
}
