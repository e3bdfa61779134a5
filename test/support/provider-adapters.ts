/**
 * One adapter per provider for the shared scenario suite: how to start its emulator, the
 * credentials to give AccessIQ, and the few facts that differ (page size, users-list path, the
 * throttling fault the provider really sends). Adding a provider = adding an adapter here.
 */
import type { EmulatorHandle } from '../../emulators/shared/emulator-handle.js';
import type { Fault } from '../../emulators/shared/faults.js';
import type { PersonState } from '../../emulators/shared/company.js';
import { startOktaEmulator } from '../../emulators/okta/index.js';
import { startEntraEmulator } from '../../emulators/entra/index.js';
import { startGoogleEmulator } from '../../emulators/google/index.js';

export interface StartedEmulator {
  emulator: EmulatorHandle;
  credentials: Record<string, unknown>;
  badCredentials: Record<string, unknown>;
}

export interface ProviderAdapter {
  provider: 'okta' | 'entra' | 'google';
  /** Users per page the connector asks for. */
  pageSize: number;
  /** Pathname substring of the users listing, for fault matching. */
  usersPath: string;
  /** A 429 as this provider sends it, asking to wait about a second. */
  throttle: Fault;
  /** States the provider reports as enabled (AccessIQ keeps those users active). */
  enabledStates: ReadonlySet<PersonState>;
  start(o: { users: number; groups: number; seed?: number }): Promise<StartedEmulator>;
}

export const oktaAdapter: ProviderAdapter = {
  provider: 'okta',
  pageSize: 200,
  usersPath: '/api/v1/users',
  throttle: { kind: 'rate_limit', oktaResetSeconds: 1, match: { path: '/api/v1/users' } },
  enabledStates: new Set(['active', 'recovery', 'password_expired', 'locked_out']),
  async start({ users, groups, seed = 7 }) {
    const token = 'okta-scenario-token';
    const emulator = await startOktaEmulator({ users, groups, seed, token });
    return { emulator, credentials: { orgUrl: emulator.url, apiToken: token }, badCredentials: { orgUrl: emulator.url, apiToken: 'not-the-token' } };
  },
};

export const entraAdapter: ProviderAdapter = {
  provider: 'entra',
  pageSize: 999,
  usersPath: '/v1.0/users',
  throttle: { kind: 'rate_limit', retryAfterSeconds: 1, match: { path: '/v1.0/users' } },
  enabledStates: new Set(['active', 'staged', 'provisioned', 'recovery', 'password_expired', 'locked_out']),
  async start({ users, groups, seed = 7 }) {
    const emulator = await startEntraEmulator({ users, groups, seed, clientSecret: 'entra-scenario-secret' });
    const base = { tenantId: emulator.tenantId, clientId: emulator.clientId, endpoints: { login: emulator.url, graph: emulator.url } };
    return { emulator, credentials: { ...base, clientSecret: 'entra-scenario-secret' }, badCredentials: { ...base, clientSecret: 'wrong-secret' } };
  },
};

export const googleAdapter: ProviderAdapter = {
  provider: 'google',
  pageSize: 500,
  usersPath: '/admin/directory/v1/users',
  throttle: { kind: 'rate_limit', retryAfterSeconds: 1, match: { path: '/admin/directory/v1/users' } },
  enabledStates: new Set(['active', 'staged', 'provisioned', 'recovery', 'password_expired', 'locked_out']),
  async start({ users, groups, seed = 7 }) {
    const emulator = await startGoogleEmulator({ users, groups, seed });
    const base = { serviceAccountKey: emulator.serviceAccountKey, adminEmail: emulator.adminEmail, endpoints: { directory: emulator.url } };
    return { emulator, credentials: base, badCredentials: { ...base, adminEmail: 'nobody@elsewhere.test' } };
  },
};

export const ADAPTERS: ProviderAdapter[] = [oktaAdapter, entraAdapter, googleAdapter];
