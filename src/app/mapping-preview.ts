/**
 * The attribute mapping editor's live preview: evaluates a mapping, as the admin is editing it, on
 * one real user read from the directory (the first page only). Each target is compiled on its own so
 * one broken expression still lets the others show their values.
 */
import type { AppContext } from './app-context.js';
import { ApiError, notFound } from './api-error.js';
import { findProvider } from '../providers/registry.js';
import { applyMapping, compileMapping, type MappedValues, type MappingError } from '../sync/mapping/index.js';
import { providerToApiError } from './directory-service.js';
import type { SourceUser } from '../providers/types.js';

export interface MappingPreview {
  sample: { externalId: string; enabled: boolean; raw: Record<string, unknown> } | null;
  /** How many users the first page held (the admin can step through them with `sampleIndex`). */
  sampleCount: number;
  values: MappedValues | null;
  missing: string[];
  errors: MappingError[];
}

export function createMappingPreview(ctx: AppContext) {
  return async function previewMapping(tenantId: string, directoryId: string, mapping: Record<string, string>, sampleIndex = 0): Promise<MappingPreview> {
    const d = await ctx.repos.directories.get(tenantId, directoryId);
    if (!d) throw notFound('directory', directoryId);
    const provider = findProvider(d.provider);
    if (!provider) throw new ApiError(400, 'invalid_request', `This build has no "${d.provider}" provider.`);

    const errors: MappingError[] = [];
    const valid: Record<string, string> = {};
    for (const [target, expression] of Object.entries(mapping)) {
      const one = compileMapping({ [target]: expression });
      if (one.ok) valid[target] = expression;
      else errors.push(...one.errors);
    }

    const connector = provider.createConnector(provider.credentialsGuard.parse(JSON.parse(ctx.secretBox.open(d.credentialsEncrypted))), ctx.connectorContext);
    let page: SourceUser[] = [];
    try {
      page = await firstPage(connector.listUsers());
    } catch (e) {
      throw providerToApiError(e);
    }
    const user = page.length ? page[sampleIndex % page.length]! : null;
    if (!user) return { sample: null, sampleCount: 0, values: null, missing: [], errors };
    const compiled = compileMapping(valid);
    const result = compiled.ok ? applyMapping(compiled.mapping, user.raw) : null;
    return {
      sample: { externalId: user.externalId, enabled: user.enabled, raw: user.raw },
      sampleCount: page.length,
      values: result?.values ?? null,
      missing: result?.missing ?? [],
      errors,
    };
  };
}

async function firstPage<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  for await (const page of pages) if (page.length) return page;
  return [];
}
