/** GET /api/v1/audit-log: who changed what and when, newest first. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/app-context.js';
import * as s from '../schemas.js';

export const auditEntry = z.object({
  id: z.string(),
  actor: z.string().describe('`token:<id>` (API token) or `admin:<id>` (console admin)'),
  action: z.string().describe('e.g. directory.updated, sync_run.approved, api_token.revoked'),
  targetType: z.string(), targetId: z.string(),
  details: z.record(z.string(), z.unknown()).nullable().describe('what changed; secrets appear as "[redacted]"'),
  createdAt: z.string(),
});

export async function auditRoutes(app: FastifyInstance, deps: { ctx: AppContext }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { repos } = deps.ctx;
  api.get('/audit-log', {
    schema: {
      tags: ['Audit log'], summary: 'Configuration changes and approvals of this tenant, newest first',
      querystring: s.pageQuery.extend({
        action: z.string().max(500).regex(/^[a-z_.,\s]*$/, 'comma-separated action names such as directory.updated,sync_run.approved').optional()
          .describe('comma-separated actions, e.g. directory.updated,sync_run.approved'),
      }),
      response: { 200: s.page(auditEntry), 400: s.errorBody, 401: s.errorBody },
    },
  }, async (req) => repos.audit.list(req.tenantId, { actions: req.query.action?.split(',').map((a) => a.trim()).filter(Boolean) }, req.query));
}
