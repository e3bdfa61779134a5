/** The API's shapes, as the console reads them: the server's own zod schemas, plus the live pickers. */
import { z } from 'zod';
import * as s from '../../api/schemas.js';
import { auditEntry } from '../../api/audit-schemas.js';

export { sessionState, signedIn, apiToken, createdApiToken, mappingPreview, providerList } from '../../api/console/console-schemas.js';

export const directoryGuard = s.directory;
export const directoryPage = s.page(s.directory);
export const runGuard = s.run;
export const runPage = s.page(s.run);
export const logPage = s.page(s.logEntry);
export const userGuard = s.user;
export const userPage = s.page(s.user);
export const userWithGrants = s.user.extend({ grants: z.array(s.grant) });
export const organizationGuard = s.organization;
export const organizationPage = s.page(s.organization);
export const rolePage = s.page(s.role);
export const groupMappingGuard = s.groupMapping;
export const groupMappingPage = s.page(s.groupMapping);
export const sourceGroupPage = s.page(z.object({ id: z.string(), name: z.string(), description: z.string().nullable(), type: z.string().nullable() }));
export const orgUnitPage = s.page(z.object({ id: z.string(), path: z.string(), name: z.string(), parentPath: z.string().nullable() }));
export const testResult = z.object({ ok: z.boolean(), message: z.string(), code: z.string().optional(), details: z.record(z.string(), z.unknown()).optional(), requests: z.number() });
export const auditPage = s.page(auditEntry);
export const memberPage = s.page(z.object({
  userId: z.string(), email: z.string().nullable(), displayName: z.string().nullable(), status: z.enum(['active', 'deactivated']),
  roles: z.array(z.object({ role: z.string(), source: z.enum(['manual', 'default-role', 'group-mapping']), directoryId: z.string().nullable(), mappingId: z.string().nullable() })),
}));

export type AuditEntry = z.infer<typeof auditEntry>;
export type Directory = z.infer<typeof s.directory>;
export type Run = z.infer<typeof s.run>;
export type LogEntry = z.infer<typeof s.logEntry>;
export type User = z.infer<typeof s.user>;
export type Organization = z.infer<typeof s.organization>;
export type Role = z.infer<typeof s.role>;
export type GroupMapping = z.infer<typeof s.groupMapping>;
export type SourceGroup = z.infer<typeof sourceGroupPage>['data'][number];
export type OrgUnit = z.infer<typeof orgUnitPage>['data'][number];
export type Settings = Directory['settings'];
export type RunCounts = Run['counts'];
