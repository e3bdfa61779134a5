/**
 * zod guards for what Okta sends. Okta adds fields over time and custom profile attributes are the
 * norm: unknown fields pass, and `SourceUser.raw` keeps the record unchanged for attribute mapping
 * (the connector keeps the JSON it checked, not zod's copy: providers/checked.ts). The records'
 * guards are plain `z.object`s, which check the same and do not walk every other key of every
 * record as a loose one does (decisions.md: "Record guards check only what the connector reads").
 * Enumerations (status, group type) are plain strings so a value Okta adds later cannot fail a sync.
 * Reference: okta-management-openapi-spec `User`, `Group`, `Error`; oauth spec `TokenResponse`, `OAuthError`.
 */
import { z } from 'zod';

/** Every documented user status (`ACTIVATING` appears transiently). */
export const OKTA_USER_STATUSES = [
  'STAGED',
  'PROVISIONED',
  'ACTIVE',
  'RECOVERY',
  'PASSWORD_EXPIRED',
  'LOCKED_OUT',
  'SUSPENDED',
  'DEPROVISIONED',
] as const;

const nullableText = z.string().nullish();

export const oktaUserGuard = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  created: nullableText,
  lastUpdated: nullableText,
  profile: z.object({ login: nullableText, email: nullableText, firstName: nullableText, lastName: nullableText }),
});
export type OktaUser = z.infer<typeof oktaUserGuard>;

/** Members of `/groups/{id}/users` are full user records; only the id is needed there, so only
 * the id is checked (the connector keeps the JSON it checked, providers/checked.ts, and reads the id). */
export const oktaMemberGuard = z.object({ id: z.string().min(1) });

export const oktaGroupGuard = z.object({
  id: z.string().min(1),
  /** OKTA_GROUP | APP_GROUP (imported from AD/LDAP/an app) | BUILT_IN ("Everyone"). */
  type: z.string().min(1),
  profile: z.object({ name: z.string(), description: nullableText }),
});
export type OktaGroup = z.infer<typeof oktaGroupGuard>;

/** The error body of every 4xx/5xx under /api/v1. */
export const oktaErrorGuard = z.looseObject({
  errorCode: z.string(),
  errorSummary: z.string(),
  errorId: z.string().optional(),
  errorCauses: z.array(z.looseObject({ errorSummary: z.string() })).optional(),
});
export type OktaErrorBody = z.infer<typeof oktaErrorGuard>;

/** RFC 6749 §5.2 error body of /oauth2/v1/token. */
export const oauthErrorGuard = z.looseObject({ error: z.string(), error_description: z.string().optional() });

export const tokenResponseGuard = z.looseObject({
  token_type: z.string(),
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  scope: z.string().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseGuard>;
