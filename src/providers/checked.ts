/**
 * zod checks what a provider sent, and the JSON itself is kept, not zod's copy of it. zod 4
 * rebuilds every object it parses, and its copy of a loose object (`z.looseObject`, unknown keys
 * kept) is a dictionary-mode object in V8: a Google or Okta user record then took about twice the
 * memory of the one JSON.parse made, was slower to hash and map, and the copy itself cost CPU on
 * every page. Only for guards without transforms, defaults or coercion, whose input already has
 * the checked type (test/providers/checked-guards.test.ts walks every guard used here).
 */
import type { z } from 'zod';

export function checked<S extends z.ZodType>(guard: S, value: unknown): z.ZodSafeParseResult<z.output<S>> {
  const r = guard.safeParse(value);
  return r.success ? { success: true, data: value as z.output<S> } : r;
}
