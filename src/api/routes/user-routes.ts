/** /api/v1/users: the result of syncs, and manual grants. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/app-context.js';
import { ApiError, badRequest, notFound } from '../../app/api-error.js';
import * as s from '../schemas.js';
import { audit } from '../audit.js';

const tags = ['Users'];

export async function userRoutes(app: FastifyInstance, deps: { ctx: AppContext }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { repos } = deps.ctx;
  const err = { 400: s.errorBody, 401: s.errorBody, 404: s.errorBody };

  api.get('/users', {
    schema: {
      tags, summary: 'Users', querystring: s.pageQuery.extend({
        directoryId: z.string().max(200).optional(), status: z.enum(['active', 'deactivated']).optional(),
        email: z.string().max(320).optional(), q: z.string().max(200).optional(),
      }),
      response: { 200: s.page(s.user), ...err },
    },
  }, async (req) => repos.users.list(req.tenantId, req.query, req.query));

  api.get('/users/:id', {
    schema: { tags, summary: 'A user with grants and their sources', params: s.idParam, response: { 200: s.user.extend({ grants: z.array(s.grant) }), ...err } },
  }, async (req) => {
    const user = await repos.users.get(req.tenantId, req.params.id);
    if (!user) throw notFound('user', req.params.id);
    return { ...user, grants: await repos.users.grants(req.tenantId, user.id) };
  });

  api.post('/users/:id/grants', {
    schema: {
      tags, summary: 'Grant a role by hand (source "manual": no sync ever removes it)', params: s.idParam,
      body: z.object({ organizationId: z.string().min(1).max(200), role: z.string().min(1).max(64) }).strict(),
      response: { 201: s.grant, 200: s.grant, ...err },
    },
  }, async (req, reply) => {
    const user = await repos.users.get(req.tenantId, req.params.id);
    if (!user) throw notFound('user', req.params.id);
    if (!(await repos.organizations.get(req.tenantId, req.body.organizationId))) throw badRequest('body.organizationId', `no organization "${req.body.organizationId}"`, 'use an id from GET /api/v1/organizations');
    if (!(await repos.roles.findByKey(req.tenantId, req.body.role))) throw badRequest('body.role', `no role "${req.body.role}"`, 'use a role key from GET /api/v1/roles');
    const { id, created } = await repos.users.addManualGrant(req.tenantId, user.id, req.body.organizationId, req.body.role);
    const grant = (await repos.users.grants(req.tenantId, user.id)).find((g) => g.id === id);
    if (!grant) throw new ApiError(500, 'internal', 'The grant was not stored.');
    if (created) await audit(req, 'grant.created', { type: 'grant', id: grant.id }, { userId: user.id, email: user.email, organizationId: grant.organizationId, role: grant.role, source: 'manual' });
    return reply.status(created ? 201 : 200).send(grant);
  });

  api.delete('/users/:id/grants/:grantId', {
    schema: { tags, summary: 'Remove a manual grant', params: z.object({ id: z.string().max(200), grantId: z.string().max(200) }), response: { 204: z.null(), ...err } },
  }, async (req, reply) => {
    const grant = (await repos.users.grants(req.tenantId, req.params.id)).find((g) => g.id === req.params.grantId && g.source === 'manual');
    if (!grant || !(await repos.users.removeManualGrant(req.tenantId, req.params.id, req.params.grantId))) throw notFound('manual grant', req.params.grantId);
    await audit(req, 'grant.deleted', { type: 'grant', id: grant.id }, { userId: req.params.id, organizationId: grant.organizationId, role: grant.role, source: 'manual' });
    return reply.status(204).send(null);
  });
}
