/** zod guard for a plan kept on a blocked run (a JSON column), checked before it is applied. */
import { z } from 'zod';
import { groupMembershipChanges } from './memberships.js';

const values = z.object({
  email: z.string().nullable(), emailNormalized: z.string().nullable(), givenName: z.string().nullable(),
  familyName: z.string().nullable(), displayName: z.string().nullable(), attributes: z.record(z.string(), z.string().nullable()),
});
const raw = z.record(z.string(), z.unknown());
const reason = z.enum(['disabled_at_source', 'removed_from_directory', 'outside_user_filter']);
const target = { organizationId: z.string(), roleKey: z.string(), source: z.enum(['default-role', 'group-mapping']), mappingId: z.string().nullable() };
const memberType = z.enum(['user', 'group']);
const memberList = z.object({ groupExternalId: z.string(), memberType, added: z.array(z.string()), removed: z.array(z.string()) });
/** Plans blocked before member changes were grouped held one record per membership: read either. */
const legacyMembership = z.object({ kind: z.enum(['add', 'remove']), groupExternalId: z.string(), memberType, memberExternalId: z.string() });
const memberships = z.union([z.array(memberList), z.array(legacyMembership).transform(groupMembershipChanges)]);

export const planGuard = z.object({
  users: z.array(z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('create'), externalId: z.string(), values, active: z.boolean() }),
    z.object({ kind: z.literal('link'), userId: z.string(), externalId: z.string(), values, active: z.boolean(), changed: z.array(z.string()) }),
    z.object({ kind: z.literal('update'), userId: z.string(), externalId: z.string(), values, changed: z.array(z.string()) }),
    z.object({ kind: z.literal('deactivate'), userId: z.string(), externalId: z.string(), reason, values: values.optional(), changed: z.array(z.string()).optional() }),
    z.object({ kind: z.literal('reactivate'), userId: z.string(), externalId: z.string(), values, changed: z.array(z.string()) }),
  ])),
  groups: z.array(z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('create'), externalId: z.string(), name: z.string(), description: z.string().nullable(), raw, hash: z.string() }),
    z.object({ kind: z.literal('update'), groupId: z.string(), externalId: z.string(), name: z.string(), description: z.string().nullable(), raw, hash: z.string() }),
    z.object({ kind: z.literal('delete'), groupId: z.string(), externalId: z.string(), name: z.string() }),
  ])),
  memberships,
  grants: z.array(z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('add'), userExternalId: z.string(), ...target }),
    z.object({ kind: z.literal('revoke'), grantId: z.string(), userId: z.string(), ...target }),
  ])),
  mirror: z.object({
    upserts: z.array(z.object({ externalId: z.string(), enabled: z.boolean(), orgUnitPath: z.string().nullable(), raw: raw.nullable(), hash: z.string() })),
    deletes: z.array(z.string()),
  }),
  errors: z.array(z.object({ externalId: z.string(), subject: z.string(), message: z.string(), hint: z.string().optional() })),
  usersUnchanged: z.number(),
  groupsProcessed: z.number(),
});
