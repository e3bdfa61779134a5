/**
 * A directory's mapping is the provider's defaults with the admin's overrides on top: an override
 * replaces the default expression, and an override of "" (or only spaces) or null removes the target.
 * Inputs are not modified; the result lists default targets first, in their order, then new ones.
 */
export function mergeWithDefaults(
  defaults: Readonly<Record<string, string>>,
  overrides: Readonly<Record<string, string | null | undefined>>,
): Record<string, string> {
  const merged = new Map(Object.entries(defaults));
  for (const [target, expression] of Object.entries(overrides)) {
    if (expression === undefined) continue;
    if (expression === null || expression.trim() === '') merged.delete(target);
    else merged.set(target, expression);
  }
  // fromEntries defines own properties, so a "__proto__" key stays a key (and compile rejects it).
  return Object.fromEntries(merged);
}
