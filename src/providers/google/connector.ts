/**
 * Google Workspace Directory API v1 connector: users, groups, members and org units in Google's own
 * page sizes (500 users, 200 groups, 200 members per page), following `nextPageToken`.
 */
import { nullIfNotFound, ProviderError } from '../provider-error.js';
import type {
  ConnectionTestResult,
  ConnectorCapabilities,
  ConnectorContext,
  DirectoryConnector,
  SourceGroup,
  SourceMember,
  SourceOrgUnit,
  SourceUser,
} from '../types.js';
import { createGoogleClient, type GoogleClient } from './client.js';
import type { GoogleCredentials } from './credentials.js';
import { googleGroupGuard, googleUserGuard, groupsPageGuard, membersPageGuard, orgUnitsGuard, usersPageGuard, type GoogleGroup, type GoogleMember, type GoogleUser } from './wire.js';
import type { z } from 'zod';
import { checked } from '../checked.js';

export const googleCapabilities: ConnectorCapabilities = {
  // Google has no delta token: users.watch / members.watch push to a public HTTPS webhook, which a
  // pull connector behind a firewall cannot receive, and the audit log lags by minutes to hours.
  // So every run is a full enumeration, diffed against the mirror.
  supportsDelta: false,
  supportsNestedGroups: true,
  supportsOrgUnits: true,
};

export const USERS_PAGE_SIZE = 500;
export const GROUPS_PAGE_SIZE = 200;
export const MEMBERS_PAGE_SIZE = 200;

export function createGoogleConnector(credentials: GoogleCredentials, ctx: ConnectorContext = {}): DirectoryConnector {
  const client = createGoogleClient(credentials, ctx);
  const customer = client.customer;

  return {
    capabilities: googleCapabilities,
    get stats() {
      return client.stats;
    },

    async testConnection(): Promise<ConnectionTestResult> {
      try {
        await client.accessToken();
        const users = parse(usersPageGuard, await client.get('/users', { customer, maxResults: 1, showDeleted: 'false' }), 'users');
        const groups = parse(groupsPageGuard, await client.get('/groups', { customer, maxResults: 1 }), 'groups');
        // Google reports no totals; say what was proven instead of a count.
        const seen = users.users?.length ? 'users' : 'no users yet';
        return {
          ok: true,
          message: `Connected to Google Workspace as ${credentials.adminEmail}: ${seen} and ${groups.groups?.length ? 'groups' : 'no groups yet'} visible.`,
          details: { customer, adminEmail: credentials.adminEmail, serviceAccount: credentials.serviceAccountKey.client_email },
        };
      } catch (e) {
        if (e instanceof ProviderError) return { ok: false, message: e.message, code: e.code, details: { ...e.details } };
        return { ok: false, message: `The connection test failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`, code: 'transient' };
      }
    },

    async *listUsers() {
      // projection=full also returns customSchemas, which admins can map (customSchemas.HR.costCenter).
      const params = { customer, maxResults: USERS_PAGE_SIZE, projection: 'full', showDeleted: 'false' };
      const seen = new Set<string>();
      for await (const body of pages(client, '/users', params)) {
        const page = parse(usersPageGuard, body, 'users').users ?? [];
        yield fresh(page, seen).map(toSourceUser);
      }
    },

    async *listGroups() {
      const seen = new Set<string>();
      for await (const body of pages(client, '/groups', { customer, maxResults: GROUPS_PAGE_SIZE })) {
        const page = parse(groupsPageGuard, body, 'groups').groups ?? [];
        yield fresh(page, seen).map(toSourceGroup);
      }
    },

    async *listGroupMembers(groupExternalId: string) {
      const path = `/groups/${encodeURIComponent(groupExternalId)}/members`;
      // one set per member type, keyed by the id itself (no composite key string per member)
      const seen = { user: new Set<string>(), group: new Set<string>() };
      for await (const body of pages(client, path, { maxResults: MEMBERS_PAGE_SIZE })) {
        const page = parse(membersPageGuard, body, 'members').members ?? [];
        const members: SourceMember[] = [];
        for (const m of page) {
          const member = toSourceMember(m);
          if (!member || seen[member.type].has(member.externalId)) continue;
          seen[member.type].add(member.externalId);
          members.push(member);
        }
        yield members;
      }
    },

    async getUser(externalId) {
      const body = await nullIfNotFound(client.get(`/users/${encodeURIComponent(externalId)}`, { projection: 'full' }));
      return body === null ? null : toSourceUser(parse(googleUserGuard, body, 'user'));
    },

    async getGroup(externalId) {
      const body = await nullIfNotFound(client.get(`/groups/${encodeURIComponent(externalId)}`));
      return body === null ? null : toSourceGroup(parse(googleGroupGuard, body, 'group'));
    },

    async listOrgUnits(): Promise<SourceOrgUnit[]> {
      // not paginated: type=all returns the whole tree below the root, without the root itself
      const body = parse(orgUnitsGuard, await client.get(`/customer/${encodeURIComponent(customer)}/orgunits`, { type: 'all' }), 'orgunits');
      const units: SourceOrgUnit[] = (body.organizationUnits ?? []).map((u) => ({
        path: u.orgUnitPath,
        name: u.name,
        parentPath: u.parentOrgUnitPath ?? parentOf(u.orgUnitPath),
      }));
      // Users can sit in the root ('/'); the picker needs it to offer "everyone", and the top-level
      // units name it as their parent.
      if (!units.some((u) => u.path === '/')) units.unshift({ path: '/', name: '/', parentPath: null });
      return units;
    },
  };
}

function toSourceUser(u: GoogleUser): SourceUser {
  // archived users (Archived User licence) are not suspended, but cannot sign in either
  return { externalId: u.id, enabled: !u.suspended && !u.archived, orgUnitPath: u.orgUnitPath ?? null, raw: u };
}

function toSourceGroup(g: GoogleGroup): SourceGroup {
  return { externalId: g.id, name: g.name ?? g.email, description: g.description ?? null, raw: g };
}

/**
 * USER and GROUP members are reported as such (GROUP = a nested group; the sync expands it).
 * CUSTOMER ("everyone in the domain") is skipped: SourceMember has no "all users" member, and
 * expanding it would repeat the whole user list per group; the directory's default role is how an
 * admin grants something to everyone. EXTERNAL members (outside the domain) are reported by id when
 * Google knows their account, and skipped without one: they never appear in users.list, so the sync
 * finds no user for them either way.
 */
function toSourceMember(m: GoogleMember): SourceMember | null {
  if (!m.id) return null;
  if (m.type === 'USER' || m.type === 'EXTERNAL') return { type: 'user', externalId: m.id };
  if (m.type === 'GROUP') return { type: 'group', externalId: m.id };
  return null;
}

const parentOf = (path: string): string | null => {
  if (path === '/') return null;
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
};

/** Drops records already yielded in this listing (a page served twice must not double a user). */
function fresh<T extends { id: string }>(records: T[], seen: Set<string>): T[] {
  const out: T[] = [];
  for (const r of records) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    out.push(r);
  }
  return out;
}

function parse<S extends z.ZodType>(guard: S, body: unknown, what: string): z.infer<S> {
  const r = checked(guard, body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'unexpected shape';
  throw new ProviderError('invalid_response', `Google sent a ${what}${what === 'user' || what === 'group' ? ' record' : ' page'} that does not match the Directory API (${where}).`);
}

/**
 * The bodies of one listing, following `nextPageToken` with otherwise identical parameters. A token
 * repeated right away is tolerated once (a page served twice); a token seen earlier means the
 * cursor loops, and the read fails instead of running forever.
 */
async function* pages(client: GoogleClient, path: string, params: Record<string, string | number>): AsyncGenerator<unknown> {
  const requested = new Set<string>();
  let token: string | undefined;
  let repeats = 0;
  for (;;) {
    const body = await client.get(path, { ...params, pageToken: token });
    yield body;
    const next = nextTokenOf(body);
    if (!next) return;
    if (next === token && repeats === 0) {
      repeats++;
    } else if (requested.has(next)) {
      throw new ProviderError('invalid_response', `Google's page token for ${path} led back to a page already read; the listing was stopped to avoid a loop.`);
    }
    if (token) requested.add(token);
    token = next;
  }
}

function nextTokenOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('nextPageToken' in body)) return undefined;
  const t = body.nextPageToken;
  return typeof t === 'string' && t !== '' ? t : undefined;
}
