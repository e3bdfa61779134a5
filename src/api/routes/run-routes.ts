/** /api/v1/sync-runs: a run, its sync log, and approval of a blocked run. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/app-context.js';
import type { RunService } from '../../app/run-service.js';
import * as s from '../schemas.js';
import { audit } from '../audit.js';

const tags = ['Sync runs'];

export async function runRoutes(app: FastifyInstance, deps: { ctx: AppContext; runs: RunService }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { runs } = deps;
  const err = { 400: s.errorBody, 401: s.errorBody, 404: s.errorBody };

  api.get('/sync-runs/:id', {
    schema: { tags, summary: 'A run with its status and counts', params: s.idParam, response: { 200: s.run, ...err } },
  }, async (req) => runs.get(req.tenantId, req.params.id));

  api.get('/sync-runs/:id/log', {
    schema: {
      tags, summary: 'The sync log of a run', params: s.idParam,
      querystring: s.pageQuery.extend({
        kind: z.string().max(200).optional().describe('comma-separated kinds: user.created, created, updated, deactivated, error, …'),
        q: z.string().max(200).optional().describe('search in subject and message'),
      }),
      response: { 200: s.page(s.logEntry), ...err },
    },
  }, async (req) => runs.log(req.tenantId, req.params.id, { kinds: req.query.kind?.split(',').map((k) => k.trim()).filter(Boolean), q: req.query.q }, req.query));

  api.post('/sync-runs/:id/approve', {
    schema: { tags, summary: 'Approve a blocked run: applies exactly the plan that was blocked', params: s.idParam, body: z.object({}).strict().optional(), response: { 200: s.run, 409: s.errorBody, ...err } },
  }, async (req) => {
    const blocked = await runs.get(req.tenantId, req.params.id);
    const run = await runs.approve(req.tenantId, req.params.id);
    await audit(req, 'sync_run.approved', { type: 'sync_run', id: run.id }, { directoryId: run.directoryId, status: run.status, blockedBy: blockedReason(blocked) });
    return run;
  });

  api.post('/sync-runs/:id/reject', {
    schema: { tags, summary: 'Reject a blocked run: nothing is applied', params: s.idParam, body: z.object({}).strict().optional(), response: { 200: s.run, 409: s.errorBody, ...err } },
  }, async (req) => {
    const blocked = await runs.get(req.tenantId, req.params.id);
    const run = await runs.reject(req.tenantId, req.params.id);
    await audit(req, 'sync_run.rejected', { type: 'sync_run', id: run.id }, { directoryId: run.directoryId, blockedBy: blockedReason(blocked) });
    return run;
  });
}

/** The safeguard that stopped the run, as the admin saw it when deciding. */
const blockedReason = (run: { error: { code: string; message: string } | null }) => (run.error ? { code: run.error.code, message: run.error.message } : null);
