/**
 * Directory use cases shared by the API and the CLI: validate and store a directory (credentials
 * sealed, settings merged over the provider's defaults and checked), test its connection, list its
 * source groups live, and queue syncs.
 */
import type { z } from 'zod';
import type { AppContext } from './app-context.js';
import { ApiError, badRequest, notFound } from './api-error.js';
import { findProvider, providerIds } from '../providers/registry.js';
import type { ProviderDefinition } from '../providers/provider-definition.js';
import { isProviderError } from '../providers/provider-error.js';
import { checkProviderEndpoints } from '../security/endpoint-policy.js';
import { directorySettingsGuard, type DirectorySettings, type DirectorySettingsInput } from '../domain/directory-settings.js';
import { compileMapping, mergeWithDefaults } from '../sync/mapping/index.js';
import type { DirectoryRecord } from '../store/repositories/directory-repository.js';
import type { RunTrigger } from '../domain/run-counts.js';
import { clampLimit, decodeCursor, encodeCursor, type PageRequest } from '../store/pagination.js';
import { nextSyncAt } from '../scheduler/next-sync-at.js';

export interface DirectoryView {
  id: string;
  name: string;
  provider: string;
  target: string;
  settings: DirectorySettings;
  lastSyncAt: string | null;
  lastFullSyncAt: string | null;
  nextSyncAt: string | null;
  consecutiveFailures: number;
  health: 'healthy' | 'failing' | 'unhealthy';
  createdAt: string;
  updatedAt: string;
}

/** A directory that failed this many times in a row is marked unhealthy. */
export const UNHEALTHY_AFTER = 3;

export function createDirectoryService(ctx: AppContext) {
  const { repos } = ctx;

  function providerOf(id: string): ProviderDefinition<unknown> {
    const p = findProvider(id);
    if (!p) throw badRequest('provider', `unknown provider "${id}"`, `use one of: ${providerIds().join(', ')}`);
    return p;
  }

  async function parseCredentials(provider: ProviderDefinition<unknown>, credentials: unknown) {
    const parsed = provider.credentialsGuard.safeParse(credentials);
    if (!parsed.success) throw zodToApiError(parsed.error, 'credentials');
    const problem = await checkProviderEndpoints(provider.endpointsOf(parsed.data), parsed.data, provider.endpointRules, ctx.config.allowInsecureEndpoints);
    if (problem) throw badRequest('credentials', problem.url ? `${problem.url} ${problem.message}` : problem.message);
    return parsed.data;
  }

  async function resolveSettings(tenantId: string, provider: ProviderDefinition<unknown>, base: DirectorySettings | null, input: DirectorySettingsInput | undefined): Promise<DirectorySettings> {
    const start = base ?? directorySettingsGuard.parse({ attributeMapping: provider.defaultAttributeMapping });
    const merged = {
      ...start,
      ...(input?.userFilter ? { userFilter: { ...start.userFilter, ...input.userFilter } } : {}),
      ...(input?.attributeMapping ? { attributeMapping: mergeWithDefaults(start.attributeMapping, input.attributeMapping) } : {}),
      ...(input?.defaultRole !== undefined ? { defaultRole: input.defaultRole } : {}),
      ...(input?.defaultOrganizationId !== undefined ? { defaultOrganizationId: input.defaultOrganizationId } : {}),
      ...(input?.deactivationBehavior ? { deactivationBehavior: input.deactivationBehavior } : {}),
      ...(input?.schedule ? { schedule: { ...start.schedule, ...input.schedule } } : {}),
      ...(input?.safeguards ? { safeguards: { ...start.safeguards, ...input.safeguards } } : {}),
    };
    const settings = directorySettingsGuard.parse(merged);
    const compiled = compileMapping(settings.attributeMapping);
    if (!compiled.ok) {
      const first = compiled.errors[0]!;
      throw new ApiError(400, 'invalid_mapping', `settings.attributeMapping.${first.message}`, {
        issues: compiled.errors.map((e) => ({ path: `settings.attributeMapping.${e.target}`, message: e.message, hint: e.hint })),
      });
    }
    if (settings.userFilter.orgUnits.length && !provider.capabilities.supportsOrgUnits) {
      throw badRequest('settings.userFilter.orgUnits', `${provider.displayName} has no organizational units`, 'filter by groups instead');
    }
    if (settings.defaultOrganizationId && !(await repos.organizations.get(tenantId, settings.defaultOrganizationId))) {
      throw badRequest('settings.defaultOrganizationId', `no organization "${settings.defaultOrganizationId}"`, 'use an id from GET /api/v1/organizations, or null for the primary organization');
    }
    if (settings.defaultRole && !(await repos.roles.findByKey(tenantId, settings.defaultRole))) {
      throw badRequest('settings.defaultRole', `no role "${settings.defaultRole}"`, 'use a role key from GET /api/v1/roles (e.g. "member"), or null for no default role');
    }
    if (settings.schedule.frequency === 'cron') {
      if (!settings.schedule.cron) throw badRequest('settings.schedule.cron', 'a cron expression is required when frequency is "cron"', 'e.g. "*/30 * * * *"');
      try {
        nextSyncAt({ ...settings.schedule, enabled: true }, 'check', new Date());
      } catch (e) {
        throw badRequest('settings.schedule.cron', `"${settings.schedule.cron}" is not a valid cron expression (${(e as Error).message})`, 'use five fields: minute hour day-of-month month day-of-week');
      }
    }
    if (settings.schedule.timeZone) {
      try {
        new Intl.DateTimeFormat('en', { timeZone: settings.schedule.timeZone });
      } catch {
        throw badRequest('settings.schedule.timeZone', `unknown time zone "${settings.schedule.timeZone}"`, 'use an IANA name such as "Europe/Berlin"');
      }
    }
    return settings;
  }

  function view(d: DirectoryRecord): DirectoryView {
    const provider = findProvider(d.provider);
    let target = d.provider;
    try {
      if (provider) target = provider.describeTarget(provider.credentialsGuard.parse(JSON.parse(ctx.secretBox.open(d.credentialsEncrypted))));
    } catch {
      target = '(credentials unreadable: check ACCESSIQ_SECRET_KEY)';
    }
    return {
      id: d.id, name: d.name, provider: d.provider, target, settings: d.settings, lastSyncAt: d.lastSyncAt, lastFullSyncAt: d.lastFullSyncAt,
      nextSyncAt: d.settings.schedule.enabled ? d.nextSyncAt : null, consecutiveFailures: d.consecutiveFailures,
      health: d.consecutiveFailures >= UNHEALTHY_AFTER ? 'unhealthy' : d.consecutiveFailures > 0 ? 'failing' : 'healthy',
      createdAt: d.createdAt, updatedAt: d.updatedAt,
    };
  }

  async function get(tenantId: string, id: string) {
    const d = await repos.directories.get(tenantId, id);
    if (!d) throw notFound('directory', id);
    return d;
  }

  function connectorFor(d: DirectoryRecord) {
    const provider = providerOf(d.provider);
    const credentials = provider.credentialsGuard.parse(JSON.parse(ctx.secretBox.open(d.credentialsEncrypted)));
    return { provider, connector: provider.createConnector(credentials, ctx.connectorContext) };
  }

  return {
    view,
    get,

    async create(tenantId: string, input: { name: string; provider: string; credentials: unknown; settings?: DirectorySettingsInput | undefined }) {
      const provider = providerOf(input.provider);
      const credentials = await parseCredentials(provider, input.credentials);
      const settings = await resolveSettings(tenantId, provider, null, input.settings);
      const d = await repos.directories.create(tenantId, {
        name: input.name, provider: provider.id, credentialsEncrypted: ctx.secretBox.seal(JSON.stringify(credentials)), settings,
        nextSyncAt: settings.schedule.enabled ? nextSyncAt(settings.schedule, 'new', new Date()) : null,
      });
      return view(d);
    },

    async list(tenantId: string, page: PageRequest) {
      const p = await repos.directories.list(tenantId, page);
      return { data: p.data.map(view), nextCursor: p.nextCursor };
    },

    async update(tenantId: string, id: string, input: { name?: string | undefined; credentials?: unknown; settings?: DirectorySettingsInput | undefined }) {
      const d = await get(tenantId, id);
      const provider = providerOf(d.provider);
      const credentials = input.credentials !== undefined ? await parseCredentials(provider, input.credentials) : undefined;
      const settings = input.settings ? await resolveSettings(tenantId, provider, d.settings, input.settings) : undefined;
      const scheduleChanged = settings && JSON.stringify(settings.schedule) !== JSON.stringify(d.settings.schedule);
      await repos.directories.update(tenantId, id, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(credentials !== undefined ? { credentialsEncrypted: ctx.secretBox.seal(JSON.stringify(credentials)) } : {}),
        ...(settings ? { settings } : {}),
        ...(scheduleChanged ? { nextSyncAt: settings.schedule.enabled ? nextSyncAt(settings.schedule, id, new Date()) : null } : {}),
      });
      return view(await get(tenantId, id));
    },

    async remove(tenantId: string, id: string) {
      if (!(await repos.directories.delete(tenantId, id))) throw notFound('directory', id);
    },

    async test(tenantId: string, id: string) {
      const d = await get(tenantId, id);
      const { connector } = connectorFor(d);
      const result = await connector.testConnection();
      return { ...result, requests: connector.stats.requests };
    },

    /** The provider's groups, read live (for the user filter and group mapping pickers). */
    async sourceGroups(tenantId: string, id: string, page: PageRequest & { q?: string | undefined }) {
      const d = await get(tenantId, id);
      const { connector } = connectorFor(d);
      const all: Array<{ id: string; name: string; description: string | null; type: string | null }> = [];
      try {
        for await (const batch of connector.listGroups()) {
          for (const g of batch) all.push({ id: g.externalId, name: g.name, description: g.description ?? null, type: typeof g.raw.type === 'string' ? g.raw.type : null });
        }
      } catch (e) {
        throw providerToApiError(e);
      }
      const q = page.q?.toLowerCase();
      const filtered = (q ? all.filter((g) => g.name.toLowerCase().includes(q)) : all).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
      return slicePage(filtered, page, (g) => g.id);
    },

    async sourceOrgUnits(tenantId: string, id: string, page: PageRequest) {
      const d = await get(tenantId, id);
      const { provider, connector } = connectorFor(d);
      if (!provider.capabilities.supportsOrgUnits || !connector.listOrgUnits) {
        throw new ApiError(400, 'not_supported', `${provider.displayName} has no organizational units; filter users by groups instead.`);
      }
      try {
        const units = await connector.listOrgUnits();
        return slicePage(units.sort((a, b) => a.path.localeCompare(b.path)).map((u) => ({ ...u, id: u.path })), page, (u) => u.path);
      } catch (e) {
        throw providerToApiError(e);
      }
    },

    async startSync(tenantId: string, id: string, opts: { dryRun: boolean; trigger: RunTrigger; full?: boolean }) {
      await get(tenantId, id);
      const result = await repos.runs.enqueue(tenantId, id, { dryRun: opts.dryRun, trigger: opts.trigger, mode: opts.full ? 'full' : 'auto' });
      ctx.notifyWorkers();
      return result;
    },
  };
}

function slicePage<T>(items: T[], page: PageRequest, keyOf: (t: T) => string) {
  const limit = clampLimit(page.limit);
  let start = 0;
  if (page.cursor) {
    const [, last] = decodeCursor(page.cursor);
    start = items.findIndex((i) => keyOf(i) === last) + 1;
  }
  const data = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return { data, nextCursor: more && data.length ? encodeCursor('', keyOf(data[data.length - 1]!)) : null };
}

export function providerToApiError(e: unknown): ApiError {
  if (isProviderError(e)) {
    const status = e.code === 'auth_failed' || e.code === 'permission_denied' || e.code === 'not_found' || e.code === 'bad_request' ? 422 : 502;
    return new ApiError(status, `provider_${e.code}`, e.message, e.details.hint ? { hint: e.details.hint } : undefined);
  }
  throw e;
}

export function zodToApiError(error: z.ZodError, prefix: string): ApiError {
  const issues = error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].join('.'), message: i.message }));
  const first = issues[0]!;
  return new ApiError(400, 'invalid_request', `${first.path}: ${first.message}`, { issues });
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
