/**
 * Guards for the REST API's responses as the CLI reads them. Loose objects: the API may add
 * fields (the contract says "more may be added"); the CLI only relies on the ones named here.
 */
import { z } from 'zod';

export const pageGuard = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable().optional() });

export const apiErrorBodyGuard = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

const count = z.number().default(0);
export const runCountsGuard = z.looseObject({
  usersCreated: count,
  usersUpdated: count,
  usersDeactivated: count,
  usersReactivated: count,
  usersUnchanged: count,
  groupsProcessed: count,
  membershipsAdded: count,
  membershipsRemoved: count,
  errors: count,
});
export type RunCountsView = z.infer<typeof runCountsGuard>;

export const runProgressGuard = z.looseObject({
  phase: z.string().optional(),
  users: z.number().optional(),
  groups: z.number().optional(),
  groupsWithMembersRead: z.number().optional(),
});
export type RunProgressView = z.infer<typeof runProgressGuard>;

export const runGuard = z.looseObject({
  id: z.string(),
  directoryId: z.string().optional(),
  status: z.string(),
  dryRun: z.boolean().optional(),
  trigger: z.string().optional(),
  counts: runCountsGuard.default(runCountsGuard.parse({})),
  error: z.looseObject({ code: z.string().optional(), message: z.string(), hint: z.string().optional() }).nullable().optional(),
  progress: runProgressGuard.nullable().optional(),
  createdAt: z.string().nullable().optional(),
  startedAt: z.string().nullable().optional(),
  finishedAt: z.string().nullable().optional(),
  durationMs: z.number().nullable().optional(),
});
export type RunView = z.infer<typeof runGuard>;

export const logEntryGuard = z.looseObject({
  kind: z.string(),
  subject: z.string().nullable().optional(),
  message: z.string(),
  createdAt: z.string().optional(),
});
export type LogEntryView = z.infer<typeof logEntryGuard>;

export const directoryGuard = z.looseObject({
  id: z.string(),
  name: z.string(),
  provider: z.string(),
  settings: z.unknown().optional(),
  health: z.string().optional(),
  lastSyncAt: z.string().nullable().optional(),
  nextSyncAt: z.string().nullable().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type DirectoryView = z.infer<typeof directoryGuard>;

export const sourceGroupGuard = z.looseObject({ id: z.string(), name: z.string() });

export const groupMappingGuard = z.looseObject({
  id: z.string(),
  sourceGroupId: z.string(),
  sourceGroupName: z.string().nullable().optional(),
  organizationId: z.string(),
  role: z.string(),
});

/** `POST …/test`: the service says whether it could connect and why not. */
export const connectionTestGuard = z.looseObject({
  ok: z.boolean().optional(),
  message: z.string().optional(),
  code: z.string().optional(),
  details: z.looseObject({ hint: z.string().optional() }).optional(),
});

export const userGuard = z.looseObject({
  id: z.string(),
  email: z.string().nullable().optional(),
  status: z.string(),
  givenName: z.string().nullable().optional(),
  familyName: z.string().nullable().optional(),
  displayName: z.string().nullable().optional(),
  directoryId: z.string().nullable().optional(),
  externalId: z.string().nullable().optional(),
});

export const organizationGuard = z.looseObject({ id: z.string(), name: z.string() });

export const roleGuard = z.looseObject({
  key: z.string(),
  name: z.string().optional(),
  builtIn: z.boolean().optional(),
  description: z.string().nullable().optional(),
});
