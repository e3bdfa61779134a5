/** zod schema of an audit-log entry: validates the API's answer and the console's parse of it. */
import { z } from 'zod';

export const auditEntry = z.object({
  id: z.string(),
  actor: z.string().describe('`token:<id>` (API token) or `admin:<id>` (console admin)'),
  action: z.string().describe('e.g. directory.updated, sync_run.approved, api_token.revoked'),
  targetType: z.string(), targetId: z.string(),
  details: z.record(z.string(), z.unknown()).nullable().describe('what changed; secrets appear as "[redacted]"'),
  createdAt: z.string(),
});

/** The actions the log records, for filters. */
export const AUDIT_ACTIONS = [
  'directory.created', 'directory.updated', 'directory.deleted', 'group_mapping.created', 'group_mapping.deleted',
  'grant.created', 'grant.deleted', 'organization.created', 'role.created', 'api_token.created', 'api_token.revoked',
  'session.signed_in', 'session.signed_out', 'admin.created', 'sync_run.approved', 'sync_run.rejected',
] as const;
