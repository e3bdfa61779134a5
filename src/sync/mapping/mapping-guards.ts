/** zod guards for mappings arriving from request bodies, settings and JSON columns. */
import { z } from 'zod';

/** A complete mapping: `{ targetField: expression }`. Expressions are validated by compileMapping. */
export const attributeMappingGuard = z.record(z.string(), z.string());

/** An admin's overrides of the provider defaults: null or "" removes a default target. */
export const attributeMappingOverridesGuard = z.record(z.string(), z.string().nullable());
