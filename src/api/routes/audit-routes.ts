/** GET /api/v1/audit-log: who changed what and when, newest first. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/app-context.js';
import * as s from '../schemas.js';
import { auditEntry } from '../audit-schemas.js';

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
