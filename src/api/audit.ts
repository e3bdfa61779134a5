/**
 * Records who changed what into the audit log, from the route that made the change. Details pass
 * through `maskSecrets` here once more, so a caller that forgets cannot leak a credential.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditRepository } from '../store/repositories/audit-repository.js';

declare module 'fastify' {
  interface FastifyInstance {
    auditLog: AuditRepository;
  }
}

export const REDACTED = '[redacted]';

export function registerAuditLog(app: FastifyInstance, repo: AuditRepository) {
  app.decorate('auditLog', repo);
}

export interface AuditTarget {
  type: string;
  id: string;
}

/**
 * Writes one entry for the request's tenant and actor. `as` overrides both where the request has
 * none yet (sign-in is public: the admin is known only once the password checked out).
 */
export async function audit(req: FastifyRequest, action: string, target: AuditTarget, details?: Record<string, unknown> | null, as?: { tenantId: string; actor: string }) {
  const tenantId = as?.tenantId ?? req.tenantId;
  const actor = as?.actor ?? req.actor;
  await req.server.auditLog.record(tenantId, { actor, action, targetType: target.type, targetId: target.id, details: details ? maskSecrets(details) : null });
}

/**
 * Keys whose values are not secret in any provider's credentials; every other leaf of a
 * credentials object is replaced by "[redacted]" (an allow-list: a new secret field is masked by default).
 */
const PUBLIC_CREDENTIAL_KEYS = new Set([
  'orgUrl', 'clientId', 'keyId', 'scopes', 'tenantId', 'cloud', 'endpoints', 'login', 'graph', 'directory',
  'adminEmail', 'customerId', 'serviceAccountKey', 'type', 'client_email', 'client_id', 'token_uri', 'project_id', 'private_key_id',
]);

/** Credentials as the audit log may show them: structure and public fields kept, secrets "[redacted]". */
export function maskCredentials(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return key && PUBLIC_CREDENTIAL_KEYS.has(key) ? value.map((v) => maskCredentials(v, key)) : REDACTED;
  if (value && typeof value === 'object') {
    if (key && !PUBLIC_CREDENTIAL_KEYS.has(key)) return REDACTED;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskCredentials(v, k)]));
  }
  if (key === undefined || !PUBLIC_CREDENTIAL_KEYS.has(key)) return REDACTED;
  // a key file pasted as text is one string: it holds the private key, so it is masked whole
  return key === 'serviceAccountKey' ? REDACTED : value;
}

const SECRET_KEY = /secret|token$|password|private_?key|apikey|api_token|authorization|cookie/i;

/** Belt and braces over any details object: secret-looking keys masked at any depth (credentials get maskCredentials). */
export function maskSecrets(value: Record<string, unknown>): Record<string, unknown> {
  const walk = (v: unknown, key: string | undefined): unknown => {
    if (key === 'credentials') return maskCredentials(v);
    if (key && SECRET_KEY.test(key) && key !== 'tokenPrefix') return REDACTED;
    if (Array.isArray(v)) return v.map((x) => walk(x, undefined));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(value, undefined) as Record<string, unknown>;
}

/** `{ "a.b": {from, to} }` for every leaf that differs (arrays compared whole). */
export function diffObjects(before: unknown, after: unknown): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  const walk = (a: unknown, b: unknown, path: string) => {
    if (isObj(a) && isObj(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[k], b[k], path ? `${path}.${k}` : k);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out[path] = { from: a ?? null, to: b ?? null };
  };
  walk(before, after, '');
  return out;
}
