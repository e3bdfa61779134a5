/** zod schemas of the console's own routes; the console's script parses answers with them too. */
import { z } from 'zod';

export const consoleAdmin = z.object({ id: z.string(), email: z.string(), tenantId: z.string(), tenantName: z.string() });
export const sessionState = z.object({ admin: consoleAdmin.nullable(), setupRequired: z.boolean() });
export const signedIn = z.object({ admin: consoleAdmin, expiresAt: z.string() });
export const apiToken = z.object({ id: z.string(), name: z.string(), prefix: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable() });
export const createdApiToken = apiToken.extend({ token: z.string() });

export const mappedValues = z.object({
  email: z.string().nullable(), givenName: z.string().nullable(), familyName: z.string().nullable(), displayName: z.string().nullable(),
  attributes: z.record(z.string(), z.string().nullable()),
});
export const mappingPreview = z.object({
  sample: z.object({ externalId: z.string(), enabled: z.boolean(), raw: z.record(z.string(), z.unknown()) }).nullable(),
  sampleCount: z.number(),
  values: mappedValues.nullable(),
  missing: z.array(z.string()),
  errors: z.array(z.object({ target: z.string(), message: z.string(), hint: z.string(), position: z.number().optional() })),
});

export const providerInfo = z.object({
  id: z.string(), displayName: z.string(),
  capabilities: z.object({ supportsDelta: z.boolean(), supportsNestedGroups: z.boolean(), supportsOrgUnits: z.boolean() }),
  defaultAttributeMapping: z.record(z.string(), z.string()),
  knownSourcePaths: z.array(z.string()),
});
export const providerList = z.object({ data: z.array(providerInfo) });
