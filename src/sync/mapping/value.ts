/**
 * Values inside the mapping language are strings or null ("nothing"). Evaluators get the raw
 * provider record and a list to which each source path that resolved to nothing is appended once.
 */
export type Evaluate = (raw: unknown, missing: string[]) => string | null;

/** null and whitespace-only strings count as empty everywhere (default, join, templates, missing). */
export function isBlank(value: string | null): value is null {
  return value === null || value.trim() === '';
}

/** Scalars become strings; null, undefined, NaN/±Infinity, arrays and objects become null. */
export function toScalarString(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? String(value) : null;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    default:
      return null;
  }
}

export function recordMissing(missing: string[], path: string): void {
  if (!missing.includes(path)) missing.push(path);
}
