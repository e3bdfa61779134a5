/**
 * Child process: one provider emulator (`okta` | `entra` | `google`) over the deterministic sample
 * company, optionally enforcing a rate limit. Sends `{ url, credentials }` when ready; answers
 * `statuses` (responses by HTTP status, admin calls excluded) and `resetStatuses`.
 * argv: <provider> <users> <groups> <seed> [rateLimit JSON]
 */
import { ServerResponse } from 'node:http';
import { z } from 'zod';
import { serveParent } from './child-process.js';
import { startOktaEmulator } from '../emulators/okta/index.js';
import { startEntraEmulator } from '../emulators/entra/index.js';
import { startGoogleEmulator } from '../emulators/google/index.js';
import type { EmulatorHandle } from '../emulators/shared/emulator-handle.js';

const [provider, users, groups, seed, limitJson] = process.argv.slice(2);
const n = (s: string | undefined) => z.coerce.number().int().nonnegative().parse(s);
const limit = limitJson ? z.object({ requests: z.number().int().positive(), windowMs: z.number().int().positive() }).parse(JSON.parse(limitJson)) : undefined;

// Count every API response by status (the 429 share of a throttled run), whatever the emulator's
// own send helper: patching `end` sees the final status of each response exactly once.
const statuses = new Map<number, number>();
const counted = new WeakSet<ServerResponse>();
const originalEnd = ServerResponse.prototype.end;
ServerResponse.prototype.end = function end(this: ServerResponse, ...args: unknown[]) {
  if (!counted.has(this) && !this.req?.url?.startsWith('/__admin')) {
    counted.add(this);
    statuses.set(this.statusCode, (statuses.get(this.statusCode) ?? 0) + 1);
  }
  return (originalEnd as (...a: unknown[]) => ServerResponse).apply(this, args);
} as typeof ServerResponse.prototype.end;

const base = { users: n(users), groups: n(groups), seed: n(seed) };
let handle: EmulatorHandle;
let credentials: Record<string, unknown>;
if (provider === 'okta') {
  const token = 'bench-okta-token';
  handle = await startOktaEmulator({ ...base, token, ...(limit ? { rateLimit: { perMinute: limit.requests, windowMs: limit.windowMs } } : {}) });
  credentials = { orgUrl: handle.url, apiToken: token };
} else if (provider === 'entra') {
  const clientSecret = 'bench-entra-secret';
  const h = await startEntraEmulator({ ...base, clientSecret, ...(limit ? { rateLimit: { limit: limit.requests, windowMs: limit.windowMs } } : {}) });
  handle = h;
  credentials = { tenantId: h.tenantId, clientId: h.clientId, clientSecret, endpoints: { login: h.url, graph: h.url } };
} else if (provider === 'google') {
  // 429 rateLimitExceeded: the bench counts 429s; Google's per-user quota answers the same way
  const h = await startGoogleEmulator({ ...base, ...(limit ? { rateLimit: { requests: limit.requests, windowMs: limit.windowMs, reason: 'rateLimitExceeded' as const } } : {}) });
  handle = h;
  credentials = { serviceAccountKey: h.serviceAccountKey, adminEmail: h.adminEmail, endpoints: { directory: h.url } };
} else {
  throw new Error(`unknown provider ${provider}`);
}

serveParent(
  { url: handle.url, credentials },
  {
    statuses: () => Object.fromEntries(statuses),
    resetStatuses: () => void statuses.clear(),
    counts: () => ({ people: handle.state.people.length, groups: handle.state.groups.length, memberships: handle.state.memberships() }),
  },
  () => handle.close(),
);
