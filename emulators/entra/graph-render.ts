/**
 * Renders the neutral company in Microsoft Graph's shapes: users and groups with Graph's field
 * names, the default projection (Graph returns only a handful of user fields unless `$select`ed),
 * `$select` parsing with Graph's 400 for unknown properties, and directory-object member entries.
 */
import type { GroupRecord, PersonRecord } from '../shared/directory-state.js';
import type { PersonState } from '../shared/company.js';
import { deterministicGuid } from '../shared/ids.js';

export const USER_TYPE = '#microsoft.graph.user';
export const GROUP_TYPE = '#microsoft.graph.group';

/** Suspended and deprovisioned people are blocked from sign-in; every other state can sign in. */
export const isAccountEnabled = (state: PersonState) => state !== 'suspended' && state !== 'deprovisioned';

export const USER_FIELDS = [
  'id', 'accountEnabled', 'businessPhones', 'city', 'companyName', 'country', 'createdDateTime', 'deletedDateTime', 'department',
  'displayName', 'employeeHireDate', 'employeeId', 'employeeType', 'givenName', 'jobTitle', 'mail', 'mailNickname', 'mobilePhone',
  'officeLocation', 'onPremisesDistinguishedName', 'onPremisesImmutableId', 'onPremisesLastSyncDateTime', 'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled', 'onPremisesUserPrincipalName', 'otherMails', 'preferredLanguage',
  'proxyAddresses', 'surname', 'usageLocation', 'userPrincipalName', 'userType',
] as const;
/** What `GET /users` returns without `$select` (https://learn.microsoft.com/graph/api/user-list). */
export const USER_DEFAULT_FIELDS = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'];

export const GROUP_FIELDS = [
  'id', 'classification', 'createdDateTime', 'deletedDateTime', 'description', 'displayName', 'expirationDateTime', 'groupTypes',
  'isAssignableToRole', 'mail', 'mailEnabled', 'mailNickname', 'membershipRule', 'membershipRuleProcessingState',
  'onPremisesSyncEnabled', 'onPremisesSecurityIdentifier', 'proxyAddresses', 'renewedDateTime', 'securityEnabled',
  'securityIdentifier', 'visibility', 'members',
] as const;
export const GROUP_DEFAULT_FIELDS = GROUP_FIELDS.filter((f) => f !== 'members');

export interface EntraIds {
  user(key: string): string;
  group(key: string): string;
  /** The key behind a Graph id, or undefined when the id is not one this emulator issued. */
  userKey(id: string): string | undefined;
  groupKey(id: string): string | undefined;
}

export function createEntraIds(seed: number): EntraIds {
  const fromId = (id: string, salt: string, prefix: string, width: number) => {
    const m = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}([0-9a-f]{8})$/.exec(id.toLowerCase());
    if (!m) return undefined;
    const index = parseInt(m[1]!, 16);
    return deterministicGuid(seed, salt, index) === id.toLowerCase() ? `${prefix}${String(index).padStart(width, '0')}` : undefined;
  };
  const indexOf = (key: string) => Number(key.slice(1));
  return {
    user: (key) => deterministicGuid(seed, 'entra-user', indexOf(key)),
    group: (key) => deterministicGuid(seed, 'entra-group', indexOf(key)),
    userKey: (id) => fromId(id, 'entra-user', 'p', 6),
    groupKey: (id) => fromId(id, 'entra-group', 'g', 5),
  };
}

const graphDate = (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z');

export function userPrincipalName(p: PersonRecord, domain: string): string {
  return p.login.includes('@') ? p.login : `${p.login}@${domain}`;
}

/** Every field of a user; `$select` and the default projection pick from it. */
export function renderUser(p: PersonRecord, ids: EntraIds, domain: string): Record<string, unknown> {
  const upn = userPrincipalName(p, domain);
  return {
    id: ids.user(p.key),
    accountEnabled: isAccountEnabled(p.state),
    businessPhones: [],
    city: null,
    companyName: null,
    country: null,
    createdDateTime: graphDate(p.created),
    deletedDateTime: null,
    department: p.department,
    displayName: p.displayName,
    employeeHireDate: graphDate(p.created),
    employeeId: p.employeeNumber,
    employeeType: 'Employee',
    givenName: p.givenName,
    jobTitle: p.title,
    mail: p.email,
    mailNickname: upn.split('@')[0],
    mobilePhone: null,
    officeLocation: p.orgUnitPath.split('/').filter(Boolean).pop() ?? null,
    onPremisesDistinguishedName: null,
    onPremisesImmutableId: null,
    onPremisesLastSyncDateTime: null,
    onPremisesSamAccountName: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    onPremisesUserPrincipalName: null,
    otherMails: [],
    preferredLanguage: 'en-US',
    proxyAddresses: p.email ? [`SMTP:${p.email}`] : [],
    surname: p.familyName,
    usageLocation: null,
    userPrincipalName: upn,
    userType: 'Member',
  };
}

export function renderGroup(g: GroupRecord, ids: EntraIds, domain: string): Record<string, unknown> {
  const nickname = g.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || g.key;
  const isDept = g.kind === 'department';
  return {
    id: ids.group(g.key),
    classification: null,
    createdDateTime: graphDate(g.created),
    deletedDateTime: null,
    description: g.description || null,
    displayName: g.name,
    expirationDateTime: null,
    // departments render as mail-enabled Microsoft 365 groups, teams as security groups
    groupTypes: isDept ? ['Unified'] : [],
    isAssignableToRole: null,
    mail: isDept ? `${nickname}@${domain}` : null,
    mailEnabled: isDept,
    mailNickname: nickname,
    membershipRule: null,
    membershipRuleProcessingState: null,
    onPremisesSyncEnabled: null,
    onPremisesSecurityIdentifier: null,
    proxyAddresses: isDept ? [`SMTP:${nickname}@${domain}`] : [],
    renewedDateTime: graphDate(g.created),
    securityEnabled: !isDept,
    securityIdentifier: `S-1-12-1-${g.index}`,
    visibility: isDept ? 'Public' : null,
  };
}

export class SelectError extends Error {}

/** Parses `$select`; `null` = default projection. Unknown names throw (Graph answers 400). */
export function parseSelect(raw: string | null, known: readonly string[], type: string): string[] | null {
  if (raw == null || raw.trim() === '') return null;
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!known.includes(n)) throw new SelectError(`Could not find a property named '${n}' on type 'microsoft.graph.${type}'.`);
  }
  // Graph always returns the key of a directory object, even when not selected
  return names.includes('id') ? names : ['id', ...names];
}

export function project(full: Record<string, unknown>, fields: readonly string[], omitNulls = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = full[f];
    if (v === undefined || (omitNulls && v === null)) continue;
    out[f] = v;
  }
  return out;
}
