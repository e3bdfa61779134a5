/** /api/v1/organizations and /api/v1/roles. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/app-context.js';
import { ApiError, notFound } from '../../app/api-error.js';
import { roleKeyGuard } from '../../domain/directory-settings.js';
import * as s from '../schemas.js';
import { audit } from '../audit.js';

export async function organizationRoutes(app: FastifyInstance, deps: { ctx: AppContext }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { repos } = deps.ctx;
  const err = { 400: s.errorBody, 401: s.errorBody, 404: s.errorBody };

  api.get('/organizations', {
    schema: { tags: ['Organizations'], summary: 'Organizations', querystring: s.pageQuery, response: { 200: s.page(s.organization), ...err } },
  }, async (req) => repos.organizations.list(req.tenantId, req.query));

  api.post('/organizations', {
    schema: { tags: ['Organizations'], summary: 'Create an organization', body: z.object({ name: z.string().trim().min(1, 'give the organization a name').max(200) }).strict(), response: { 201: s.organization, 409: s.errorBody, ...err } },
  }, async (req, reply) => {
    if (await repos.organizations.findByName(req.tenantId, req.body.name)) throw new ApiError(409, 'conflict', `An organization named "${req.body.name}" exists already.`);
    const org = await repos.organizations.create(req.tenantId, req.body.name);
    await audit(req, 'organization.created', { type: 'organization', id: org.id }, { name: org.name });
    return reply.status(201).send(org);
  });

  api.get('/organizations/:id', {
    schema: { tags: ['Organizations'], summary: 'An organization', params: s.idParam, response: { 200: s.organization, ...err } },
  }, async (req) => {
    const org = await repos.organizations.get(req.tenantId, req.params.id);
    if (!org) throw notFound('organization', req.params.id);
    return org;
  });

  api.get('/organizations/:id/members', {
    schema: {
      tags: ['Organizations'], summary: 'Members with their roles and where each role comes from', params: s.idParam, querystring: s.pageQuery,
      response: {
        200: s.page(z.object({
          userId: z.string(), email: z.string().nullable(), displayName: z.string().nullable(), status: z.enum(['active', 'deactivated']),
          roles: z.array(z.object({ role: z.string(), source: z.enum(['manual', 'default-role', 'group-mapping']), directoryId: z.string().nullable(), mappingId: z.string().nullable() })),
        })),
        ...err,
      },
    },
  }, async (req) => {
    if (!(await repos.organizations.get(req.tenantId, req.params.id))) throw notFound('organization', req.params.id);
    return repos.organizations.members(req.tenantId, req.params.id, req.query);
  });

  api.get('/roles', {
    schema: { tags: ['Roles'], summary: 'Roles (built-in owner, admin, member, plus custom)', querystring: s.pageQuery, response: { 200: s.page(s.role), ...err } },
  }, async (req) => repos.roles.list(req.tenantId, req.query));

  api.post('/roles', {
    schema: {
      tags: ['Roles'], summary: 'Create a custom role',
      body: z.object({ key: roleKeyGuard, name: z.string().trim().min(1).max(100), description: z.string().max(500).optional() }).strict(),
      response: { 201: s.role, 409: s.errorBody, ...err },
    },
  }, async (req, reply) => {
    if (await repos.roles.findByKey(req.tenantId, req.body.key)) throw new ApiError(409, 'conflict', `A role with key "${req.body.key}" exists already.`);
    const role = await repos.roles.create(req.tenantId, req.body);
    await audit(req, 'role.created', { type: 'role', id: role.id }, { key: role.key, name: role.name, description: role.description });
    return reply.status(201).send(role);
  });
}
