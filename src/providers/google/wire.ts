/**
 * zod guards for what Google sends: Directory API v1 list pages, its error body, and the OAuth token
 * endpoint's answers. Only the fields the connector itself reads are checked; `raw` keeps every
 * field the admin may map, as the connector keeps the JSON it checked, not zod's copy (checked.ts).
 * Records and pages are therefore plain `z.object`s: a loose one checks nothing more and walks every
 * other key of every record (decisions.md: "Record guards check only what the connector reads").
 * Reference: https://developers.google.com/admin-sdk/directory/reference/rest
 */
import { z } from 'zod';

export const googleUserGuard = z.object({
  // ~21-digit ids exceed 2^53: they must stay strings
  id: z.string().min(1),
  primaryEmail: z.string(),
  name: z.object({ givenName: z.string().optional(), familyName: z.string().optional(), fullName: z.string().optional() }).optional(),
  suspended: z.boolean().optional(),
  archived: z.boolean().optional(),
  orgUnitPath: z.string().optional(),
});
export type GoogleUser = z.infer<typeof googleUserGuard>;

export const googleGroupGuard = z.object({
  id: z.string().min(1),
  email: z.string(),
  name: z.string().optional(),
  description: z.string().optional(),
});
export type GoogleGroup = z.infer<typeof googleGroupGuard>;

export const googleMemberGuard = z.object({
  // CUSTOMER members carry the customer id; an EXTERNAL member may come without one
  id: z.string().optional(),
  email: z.string().optional(),
  role: z.string().optional(),
  type: z.string(),
  status: z.string().optional(),
});
export type GoogleMember = z.infer<typeof googleMemberGuard>;

export const googleOrgUnitGuard = z.object({
  orgUnitPath: z.string(),
  name: z.string(),
  parentOrgUnitPath: z.string().optional(),
});

// Empty lists come without their array (`{"kind":"admin#directory#users","etag":"…"}`).
export const usersPageGuard = z.object({ users: z.array(googleUserGuard).optional(), nextPageToken: z.string().optional() });
export const groupsPageGuard = z.object({ groups: z.array(googleGroupGuard).optional(), nextPageToken: z.string().optional() });
export const membersPageGuard = z.object({ members: z.array(googleMemberGuard).optional(), nextPageToken: z.string().optional() });
export const orgUnitsGuard = z.object({ organizationUnits: z.array(googleOrgUnitGuard).optional() });

/** `{"error":{"code":403,"message":"…","errors":[{"message","domain","reason"}],"status"?}}` */
export const googleErrorGuard = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    errors: z.array(z.looseObject({ reason: z.string().optional(), domain: z.string().optional(), message: z.string().optional() })).optional(),
    status: z.string().optional(),
  }),
});

export const tokenResponseGuard = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional(),
  token_type: z.string().optional(),
});

/** RFC 6749 §5.2 error of the token endpoint. */
export const oauthErrorGuard = z.object({ error: z.string(), error_description: z.string().optional() });
