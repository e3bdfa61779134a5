import { hash } from 'node:crypto';

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

const digest = (text: string) => hash('sha1', text, 'base64url');

/**
 * The mirror's content hash of a provider's record wrapped with a few fields of its own: SHA-1 of
 * the JSON of `{ ...fields, raw }` with the wrapper's and the record's own keys sorted and the
 * record's volatile keys left out. Objects inside the record are hashed as the provider sent them,
 * by V8's native JSON.stringify: sorting every nested object in JavaScript (stableStringify) was
 * two thirds of the hash's cost, and providers send their records in a fixed key order (a reorder
 * only rewrites those mirror rows once). Runs over every user and group record of every read.
 */
export function recordHash(fields: Record<string, unknown>, raw: Record<string, unknown>): string {
  const wrapper: Record<string, unknown> = {};
  for (const k of [...Object.keys(fields), 'raw'].sort()) wrapper[k] = k === 'raw' ? topLevelSorted(raw) : fields[k];
  return digest(JSON.stringify(wrapper));
}

/** The record's non-volatile top-level fields, keys inserted in sorted order (a shallow copy). */
function topLevelSorted(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(raw).sort()) {
    if (VOLATILE_KEYS.has(k)) continue;
    // a record's own "__proto__" key is data: assigning it would set the copy's prototype instead
    if (k === '__proto__') Object.defineProperty(out, k, { value: raw[k], enumerable: true, writable: true, configurable: true });
    else out[k] = raw[k];
  }
  return out;
}

export const VOLATILE_KEYS: ReadonlySet<string> = new Set(['lastLogin', 'lastLoginTime', 'signInActivity', 'etag', '@odata.etag', '_links', 'lastUpdated', 'lastMembershipUpdated', 'passwordChanged', 'lastPasswordChangeDateTime']);
