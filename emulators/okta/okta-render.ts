/**
 * Renders neutral people and groups in Okta's wire format (management-minimal.yaml `User`, `Group`).
 * Collection responses carry only `_links.self`; single-user GETs carry the full link set.
 */
import type { PersonState } from '../shared/company.js';
import type { DirectoryState, GroupRecord, PersonRecord } from '../shared/directory-state.js';
import type { OktaIds } from './okta-ids.js';

export type OktaUserStatus = 'STAGED' | 'PROVISIONED' | 'ACTIVE' | 'RECOVERY' | 'PASSWORD_EXPIRED' | 'LOCKED_OUT' | 'SUSPENDED' | 'DEPROVISIONED';

export const OKTA_STATUS: Record<PersonState, OktaUserStatus> = {
  active: 'ACTIVE',
  staged: 'STAGED',
  provisioned: 'PROVISIONED',
  recovery: 'RECOVERY',
  password_expired: 'PASSWORD_EXPIRED',
  locked_out: 'LOCKED_OUT',
  suspended: 'SUSPENDED',
  deprovisioned: 'DEPROVISIONED',
};

const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const neverActivated = (s: PersonState) => s === 'staged' || s === 'provisioned';

export interface OktaRenderer {
  readonly ids: OktaIds;
  /** Timestamp and top-level attributes as Okta exposes them (used by filters too). */
  activated(p: PersonRecord): string | null;
  statusChanged(p: PersonRecord): string | null;
  profile(p: PersonRecord): Record<string, string | null>;
  user(p: PersonRecord, origin: string, options?: { full?: boolean; omitCredentials?: boolean }): Record<string, unknown>;
  /** `JSON.stringify(user(p, origin, {omitCredentials}))`, built directly: the hot path of every listing. */
  userJson(p: PersonRecord, origin: string, omitCredentials?: boolean): string;
  group(g: GroupRecord, origin: string, options?: { stats?: boolean }): Record<string, unknown>;
  everyone(origin: string, options?: { stats?: boolean }): Record<string, unknown>;
}

export function createOktaRenderer(state: DirectoryState, ids: OktaIds): OktaRenderer {
  const activated = (p: PersonRecord) => (neverActivated(p.state) ? null : shift(p.created, 70_000));
  const statusChanged = (p: PersonRecord) => (p.stateChanged === p.lastUpdated && p.state !== 'active' ? p.stateChanged : (activated(p) ?? null));
  const profile = (p: PersonRecord): Record<string, string | null> => {
    const manager = p.managerKey ? state.person(p.managerKey) : undefined;
    return {
      firstName: p.givenName,
      lastName: p.familyName,
      mobilePhone: null,
      secondEmail: null,
      login: p.login,
      // Okta requires an email; the sample company's service accounts have none (issue: "a few users without email")
      email: p.email,
      displayName: p.displayName,
      title: p.title,
      department: p.department,
      employeeNumber: p.employeeNumber,
      userType: p.email ? 'Employee' : 'Service',
      managerId: manager ? ids.user(manager.index) : null,
      manager: manager ? manager.displayName : null,
    };
  };
  const everyoneStamp = () => {
    // the Everyone group changes membership whenever a person is created or deleted
    for (let i = state.journal.length - 1; i >= 0; i--) {
      const e = state.journal[i]!;
      if (e.type === 'person.created' || e.type === 'person.deleted') return e.at;
    }
    return '2024-10-01T00:00:00.000Z';
  };
  const groupLinks = (origin: string, id: string) => ({
    logo: [
      { name: 'medium', href: 'https://op1static.oktacdn.com/assets/img/logos/groups/odyssey/okta-medium.30ce6d4085dff29412984e4c191bc874.png', type: 'image/png' },
      { name: 'large', href: 'https://op1static.oktacdn.com/assets/img/logos/groups/odyssey/okta-large.c3cb8cda8ae0add1b4fe928f5844dbe3.png', type: 'image/png' },
    ],
    users: { href: `${origin}/api/v1/groups/${id}/users` },
    apps: { href: `${origin}/api/v1/groups/${id}/apps` },
  });
  const stats = (origin: string, id: string, usersCount: number) => ({
    stats: { usersCount, appsCount: 0, groupPushMappingsCount: 0, hasAdminPrivilege: false, _links: { self: { href: `${origin}/api/v1/groups/${id}/stats` } } },
  });

  const lastLogin = (p: PersonRecord) =>
    !neverActivated(p.state) && p.state !== 'deprovisioned' && p.index % 5 !== 4 ? shift(p.lastUpdated, -3_600_000 - (p.index % 3600) * 1000) : null;
  const passwordChanged = (p: PersonRecord) => (neverActivated(p.state) ? null : shift(p.created, 300_000));
  const str = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));

  return {
    ids,
    activated,
    statusChanged,
    profile,
    user(p, origin, options = {}) {
      const id = ids.user(p.index);
      const self = `${origin}/api/v1/users/${id}`;
      const user: Record<string, unknown> = {
        id,
        status: OKTA_STATUS[p.state],
        created: p.created,
        activated: activated(p),
        statusChanged: statusChanged(p),
        lastLogin: lastLogin(p),
        lastUpdated: p.lastUpdated,
        passwordChanged: passwordChanged(p),
        type: { id: ids.userTypeId },
        profile: profile(p),
      };
      if (!options.omitCredentials) {
        user.credentials = neverActivated(p.state)
          ? { provider: { type: 'OKTA', name: 'OKTA' } }
          : { password: {}, provider: { type: 'OKTA', name: 'OKTA' } };
      }
      if (!options.full) {
        user._links = { self: { href: self } };
        return user;
      }
      const links: Record<string, unknown> = {
        self: { href: self },
        type: { href: `${origin}/api/v1/meta/types/user/${ids.userTypeId}` },
        schema: { href: `${origin}/api/v1/meta/schemas/user/osc${ids.userTypeId.slice(3)}` },
      };
      const action = (name: string, path: string) => (links[name] = { href: `${origin}/api/v1/users/${id}/lifecycle/${path}`, method: 'POST' });
      if (p.state === 'deprovisioned') action('activate', 'activate');
      else {
        if (p.state === 'suspended') action('unsuspend', 'unsuspend');
        else if (!neverActivated(p.state)) action('suspend', 'suspend');
        if (p.state === 'locked_out') action('unlock', 'unlock');
        if (neverActivated(p.state)) action('activate', 'activate');
        else action('resetPassword', 'reset_password');
        action('deactivate', 'deactivate');
      }
      user._links = links;
      return user;
    },
    userJson(p, origin, omitCredentials = false) {
      const id = ids.user(p.index);
      const manager = p.managerKey ? state.person(p.managerKey) : undefined;
      const credentials = omitCredentials
        ? ''
        : neverActivated(p.state)
          ? ',"credentials":{"provider":{"type":"OKTA","name":"OKTA"}}'
          : ',"credentials":{"password":{},"provider":{"type":"OKTA","name":"OKTA"}}';
      return (
        `{"id":"${id}","status":"${OKTA_STATUS[p.state]}","created":"${p.created}","activated":${str(activated(p))},` +
        `"statusChanged":${str(statusChanged(p))},"lastLogin":${str(lastLogin(p))},"lastUpdated":"${p.lastUpdated}",` +
        `"passwordChanged":${str(passwordChanged(p))},"type":{"id":"${ids.userTypeId}"},"profile":{"firstName":${str(p.givenName)},` +
        `"lastName":${str(p.familyName)},"mobilePhone":null,"secondEmail":null,"login":${str(p.login)},"email":${str(p.email)},` +
        `"displayName":${str(p.displayName)},"title":${str(p.title)},"department":${str(p.department)},` +
        `"employeeNumber":${str(p.employeeNumber)},"userType":"${p.email ? 'Employee' : 'Service'}",` +
        `"managerId":${manager ? `"${ids.user(manager.index)}"` : 'null'},"manager":${manager ? str(manager.displayName) : 'null'}}` +
        `${credentials},"_links":{"self":{"href":${str(`${origin}/api/v1/users/${id}`)}}}}`
      );
    },
    group(g, origin, options = {}) {
      const id = ids.group(g.index);
      return {
        id,
        created: g.created,
        lastUpdated: g.lastUpdated,
        lastMembershipUpdated: g.lastMembershipUpdated,
        objectClass: ['okta:user_group'],
        type: 'OKTA_GROUP',
        profile: { name: g.name, description: g.description },
        ...(options.stats ? { _embedded: stats(origin, id, g.memberKeys.length) } : {}),
        _links: groupLinks(origin, id),
      };
    },
    everyone(origin, options = {}) {
      const id = ids.everyoneGroupId;
      return {
        id,
        created: '2023-11-30T00:00:00.000Z',
        lastUpdated: '2023-11-30T00:00:00.000Z',
        lastMembershipUpdated: everyoneStamp(),
        objectClass: ['okta:user_group'],
        type: 'BUILT_IN',
        profile: { name: 'Everyone', description: 'All users in your organization' },
        ...(options.stats ? { _embedded: stats(origin, id, state.people.length) } : {}),
        _links: groupLinks(origin, id),
      };
    },
  };
}
