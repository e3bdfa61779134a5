/** /api/v1/directories: the product page's Step 1–4 (connect, settings, group mapping, Sync Now). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/app-context.js';
import type { DirectoryService } from '../../app/directory-service.js';
import type { RunService } from '../../app/run-service.js';
import { ApiError, badRequest, notFound } from '../../app/api-error.js';
import * as s from '../schemas.js';
import { audit, diffObjects, maskCredentials } from '../audit.js';

const tags = ['Directories'];

export async function directoryRoutes(app: FastifyInstance, deps: { ctx: AppContext; directories: DirectoryService; runs: RunService }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { ctx, directories, runs } = deps;
  const err = { 400: s.errorBody, 401: s.errorBody, 404: s.errorBody };

  api.post('/directories', {
    schema: { tags, summary: 'Add Directory', body: s.createDirectoryBody, response: { 201: s.directory, ...err } },
  }, async (req, reply) => {
    const d = await directories.create(req.tenantId, req.body);
    await audit(req, 'directory.created', { type: 'directory', id: d.id }, { name: d.name, provider: d.provider, credentials: maskCredentials(req.body.credentials), settings: d.settings });
    return reply.status(201).send(d);
  });

  api.get('/directories', {
    schema: { tags, summary: 'List directories', querystring: s.pageQuery, response: { 200: s.page(s.directory), ...err } },
  }, async (req) => directories.list(req.tenantId, req.query));

  api.get('/directories/:id', {
    schema: { tags, summary: 'A directory (never its credentials)', params: s.idParam, response: { 200: s.directory, ...err } },
  }, async (req) => directories.view(await directories.get(req.tenantId, req.params.id)));

  api.patch('/directories/:id', {
    schema: { tags, summary: 'Change name, credentials (replaced whole) or settings (merged)', params: s.idParam, body: s.updateDirectoryBody, response: { 200: s.directory, ...err } },
  }, async (req) => {
    const before = directories.view(await directories.get(req.tenantId, req.params.id));
    const after = await directories.update(req.tenantId, req.params.id, req.body);
    const changes = diffObjects({ name: before.name, settings: before.settings }, { name: after.name, settings: after.settings });
    if (Object.keys(changes).length || req.body.credentials !== undefined) {
      await audit(req, 'directory.updated', { type: 'directory', id: after.id }, {
        name: after.name, changes, ...(req.body.credentials !== undefined ? { credentials: maskCredentials(req.body.credentials), credentialsReplaced: true } : {}),
      });
    }
    return after;
  });

  api.delete('/directories/:id', {
    schema: { tags, summary: 'Delete a directory: its users stay (unlinked), its sync-made grants go', params: s.idParam, response: { 204: z.null(), ...err } },
  }, async (req, reply) => {
    const d = await directories.get(req.tenantId, req.params.id);
    await directories.remove(req.tenantId, req.params.id);
    await audit(req, 'directory.deleted', { type: 'directory', id: d.id }, { name: d.name, provider: d.provider });
    return reply.status(204).send(null);
  });

  api.post('/directories/:id/test', {
    schema: {
      tags, summary: 'Test connection', params: s.idParam,
      response: { 200: z.object({ ok: z.boolean(), message: z.string(), code: z.string().optional(), details: z.record(z.string(), z.unknown()).optional(), requests: z.number() }), ...err },
    },
  }, async (req) => directories.test(req.tenantId, req.params.id));

  api.get('/directories/:id/source-groups', {
    schema: {
      tags, summary: "The provider's groups, read live", params: s.idParam, querystring: s.pageQuery.extend({ q: z.string().max(200).optional() }),
      response: { 200: s.page(z.object({ id: z.string(), name: z.string(), description: z.string().nullable(), type: z.string().nullable() })), 422: s.errorBody, 502: s.errorBody, ...err },
    },
  }, async (req) => directories.sourceGroups(req.tenantId, req.params.id, req.query));

  api.get('/directories/:id/source-org-units', {
    schema: {
      tags, summary: "The provider's organizational units (Google Workspace, LDAP)", params: s.idParam, querystring: s.pageQuery,
      response: { 200: s.page(z.object({ id: z.string(), path: z.string(), name: z.string(), parentPath: z.string().nullable() })), 422: s.errorBody, 502: s.errorBody, ...err },
    },
  }, async (req) => directories.sourceOrgUnits(req.tenantId, req.params.id, req.query));

  // group mappings: source group → (organization, role)
  const mappingBody = z.object({
    sourceGroupId: z.string().min(1, 'pick a source group (GET …/source-groups)').max(256),
    organizationId: z.string().min(1, 'pick an organization (GET /api/v1/organizations)').max(200),
    role: z.string().min(1).max(64),
  }).strict();

  api.post('/directories/:id/group-mappings', {
    schema: { tags, summary: 'Add Mapping', params: s.idParam, body: mappingBody, response: { 201: s.groupMapping, 409: s.errorBody, ...err } },
  }, async (req, reply) => {
    await directories.get(req.tenantId, req.params.id);
    if (!(await ctx.repos.organizations.get(req.tenantId, req.body.organizationId))) throw badRequest('body.organizationId', `no organization "${req.body.organizationId}"`, 'use an id from GET /api/v1/organizations');
    if (!(await ctx.repos.roles.findByKey(req.tenantId, req.body.role))) throw badRequest('body.role', `no role "${req.body.role}"`, 'use a role key from GET /api/v1/roles, e.g. "member"');
    if (await ctx.repos.groupMappings.find(req.tenantId, req.params.id, req.body)) throw new ApiError(409, 'conflict', 'This group is already mapped to that organization and role.');
    const m = await ctx.repos.groupMappings.create(req.tenantId, req.params.id, req.body);
    await audit(req, 'group_mapping.created', { type: 'group_mapping', id: m.id }, { directoryId: req.params.id, sourceGroupId: m.sourceGroupId, organizationId: m.organizationId, role: m.role });
    return reply.status(201).send(m);
  });

  api.get('/directories/:id/group-mappings', {
    schema: { tags, summary: 'Group mappings', params: s.idParam, querystring: s.pageQuery, response: { 200: s.page(s.groupMapping), ...err } },
  }, async (req) => {
    await directories.get(req.tenantId, req.params.id);
    return ctx.repos.groupMappings.list(req.tenantId, req.params.id, req.query);
  });

  const mappingParams = z.object({ id: z.string().min(1).max(200), mappingId: z.string().min(1).max(200) });
  api.get('/directories/:id/group-mappings/:mappingId', {
    schema: { tags, summary: 'A group mapping', params: mappingParams, response: { 200: s.groupMapping, ...err } },
  }, async (req) => {
    const m = await ctx.repos.groupMappings.get(req.tenantId, req.params.id, req.params.mappingId);
    if (!m) throw notFound('group mapping', req.params.mappingId);
    return m;
  });

  api.delete('/directories/:id/group-mappings/:mappingId', {
    schema: { tags, summary: 'Remove a mapping; the next sync revokes the grants it made', params: mappingParams, response: { 204: z.null(), ...err } },
  }, async (req, reply) => {
    const m = await ctx.repos.groupMappings.get(req.tenantId, req.params.id, req.params.mappingId);
    if (!m || !(await ctx.repos.groupMappings.delete(req.tenantId, req.params.id, req.params.mappingId))) throw notFound('group mapping', req.params.mappingId);
    await audit(req, 'group_mapping.deleted', { type: 'group_mapping', id: m.id }, { directoryId: req.params.id, sourceGroupId: m.sourceGroupId, organizationId: m.organizationId, role: m.role });
    return reply.status(204).send(null);
  });

  api.post('/directories/:id/sync', {
    schema: {
      tags, summary: 'Sync Now (or a dry run). While a run is queued or running, answers with that run.', params: s.idParam,
      body: z.object({
        dryRun: z.boolean().optional().describe('plan only: record what would change, write nothing else'),
        full: z.boolean().optional().describe('force a full read even where the provider has deltas'),
      }).strict().optional(),
      response: { 202: s.run, ...err },
    },
  }, async (req, reply) => {
    const trigger = req.actor.startsWith('admin:') ? 'manual' : 'api';
    const { run } = await directories.startSync(req.tenantId, req.params.id, { dryRun: req.body?.dryRun ?? false, full: req.body?.full ?? false, trigger });
    return reply.status(202).send(run);
  });

  api.get('/directories/:id/runs', {
    schema: { tags, summary: 'Run history, newest first', params: s.idParam, querystring: s.pageQuery, response: { 200: s.page(s.run), ...err } },
  }, async (req) => runs.listForDirectory(req.tenantId, req.params.id, req.query));
}
