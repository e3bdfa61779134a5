/**
 * The mapping stage: in-scope directory users → AccessIQ values, with a per-record error for a
 * record that cannot become a valid user (bad email); the rest of the run proceeds.
 */
import { applyMapping, normalizeEmail, validateEmail, type CompiledMapping } from './mapping/index.js';
import type { MirrorUser } from './plan.js';
import type { PlannedUser } from './planner.js';

const MAX_VALUE_LENGTH = 1024;

/** Source paths the mapping names that some records lack: how many, and a few of those records. */
export type MissingFields = Map<string, { count: number; sample: string[] }>;

export function mapUsers(users: MirrorUser[], mapping: CompiledMapping): { users: PlannedUser[]; missing: MissingFields } {
  const missing: MissingFields = new Map();
  const mapped = users.map((u) => mapUser(u, mapping, (paths) => countMissing(missing, paths, u.externalId)));
  return { users: mapped, missing };
}

/**
 * Maps users page by page as a whole read receives them, before the scope is known (it needs every
 * member list), so their records can be let go; `pick` then gives what `mapUsers` would for the
 * in-scope users. Costs a mapping per out-of-scope user, not a second pass over 100k records.
 */
export function createReadMapper(mapping: CompiledMapping) {
  const byId = new Map<string, { user: PlannedUser; missing?: string[] }>();
  return {
    add(u: MirrorUser): void {
      let missing: string[] | undefined;
      const user = mapUser(u, mapping, (paths) => { missing = paths; });
      byId.set(u.externalId, missing ? { user, missing } : { user });
    },
    pick(users: readonly MirrorUser[]): { users: PlannedUser[]; missing: MissingFields } {
      const missing: MissingFields = new Map();
      const mapped = users.map((u) => {
        const m = byId.get(u.externalId);
        if (!m) throw new Error(`User ${u.externalId} was read but never mapped.`);
        if (m.missing) countMissing(missing, m.missing, u.externalId);
        return m.user;
      });
      byId.clear();
      return { users: mapped, missing };
    },
  };
}

function countMissing(missing: MissingFields, paths: readonly string[], externalId: string) {
  for (const path of paths) {
    let m = missing.get(path);
    if (!m) missing.set(path, (m = { count: 0, sample: [] }));
    m.count++;
    if (m.sample.length < 5) m.sample.push(externalId);
  }
}

export function mapUser(u: MirrorUser, mapping: CompiledMapping, onMissing?: (paths: string[]) => void): PlannedUser {
  if (u.raw === null) throw new Error(`The record of user ${u.externalId} was staged and let go before it was mapped.`);
  const { values, missing } = applyMapping(mapping, u.raw);
  if (missing.length) onMissing?.(missing);
  const subject = values.email ?? values.displayName ?? u.externalId;
  const fail = (message: string, hint: string): PlannedUser => ({ externalId: u.externalId, enabled: u.enabled, result: { ok: false, error: { externalId: u.externalId, subject, message, hint } } });
  let emailNormalized: string | null = null;
  if (values.email !== null) {
    const problem = validateEmail(values.email);
    if (problem) return fail(`The mapped email "${truncate(values.email)}" is not valid: ${problem}.`, 'Fix the address in the directory, or map email to another field in Attribute mapping.');
    emailNormalized = normalizeEmail(values.email);
  }
  for (const [field, value] of [['givenName', values.givenName], ['familyName', values.familyName], ['displayName', values.displayName], ...Object.entries(values.attributes).map(([k, v]) => [`attributes.${k}`, v])] as const) {
    if (value && value.length > MAX_VALUE_LENGTH) return fail(`The mapped ${field} is ${value.length} characters long; at most ${MAX_VALUE_LENGTH} are kept.`, `Map ${field} to a shorter field, or cut it with substring(…, 0, ${MAX_VALUE_LENGTH}).`);
    // eslint-disable-next-line no-control-regex -- control characters are exactly what we reject
    if (value && /[\u0000-\u001f\u007f]/.test(value)) return fail(`The mapped ${field} contains control characters.`, 'Clean the value in the directory.');
  }
  // a literal, not `{ ...values, emailNormalized }`: V8 gives a spread copy a ~350-byte backing
  // store against ~80 for a literal, ~27 MiB held from planning to commit at 100k users
  const { email, givenName, familyName, displayName, attributes } = values;
  return { externalId: u.externalId, enabled: u.enabled, result: { ok: true, values: { email, givenName, familyName, displayName, attributes, emailNormalized } } };
}

const truncate = (s: string) => (s.length > 80 ? s.slice(0, 77) + '…' : s);
