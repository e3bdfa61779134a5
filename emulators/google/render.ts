/**
 * The neutral company rendered as Directory API v1 resources (field names, kinds, string ids, etags
 * as Google sends them). Pure functions of a record and the emulator's identity; nothing cached here.
 */
import type { GroupRecord, PersonRecord } from '../shared/directory-state.js';
import { etagOf, orgUnitIdOf } from './ids.js';

export interface RenderContext {
  seed: number;
  domain: string;
  customerId: string;
  adminEmail: string;
  /** Resolves a manager key to that person's primary email (relations[type=manager]). */
  emailOfPersonKey(key: string): string | undefined;
  /** A group's email address (kept stable across renames, as Google does). */
  emailOfGroup(group: GroupRecord): string;
  /** Memoised googleUserId / googleGroupId (ids are rendered on every page of every listing). */
  userId(index: number): string;
  groupId(index: number): string;
}

const NEVER = '1970-01-01T00:00:00.000Z';

/**
 * Google requires a primaryEmail on every user, so the company's few service-style people without an
 * email get one from their login at the domain (`svc-x-13@example.test`): they remain real users
 * of the domain, which is what such accounts are in Workspace.
 */
export function primaryEmailOf(p: PersonRecord, domain: string): string {
  return p.email ?? `${p.login.includes('@') ? p.login.slice(0, p.login.indexOf('@')) : p.login}@${domain}`;
}

/**
 * Account state: suspended → suspended (reason ADMIN); deprovisioned → archived for every third such
 * person (the Archived User licence), suspended for the rest; the other company states are active
 * accounts in Google, with a forced password change where the person never set one.
 */
function stateFields(p: PersonRecord) {
  const suspended = p.state === 'suspended' || (p.state === 'deprovisioned' && p.index % 3 !== 0);
  const archived = p.state === 'deprovisioned' && p.index % 3 === 0;
  return {
    suspended,
    ...(suspended ? { suspensionReason: 'ADMIN' } : {}),
    archived,
    changePasswordAtNextLogin: p.state === 'password_expired' || p.state === 'staged' || p.state === 'provisioned' || p.state === 'recovery',
  };
}

export function renderUser(p: PersonRecord, ctx: RenderContext, full: boolean): Record<string, unknown> {
  const primaryEmail = primaryEmailOf(p, ctx.domain);
  const neverSignedIn = p.state === 'staged' || p.state === 'provisioned';
  const manager = p.managerKey ? ctx.emailOfPersonKey(p.managerKey) : undefined;
  const isAdmin = primaryEmail === ctx.adminEmail;
  return {
    kind: 'admin#directory#user',
    id: ctx.userId(p.index),
    etag: `"${etagOf(ctx.seed, `user${p.lastUpdated}`, p.index)}"`,
    primaryEmail,
    name: { givenName: p.givenName, familyName: p.familyName, fullName: p.displayName },
    isAdmin,
    isDelegatedAdmin: false,
    lastLoginTime: neverSignedIn ? NEVER : new Date(Date.parse(p.lastUpdated) + 3_600_000).toISOString(),
    creationTime: p.created,
    agreedToTerms: !neverSignedIn,
    ...stateFields(p),
    ipWhitelisted: false,
    emails: [{ address: primaryEmail, primary: true }],
    ...(manager ? { relations: [{ value: manager, type: 'manager' }] } : {}),
    externalIds: [{ value: p.employeeNumber, type: 'organization' }],
    organizations: [{ title: p.title, primary: true, customType: '', department: p.department, costCenter: `CC-${100 + (p.index % 40)}` }],
    ...(full ? { customSchemas: { HR: { employmentType: p.index % 11 === 0 ? 'Contractor' : 'Employee' } } } : {}),
    customerId: ctx.customerId,
    orgUnitPath: p.orgUnitPath,
    isMailboxSetup: !neverSignedIn,
    isEnrolledIn2Sv: p.index % 4 !== 0,
    isEnforcedIn2Sv: false,
    includeInGlobalAddressList: true,
  };
}

export function renderGroup(g: GroupRecord, ctx: RenderContext): Record<string, unknown> {
  return {
    kind: 'admin#directory#group',
    id: ctx.groupId(g.index),
    etag: `"${etagOf(ctx.seed, `group${g.lastUpdated}${g.lastMembershipUpdated}`, g.index)}"`,
    email: ctx.emailOfGroup(g),
    name: g.name,
    // a string on the wire, as Google sends it
    directMembersCount: String(g.memberKeys.length + g.childGroupKeys.length),
    description: g.description,
    adminCreated: true,
  };
}

export type MemberRole = 'OWNER' | 'MANAGER' | 'MEMBER';

/** Deterministic roles: the first member owns the group, about one in 25 manages it. */
export function roleOf(g: GroupRecord, position: number, p: PersonRecord): MemberRole {
  if (position === 0) return 'OWNER';
  return (p.index + g.index) % 25 === 0 ? 'MANAGER' : 'MEMBER';
}

export function renderUserMember(g: GroupRecord, p: PersonRecord, role: MemberRole, ctx: RenderContext): Record<string, unknown> {
  const { suspended, archived } = stateFields(p);
  return {
    kind: 'admin#directory#member',
    etag: `"${ctx.groupId(g.index)}/${p.index.toString(36)}"`,
    id: ctx.userId(p.index),
    email: primaryEmailOf(p, ctx.domain),
    role,
    type: 'USER',
    status: suspended ? 'SUSPENDED' : archived ? 'ARCHIVED' : 'ACTIVE',
    delivery_settings: 'ALL_MAIL',
  };
}

export function renderGroupMember(parent: GroupRecord, child: GroupRecord, ctx: RenderContext): Record<string, unknown> {
  return {
    kind: 'admin#directory#member',
    etag: `"${ctx.groupId(parent.index)}/g${child.index.toString(36)}"`,
    id: ctx.groupId(child.index),
    email: ctx.emailOfGroup(child),
    role: 'MEMBER',
    type: 'GROUP',
    status: 'ACTIVE',
  };
}

export function renderOrgUnit(path: string, ctx: RenderContext): Record<string, unknown> {
  const cut = path.lastIndexOf('/');
  const parent = cut <= 0 ? '/' : path.slice(0, cut);
  return {
    kind: 'admin#directory#orgUnit',
    etag: `"${etagOf(ctx.seed, `ou${path}`, 0)}"`,
    name: path === '/' ? ctx.domain : path.slice(cut + 1),
    description: path === '/' ? '' : `${path.slice(cut + 1)} unit`,
    orgUnitPath: path,
    orgUnitId: orgUnitIdOf(ctx.seed, path),
    ...(path === '/' ? {} : { parentOrgUnitPath: parent, parentOrgUnitId: orgUnitIdOf(ctx.seed, parent) }),
    blockInheritance: false,
  };
}
