/**
 * One provider on one engine, ready for fault cases: the real service (short connector timeout),
 * the provider's emulator, tenant A's directory (the one faults hit) and tenant B's reference
 * directory reading the same emulator (safeguards off). After a successful faulty run in A, a
 * clean sync of B gives "the correct new state" to compare with, key by key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'vitest';
import type { Engine } from '../../support/databases.js';
import type { ProviderAdapter, StartedEmulator } from '../../support/provider-adapters.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { createApiClient, type ApiClient } from '../../support/api-client.js';
import { startOktaEmulator } from '../../../emulators/okta/index.js';
import type { Fault } from '../../../emulators/shared/faults.js';
import { naturalDiff, naturalState, snapshotDatabase } from './db-snapshot.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- API bodies, asserted field by field

/** Connector timeout in the fault suite: a `slow` fault of TIMEOUT_MS + 400 is a timeout. */
export const TIMEOUT_MS = 1000;
/** Attempts per request: a fault with `times` ≥ ATTEMPTS outlives the retries. */
export const ATTEMPTS = 3;

/** What differs per provider for faults beyond the shared adapter. */
export interface FaultProfile {
  groupsPath: string;
  membersPath(groupId: string): string;
  /** Members per page the connector asks for. */
  membersPageSize: number;
  /** Okta sends X-Rate-Limit-Reset on every response; a bare 429 would wait out Okta's minute window. */
  bare429: boolean;
  oktaReset: boolean;
}

export const PROFILES: Record<ProviderAdapter['provider'], FaultProfile> = {
  okta: { groupsPath: '/api/v1/groups', membersPath: (id) => `/api/v1/groups/${id}/users`, membersPageSize: 200, bare429: false, oktaReset: true },
  entra: { groupsPath: '/v1.0/groups', membersPath: (id) => `/v1.0/groups/${id}/members`, membersPageSize: 999, bare429: true, oktaReset: false },
  google: { groupsPath: '/admin/directory/v1/groups', membersPath: (id) => `/admin/directory/v1/groups/${encodeURIComponent(id)}/members`, membersPageSize: 200, bare429: true, oktaReset: false },
};

/**
 * Okta runs as an OAuth service app (Okta's recommended setup), so "expired token mid-run" has a
 * token to refresh: an SSWS API token cannot be renewed. The other providers use the adapter.
 */
async function startEmulator(adapter: ProviderAdapter, users: number, groups: number): Promise<StartedEmulator> {
  if (adapter.provider !== 'okta') return adapter.start({ users, groups });
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const clientId = '0oaFaultSuite';
  const emulator = await startOktaEmulator({ users, groups, seed: 7, token: 'okta-fault-token', oauthClients: [{ clientId, publicKey: keys.publicKey, scopes: ['okta.users.read', 'okta.groups.read'] }] });
  return { emulator, credentials: { orgUrl: emulator.url, clientId, privateKey }, badCredentials: { orgUrl: emulator.url, apiToken: 'nope' } };
}

export interface RunResult {
  id: string;
  status: string;
  mode: string;
  error: { code: string; message: string } | null;
  counts: Record<string, number>;
}

export async function startFaultRig(adapter: ProviderAdapter, engine: Engine) {
  // ≥ 3 pages of users; 14 groups = 12 departments + 2 teams that hold almost everyone, so both
  // teams are larger than any provider's page (the "group larger than a page" case for free)
  const users = adapter.pageSize * 2 + 60;
  const svc: TestService = await startTestService(engine, {}, {
    retry: { attempts: ATTEMPTS, timeoutMs: TIMEOUT_MS },
    // the SQLite outage is staged inside the sync thread, beside the connection that applies
    syncThreadPreload: [new URL('./sqlite-outage-hook.ts', import.meta.url).href],
  });
  const emu = await startEmulator(adapter, users, 14);
  const profile = PROFILES[adapter.provider];
  const state = emu.emulator.state;

  const big = [...state.groups].filter((g) => g.kind === 'team').sort((a, b) => b.memberKeys.length - a.memberKeys.length)[0]!;
  const bigGroupId = emu.emulator.idOfGroup(big.key);

  const ref = await svc.ctx.repos.tenants.create('reference');
  const refToken = (await svc.ctx.repos.tokens.create(ref.tenantId, 'fault suite reference')).token;
  const refApi: ApiClient = createApiClient(svc.url, refToken);
  const tenantId = (await svc.ctx.repos.tenants.findByName('default'))!.id;

  async function addDirectory(api: ApiClient, name: string, safeguardsOff: boolean) {
    const d = await api.post('/api/v1/directories', { name, provider: adapter.provider, credentials: emu.credentials });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    const org = await api.post('/api/v1/organizations', { name: 'Engineering org' });
    expect(org.status, JSON.stringify(org.body)).toBe(201);
    const m = await api.post(`/api/v1/directories/${d.body.id}/group-mappings`, { sourceGroupId: bigGroupId, organizationId: org.body.id, role: 'admin' });
    expect(m.status, JSON.stringify(m.body)).toBe(201);
    if (safeguardsOff) {
      const p = await api.patch(`/api/v1/directories/${d.body.id}`, { settings: { safeguards: { maxDeactivationPercent: 100, maxDeactivationCount: 1_000_000, maxGroupDeletionPercent: 100, maxGroupDeletionCount: 1_000_000, maxMembershipRemovalPercent: 100 } } });
      expect(p.status, JSON.stringify(p.body)).toBe(200);
    }
    return d.body.id as string;
  }
  const directoryId = await addDirectory(svc.api, `${adapter.provider} (faults)`, false);
  const refDirectoryId = await addDirectory(refApi, `${adapter.provider} (reference)`, true);

  /** Read faults hit full reads (`full: true`: Entra would otherwise run an incremental delta round);
   * `{}` lets the service pick the mode, as Sync Now does. */
  const syncA = async (body: { full?: boolean } = { full: true }): Promise<RunResult> => svc.api.sync(directoryId, body);
  const syncRef = async (): Promise<RunResult> => {
    const run = await refApi.sync(refDirectoryId, { full: true });
    expect(run.status, `reference sync: ${JSON.stringify(run.error)}`).toBe('succeeded');
    return run;
  };

  // people nobody reports to: renaming them changes no one else's manager attribute
  const managers = new Set(state.people.map((p) => p.managerKey));
  const renamable = state.people.filter((p) => p.state === 'active' && !managers.has(p.key) && p.email);
  let changes = 0;

  return {
    svc, emu, adapter, engine, profile, tenantId, refTenantId: ref.tenantId, refApi, directoryId, refDirectoryId,
    bigGroupKey: big.key, bigGroupId,
    supportsDelta: 'invalidateDeltaTokens' in emu.emulator,
    /** Entra: every delta token issued so far answers 410 syncStateNotFound. */
    expireDeltaTokens() {
      const e: object = emu.emulator;
      if ('invalidateDeltaTokens' in e && typeof e.invalidateDeltaTokens === 'function') e.invalidateDeltaTokens();
    },
    syncA, syncRef,
    /** A small change at the source, so a successful run has something to apply: one user renamed,
     * one added (to the mapped group: a membership and a grant too). */
    change() {
      changes++;
      const p = renamable[changes % renamable.length]!;
      state.updatePerson(p.key, { familyName: `Renamed ${changes}` });
      const added = state.addPerson({ givenName: 'Fault', familyName: `Case ${changes}`, email: `fault.case${changes}@example.test`, state: 'active' });
      state.addMember(big.key, added.key);
    },
    inject(faults: Fault[]) {
      emu.emulator.faults.clear();
      for (const f of faults) emu.emulator.faults.add(f);
    },
    snapshot: () => snapshotDatabase(svc.ctx.store.db),
    /** Tenant A's directory against a clean sync of the same source in tenant B: {} when equal. */
    async diffWithCleanSync() {
      await syncRef();
      const [a, b] = await Promise.all([naturalState(svc.ctx.store.db, tenantId, directoryId), naturalState(svc.ctx.store.db, ref.tenantId, refDirectoryId)]);
      return naturalDiff(a, b);
    },
    async log(runId: string, kind: string): Promise<Json[]> {
      return svc.api.all<Json>(`/api/v1/sync-runs/${runId}/log?kind=${kind}`);
    },
    async close() {
      await emu.emulator.close();
      await svc.close();
    },
  };
}

export type FaultRig = Awaited<ReturnType<typeof startFaultRig>>;
