import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal records hash equally whatever the provider's key order. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/** A content hash of a record minus fields that change without meaning (logins, etags, links). */
export function contentHash(value: unknown, volatileKeys: ReadonlySet<string> = VOLATILE_KEYS): string {
  return createHash('sha1').update(stableStringify(strip(value, volatileKeys))).digest('base64url');
}

export const VOLATILE_KEYS: ReadonlySet<string> = new Set(['lastLogin', 'lastLoginTime', 'signInActivity', 'etag', '@odata.etag', '_links', 'lastUpdated', 'passwordChanged', 'lastPasswordChangeDateTime']);

function strip(value: unknown, keys: ReadonlySet<string>): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (!keys.has(k)) out[k] = v;
  return out;
}
