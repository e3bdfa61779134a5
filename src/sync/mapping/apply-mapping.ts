/** Evaluates a compiled mapping against one provider record; never throws, whatever the record holds. */
import type { CompiledMapping } from './compile-mapping.js';

export interface MappedValues {
  email: string | null;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  /** Only the attributes the mapping names; an attribute whose value is empty is null. */
  attributes: Record<string, string | null>;
}

export interface MappingResult {
  values: MappedValues;
  /** Source paths (as written in the mapping) that resolved to nothing, each once, in evaluation
   * order; a path skipped by a successful default(…) is not listed. */
  missing: string[];
}

/** Every value is trimmed of surrounding whitespace; an empty result is null. Fields the mapping
 * does not name are null. */
export function applyMapping(compiled: CompiledMapping, raw: unknown): MappingResult {
  const missing: string[] = [];
  const values: MappedValues = { email: null, givenName: null, familyName: null, displayName: null, attributes: {} };
  for (const target of compiled.targets) {
    const result = target.evaluate(raw, missing);
    const value = result === null ? null : result.trim() || null;
    if (target.core !== null) values[target.core] = value;
    else if (target.attribute !== null) values.attributes[target.attribute] = value;
  }
  return { values, missing };
}
