/**
 * The Okta DirectoryConnector: full reads of users (including DEPROVISIONED), groups and direct
 * group members, page by page.
 * No delta: Okta has no delta token. Incremental reads from `filter=lastUpdated gt …` plus the
 * System Log (`/api/v1/logs`, membership events) are future work, hence supportsDelta false.
 * Okta groups are flat and Okta has no organizational units.
 */
import { isProviderError, nullIfNotFound } from '../provider-error.js';
import type { ConnectionTestResult, ConnectorCapabilities, ConnectorContext, DirectoryConnector, SourceGroup, SourceUser } from '../types.js';
import { createOktaClient } from './client.js';
import { isServiceApp, type OktaCredentials } from './credentials.js';
import { oktaGroupGuard, oktaMemberGuard, oktaUserGuard, type OktaGroup, type OktaUser } from './wire.js';

export const OKTA_CAPABILITIES: ConnectorCapabilities = { supportsDelta: false, supportsNestedGroups: false, supportsOrgUnits: false };

/** Okta's largest page for users and group members; groups allow more but 200 keeps pages even. */
export const OKTA_PAGE_SIZE = 200;

/**
 * The plain user list omits DEPROVISIONED users, and the sync must see them to deactivate them.
 * Any `filter` lifts that. A `lastUpdated` bound every user satisfies is used rather than a list of
 * `status eq` terms: a status Okta adds later (or the transient ACTIVATING) would be silently
 * missing from such a list, and a missing user looks removed. `filter` (not `search`) because
 * search is eventually consistent. Reference: Okta "List users" — filter supports lastUpdated gt.
 */
export const ALL_USERS_FILTER = 'lastUpdated gt "1970-01-01T00:00:00.000Z"';

/**
 * Enabled = can sign in. STAGED and PROVISIONED users have not activated their account yet (no
 * password), so they count as disabled, as do SUSPENDED and DEPROVISIONED (okta.md policy).
 */
const ENABLED_STATUSES = new Set(['ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT']);

export const isEnabledStatus = (status: string) => ENABLED_STATUSES.has(status);

export function toSourceUser(u: OktaUser): SourceUser {
  return { externalId: u.id, enabled: isEnabledStatus(u.status), raw: u };
}

/** `raw.type` (OKTA_GROUP | APP_GROUP | BUILT_IN) lets the console label "Everyone" and AD groups;
 * the BUILT_IN group is listed, not hidden, because an admin may deliberately scope to it. */
export function toSourceGroup(g: OktaGroup): SourceGroup {
  return { externalId: g.id, name: g.profile.name, description: g.profile.description ?? null, raw: g };
}

export function createOktaConnector(creds: OktaCredentials, ctx: ConnectorContext = {}): DirectoryConnector {
  const client = createOktaClient(creds, ctx);
  const api = `${client.orgUrl}/api/v1`;
  const usersUrl = (limit: number) => `${api}/users?limit=${limit}&filter=${encodeURIComponent(ALL_USERS_FILTER)}`;
  const groupsUrl = (limit: number) => `${api}/groups?limit=${limit}`;

  return {
    capabilities: OKTA_CAPABILITIES,
    stats: client.stats,

    async testConnection(): Promise<ConnectionTestResult> {
      const host = new URL(client.orgUrl).host;
      const how = isServiceApp(creds) ? `the service app ${creds.clientId}` : 'an API token';
      try {
        await client.authenticate();
        await client.firstPage(usersUrl(1), oktaUserGuard, 'users');
        await client.firstPage(groupsUrl(1), oktaGroupGuard, 'groups');
        const scope = client.grantedScope();
        return {
          ok: true,
          message: `Connected to ${host} with ${how}: users and groups are readable.`,
          details: { host, authMethod: client.authKind, ...(scope ? { grantedScope: scope } : {}) },
        };
      } catch (e) {
        if (isProviderError(e)) return { ok: false, code: e.code, message: e.message, details: { host, ...e.details } };
        return { ok: false, code: 'transient', message: `Testing the connection to ${host} failed unexpectedly: ${e instanceof Error ? e.message : String(e)}` };
      }
    },

    async *listUsers() {
      for await (const page of client.pages(usersUrl(OKTA_PAGE_SIZE), oktaUserGuard, 'users')) yield page.map(toSourceUser);
    },

    async *listGroups() {
      for await (const page of client.pages(groupsUrl(OKTA_PAGE_SIZE), oktaGroupGuard, 'groups')) yield page.map(toSourceGroup);
    },

    async *listGroupMembers(groupExternalId: string) {
      const url = `${api}/groups/${encodeURIComponent(groupExternalId)}/users?limit=${OKTA_PAGE_SIZE}`;
      for await (const page of client.pages(url, oktaMemberGuard, `members of group ${groupExternalId}`))
        yield page.map((m) => ({ type: 'user' as const, externalId: m.id }));
    },

    async getUser(externalId: string) {
      const u = await nullIfNotFound(client.record(`${api}/users/${encodeURIComponent(externalId)}`, oktaUserGuard, `user ${externalId}`));
      return u && toSourceUser(u);
    },

    async getGroup(externalId: string) {
      const g = await nullIfNotFound(client.record(`${api}/groups/${encodeURIComponent(externalId)}`, oktaGroupGuard, `group ${externalId}`));
      return g && toSourceGroup(g);
    },
  };
}
