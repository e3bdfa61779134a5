/**
 * A directory's sync settings — the product page's Step 2 — with their defaults. Stored as JSON,
 * parsed with this guard on every read and write.
 */
import { z } from 'zod';

export const roleKeyGuard = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'a role key is lower-case letters, digits, - or _ (e.g. "member")');

// Each group of settings is declared once without defaults (the shape a PATCH may send, every key
// optional and absent keys left alone) and once with them (the stored form). zod 4 would fill
// defaults into a .partial() object, so the input guards must not be derived from the defaulted ones.
const scheduleShape = {
  /** Off until an admin enables it after reviewing the first sync. */
  enabled: z.boolean(),
  frequency: z.enum(['15m', '1h', '24h', 'cron']),
  cron: z.string().max(200).optional(),
  timeZone: z.string().max(64).optional(),
  /** "HH:MM" for daily syncs. */
  timeOfDay: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM, 24-hour clock').optional(),
  /** How often a full read still runs, where the provider has deltas, and the whole directory is planned at least (hours). */
  fullSyncEveryHours: z.number().int().min(1).max(24 * 30),
};
export const scheduleGuard = z.object({
  ...scheduleShape,
  enabled: scheduleShape.enabled.default(false),
  frequency: scheduleShape.frequency.default('1h'),
  fullSyncEveryHours: scheduleShape.fullSyncEveryHours.default(24),
}).strict();

const safeguardsShape = {
  /** Block a run that deactivates more than this share of the directory's active users… */
  maxDeactivationPercent: z.number().min(0).max(100),
  /** …or more than this many, whichever is smaller; never for `minimumUsers` or fewer. */
  maxDeactivationCount: z.number().int().min(0),
  minimumUsers: z.number().int().min(0),
  maxGroupDeletionPercent: z.number().min(0).max(100),
  maxGroupDeletionCount: z.number().int().min(0),
  /** A group with at least `membershipMinGroupSize` members losing more than this share. */
  maxMembershipRemovalPercent: z.number().min(0).max(100),
  membershipMinGroupSize: z.number().int().min(1),
};
const SAFEGUARD_DEFAULTS = {
  maxDeactivationPercent: 20, maxDeactivationCount: 500, minimumUsers: 10, maxGroupDeletionPercent: 20,
  maxGroupDeletionCount: 100, maxMembershipRemovalPercent: 50, membershipMinGroupSize: 20,
} as const;
export const safeguardsGuard = z.object(Object.fromEntries(
  Object.entries(safeguardsShape).map(([k, v]) => [k, v.default(SAFEGUARD_DEFAULTS[k as keyof typeof SAFEGUARD_DEFAULTS])]),
) as { [K in keyof typeof safeguardsShape]: z.ZodDefault<(typeof safeguardsShape)[K]> }).strict();

const userFilterShape = {
  /** Provider group ids: members (nested members included) are in scope. */
  groups: z.array(z.string().min(1).max(256)).max(500),
  /** Organizational unit paths (with sub-units), where the provider has them. */
  orgUnits: z.array(z.string().min(1).max(1024).regex(/^\//, 'an org unit path starts with "/"')).max(500),
};
export const userFilterGuard = z.object({ groups: userFilterShape.groups.default([]), orgUnits: userFilterShape.orgUnits.default([]) }).strict();

export const directorySettingsGuard = z.object({
  userFilter: userFilterGuard.default({ groups: [], orgUnits: [] }),
  /** target field → source path or template; merged over the provider's defaults. */
  attributeMapping: z.record(z.string(), z.string().max(1000)).default({}),
  defaultRole: roleKeyGuard.nullable().default('member'),
  /** Organization that receives the default role; null = the tenant's primary organization. */
  defaultOrganizationId: z.string().nullable().default(null),
  deactivationBehavior: z.enum(['deactivate', 'ignore']).default('deactivate'),
  schedule: scheduleGuard.default({ enabled: false, frequency: '1h', fullSyncEveryHours: 24 }),
  safeguards: safeguardsGuard.default(safeguardsGuard.parse({})),
}).strict();

export type DirectorySettings = z.infer<typeof directorySettingsGuard>;
export type Schedule = z.infer<typeof scheduleGuard>;
export type Safeguards = z.infer<typeof safeguardsGuard>;

/** The shape a client may send: every key optional, `attributeMapping` values may be null (= remove). */
export const directorySettingsInputGuard = z.object({
  userFilter: z.object(userFilterShape).partial().strict().optional(),
  attributeMapping: z.record(z.string(), z.string().max(1000).nullable()).optional(),
  defaultRole: roleKeyGuard.nullable().optional(),
  defaultOrganizationId: z.string().nullable().optional(),
  deactivationBehavior: z.enum(['deactivate', 'ignore']).optional(),
  schedule: z.object(scheduleShape).partial().strict().optional(),
  safeguards: z.object(safeguardsShape).partial().strict().optional(),
}).strict();
export type DirectorySettingsInput = z.infer<typeof directorySettingsInputGuard>;
