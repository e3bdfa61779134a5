/**
 * zod guards for what Microsoft's endpoints send: the token endpoint (success and AADSTS errors),
 * Graph collection pages, users, groups, directory objects, delta pages and the Graph error body.
 * Unknown fields pass: `raw` is the provider's own record for the mapper, as the connector keeps
 * the JSON it checked, not zod's copy (providers/checked.ts). Records are checked with plain
 * `z.object`s, which do not walk every other key of every record as `.loose()` ones do
 * (decisions.md: "Record guards check only what the connector reads").
 */
import { z } from 'zod';

export const tokenResponseGuard = z.object({
  token_type: z.string(),
  expires_in: z.coerce.number(),
  access_token: z.string().min(1),
});

/** https://learn.microsoft.com/entra/identity-platform/reference-error-codes */
export const tokenErrorGuard = z.object({
  error: z.string(),
  error_description: z.string().optional(),
  error_codes: z.array(z.number()).optional(),
  trace_id: z.string().optional(),
  correlation_id: z.string().optional(),
});

/** The access token's payload, read only to preflight the granted app roles. */
export const accessTokenClaimsGuard = z.object({ roles: z.array(z.string()).optional() }).loose();

export const graphErrorGuard = z.object({
  error: z.object({
    code: z.string(),
    message: z.string().optional().default(''),
    innerError: z.object({ 'request-id': z.string().optional(), date: z.string().optional() }).loose().optional(),
  }),
});

const nullableString = z.string().nullable().optional();

export const graphUserGuard = z
  .object({
    id: z.string().min(1),
    userPrincipalName: nullableString,
    mail: nullableString,
    givenName: nullableString,
    surname: nullableString,
    displayName: nullableString,
    accountEnabled: z.boolean().nullable().optional(),
    otherMails: z.array(z.string()).nullable().optional(),
  });
export type GraphUser = z.infer<typeof graphUserGuard>;

export const graphGroupGuard = z
  .object({ id: z.string().min(1), displayName: nullableString, description: nullableString });
export type GraphGroup = z.infer<typeof graphGroupGuard>;

/** A directoryObject inside a member list: users, groups, devices, service principals, contacts. */
export const directoryObjectGuard = z.object({ '@odata.type': z.string().optional(), id: z.string().min(1) });

const removedGuard = z.object({ reason: z.string() });

export const deltaUserGuard = graphUserGuard.extend({ '@removed': removedGuard.optional() });

export const deltaMemberGuard = directoryObjectGuard.extend({ '@removed': removedGuard.optional() });

export const deltaGroupGuard = graphGroupGuard.extend({
  '@removed': removedGuard.optional(),
  'members@delta': z.array(deltaMemberGuard).optional(),
});

const pageGuardOf = <T extends z.ZodType>(item: T) =>
  z.object({
    value: z.array(item),
    '@odata.nextLink': z.string().optional(),
    '@odata.deltaLink': z.string().optional(),
  });
const pageGuards = new WeakMap<z.ZodType, ReturnType<typeof pageGuardOf>>();

/**
 * One page of a Graph collection; a delta page carries either a next link or the delta link. One
 * guard per item guard, kept: zod compiles a schema on its first parse, and a full read lists the
 * members of 10k groups (a new guard per listing spent ~1 s of a 100k-user read compiling).
 */
export function graphPageGuard<T extends z.ZodType>(item: T): ReturnType<typeof pageGuardOf<T>> {
  let guard = pageGuards.get(item);
  if (!guard) pageGuards.set(item, (guard = pageGuardOf(item)));
  return guard as ReturnType<typeof pageGuardOf<T>>;
}
