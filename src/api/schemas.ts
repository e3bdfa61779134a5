/** zod schemas of the REST API's bodies and answers; they validate requests and feed OpenAPI. */
import { z } from 'zod';
import { directorySettingsGuard, directorySettingsInputGuard } from '../domain/directory-settings.js';

export const idParam = z.object({ id: z.string().min(1).max(200) });
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional().describe('page size, 1–500 (default 50)'),
  cursor: z.string().max(2000).optional().describe('nextCursor of the previous page'),
});
export const page = <T extends z.ZodTypeAny>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

export const directory = z.object({
  id: z.string(), name: z.string(), provider: z.string(), target: z.string(), settings: directorySettingsGuard,
  lastSyncAt: z.string().nullable(), lastFullSyncAt: z.string().nullable(), nextSyncAt: z.string().nullable(),
  consecutiveFailures: z.number(), health: z.enum(['healthy', 'failing', 'unhealthy']), createdAt: z.string(), updatedAt: z.string(),
});

export const createDirectoryBody = z.object({
  name: z.string().trim().min(1, 'give the directory a name').max(200),
  provider: z.string().min(1).max(32),
  credentials: z.record(z.string(), z.unknown()).describe('provider credentials; write-only, never returned'),
  settings: directorySettingsInputGuard.optional(),
}).strict();

export const updateDirectoryBody = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  credentials: z.record(z.string(), z.unknown()).optional(),
  settings: directorySettingsInputGuard.optional(),
}).strict();

export const counts = z.object({
  usersCreated: z.number(), usersUpdated: z.number(), usersDeactivated: z.number(), usersReactivated: z.number(), usersUnchanged: z.number(),
  usersLinked: z.number(), groupsProcessed: z.number(), groupsCreated: z.number(), groupsUpdated: z.number(), groupsDeleted: z.number(),
  membershipsAdded: z.number(), membershipsRemoved: z.number(), grantsAdded: z.number(), grantsRevoked: z.number(), errors: z.number(),
  rowsWritten: z.number(), requests: z.number(),
  usersRead: z.number().optional(),
  readMs: z.number().optional().describe('time spent reading the directory'), loadMs: z.number().optional(), planMs: z.number().optional(),
  confirmMs: z.number().optional().describe('time spent confirming removals with the provider'), logMs: z.number().optional(), applyMs: z.number().optional(),
});

export const run = z.object({
  id: z.string(), directoryId: z.string(), status: z.enum(['queued', 'running', 'succeeded', 'failed', 'blocked', 'rejected']),
  trigger: z.enum(['manual', 'schedule', 'api', 'cli']), dryRun: z.boolean(), mode: z.string(), counts,
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).nullable(),
  progress: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(), startedAt: z.string().nullable(), finishedAt: z.string().nullable(), durationMs: z.number().nullable(),
});

export const logEntry = z.object({
  seq: z.number(), kind: z.string(), subject: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).nullable(), createdAt: z.string(),
});

export const user = z.object({
  id: z.string(), email: z.string().nullable(), status: z.enum(['active', 'deactivated']), givenName: z.string().nullable(),
  familyName: z.string().nullable(), displayName: z.string().nullable(), directoryId: z.string().nullable(), externalId: z.string().nullable(),
  attributes: z.record(z.string(), z.string().nullable()), createdAt: z.string(), updatedAt: z.string(), deactivatedAt: z.string().nullable(),
});

export const grant = z.object({
  id: z.string(), organizationId: z.string(), role: z.string(), source: z.enum(['manual', 'default-role', 'group-mapping']),
  directoryId: z.string().optional(), mappingId: z.string().optional(), createdAt: z.string(),
});

export const organization = z.object({ id: z.string(), name: z.string(), isPrimary: z.boolean(), createdAt: z.string() });
export const role = z.object({ id: z.string(), key: z.string(), name: z.string(), description: z.string().nullable(), builtIn: z.boolean() });
export const groupMapping = z.object({ id: z.string(), directoryId: z.string(), sourceGroupId: z.string(), organizationId: z.string(), role: z.string(), createdAt: z.string() });
