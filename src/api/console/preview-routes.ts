/** POST /api/v1/directories/:id/mapping-preview: the mapping editor's live preview on a sample user. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/app-context.js';
import { createMappingPreview } from '../../app/mapping-preview.js';
import * as s from '../schemas.js';
import { mappingPreview, providerList } from './console-schemas.js';
import { listProviders } from '../../providers/registry.js';

export async function previewRoutes(app: FastifyInstance, deps: { ctx: AppContext }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const preview = createMappingPreview(deps.ctx);

  api.get('/providers', {
    schema: { tags: ['Directories'], summary: 'The directory providers this build offers, with capabilities and default attribute mappings', response: { 200: providerList, 401: s.errorBody } },
  }, async () => ({
    data: listProviders().map((p) => ({ id: p.id, displayName: p.displayName, capabilities: p.capabilities, defaultAttributeMapping: p.defaultAttributeMapping, knownSourcePaths: p.knownSourcePaths })),
  }));

  api.post('/directories/:id/mapping-preview', {
    schema: {
      tags: ['Directories'],
      summary: 'Evaluate an attribute mapping (the whole mapping, not merged) on a sample user read live from the directory; nothing is saved',
      params: s.idParam,
      body: z.object({
        attributeMapping: z.record(z.string(), z.string().max(2000)),
        sampleIndex: z.number().int().min(0).max(10_000).optional().describe('which user of the first page (default 0)'),
      }).strict(),
      response: {
        200: mappingPreview,
        400: s.errorBody, 401: s.errorBody, 404: s.errorBody, 422: s.errorBody, 502: s.errorBody,
      },
    },
  }, async (req) => preview(req.tenantId, req.params.id, req.body.attributeMapping, req.body.sampleIndex));
}
