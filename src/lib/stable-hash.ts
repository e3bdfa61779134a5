import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted, so equal records hash equally whatever the provider's key order.
 * Keys listed in `skip` are left out of the outermost object only. Built by concatenation (no
 * entry arrays per object): it runs over every user and group record of every read.
 */
export function stableStringify(value: unknown, skip?: ReadonlySet<string>): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + stableStringify(value[i]);
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  // plain string comparison (UTF-16 code units), the same order as `a < b`
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const k of keys) {
    const v = record[k];
    if (v === undefined || skip?.has(k)) continue;
    out += (out.length > 1 ? ',' : '') + JSON.stringify(k) + ':' + stableStringify(v);
  }
  return out + '}';
}

/** A content hash of a record minus fields that change without meaning (logins, etags, links). */
export function contentHash(value: unknown, volatileKeys: ReadonlySet<string> = VOLATILE_KEYS): string {
  return digest(stableStringify(value, volatileKeys));
}

const digest = (text: string) => createHash('sha1').update(text).digest('base64url');

/**
 * The content hash of a record wrapped with a few fields of its own: exactly
 * `contentHash({ ...fields, raw: withoutVolatile(raw) })`, so stored hashes do not change, but
 * without copying the record and deleting its volatile keys (which left V8 a slow dictionary-mode
 * object per Okta user to walk).
 */
export function recordHash(fields: Record<string, unknown>, raw: Record<string, unknown>): string {
  let out = '{';
  for (const k of [...Object.keys(fields), 'raw'].sort()) {
    const v = k === 'raw' ? raw : fields[k];
    if (v === undefined || VOLATILE_KEYS.has(k)) continue;
    out += (out.length > 1 ? ',' : '') + JSON.stringify(k) + ':' + (k === 'raw' ? stableStringify(raw, VOLATILE_KEYS) : stableStringify(v));
  }
  return digest(out + '}');
}

export const VOLATILE_KEYS: ReadonlySet<string> = new Set(['lastLogin', 'lastLoginTime', 'signInActivity', 'etag', '@odata.etag', '_links', 'lastUpdated', 'lastMembershipUpdated', 'passwordChanged', 'lastPasswordChangeDateTime']);

/** A provider's record without its volatile top-level fields (the same object when it has none). */
export function withoutVolatile(raw: Record<string, unknown>, volatileKeys: ReadonlySet<string> = VOLATILE_KEYS): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const k of volatileKeys) {
    if (!(k in raw)) continue;
    out ??= { ...raw };
    delete out[k];
  }
  return out ?? raw;
}
