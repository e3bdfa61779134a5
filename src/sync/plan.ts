/**
 * The typed result of planning: what a sync run would change, and per-record errors. Dry runs and
 * the review screen show a plan; the applier writes one; nothing else decides what changes.
 */
export interface MappedValues {
  email: string | null;
  emailNormalized: string | null;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  attributes: Record<string, string | null>;
}

export interface RecordError {
  externalId: string;
  subject: string;
  message: string;
  hint?: string;
}

export type DeactivationReason = 'disabled_at_source' | 'removed_from_directory' | 'outside_user_filter';

export type UserChange =
  | { kind: 'create'; externalId: string; values: MappedValues; active: boolean }
  | { kind: 'link'; userId: string; externalId: string; values: MappedValues; active: boolean; changed: string[] }
  | { kind: 'update'; userId: string; externalId: string; values: MappedValues; changed: string[] }
  | { kind: 'deactivate'; userId: string; externalId: string; reason: DeactivationReason; values?: MappedValues; changed?: string[] }
  | { kind: 'reactivate'; userId: string; externalId: string; values: MappedValues; changed: string[] };

export type GroupChange =
  | { kind: 'create'; externalId: string; name: string; description: string | null; raw: Record<string, unknown>; hash: string }
  | { kind: 'update'; groupId: string; externalId: string; name: string; description: string | null; raw: Record<string, unknown>; hash: string }
  | { kind: 'delete'; groupId: string; externalId: string; name: string };

export interface MembershipRow {
  groupExternalId: string;
  memberType: 'user' | 'group';
  memberExternalId: string;
}

/**
 * One group's changed direct members of one member type. Grouped, not one record per membership:
 * a first sync of 100k users adds 1.1M memberships, ~20k of these instead of 1.1M objects (~60 MiB).
 */
export interface MemberListChange {
  groupExternalId: string;
  memberType: 'user' | 'group';
  added: string[];
  removed: string[];
}

/** The direct members of one group, each id once: users and nested groups. */
export interface GroupMembers {
  users: string[];
  groups: string[];
}

/**
 * Every group's direct members, keyed by the group's external id (src/sync/memberships.ts). Read,
 * scope, planner and mirror pass memberships in this shape: a million memberships are a million
 * pointers to shared id strings, not a million row objects.
 */
export type Memberships = ReadonlyMap<string, GroupMembers>;

export interface GrantTarget {
  organizationId: string;
  roleKey: string;
  source: 'default-role' | 'group-mapping';
  mappingId: string | null;
}

export type GrantChange =
  | ({ kind: 'add'; userExternalId: string } & GrantTarget)
  | ({ kind: 'revoke'; grantId: string; userId: string } & GrantTarget);

export interface MirrorUser {
  externalId: string;
  enabled: boolean;
  orgUnitPath: string | null;
  /** The provider's record; null once a whole read staged it for its run (sync/staged-users.ts). */
  raw: Record<string, unknown> | null;
  hash: string;
}

export interface Plan {
  users: UserChange[];
  groups: GroupChange[];
  memberships: MemberListChange[];
  grants: GrantChange[];
  mirror: { upserts: MirrorUser[]; deletes: string[] };
  errors: RecordError[];
  usersUnchanged: number;
  groupsProcessed: number;
}

export const isEmptyPlan = (p: Plan) =>
  !p.users.length && !p.groups.length && !p.memberships.length && !p.grants.length && !p.mirror.upserts.length && !p.mirror.deletes.length;
