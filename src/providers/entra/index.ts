/** Microsoft Entra ID (Azure AD) via Microsoft Graph v1.0. */
import type { ProviderDefinition } from '../provider-definition.js';
import { entraEndpointRules } from './endpoint-rules.js';
import { createEntraConnector } from './connector.js';
import { entraCredentialsGuard, entraEndpoints } from './credentials.js';
import type { EntraCredentials } from './credentials.js';
import { entraDefaultAttributeMapping, entraKnownSourcePaths } from './defaults.js';

export type { EntraCredentials } from './credentials.js';
export { entraCredentialsGuard } from './credentials.js';

export const entraProvider: ProviderDefinition<EntraCredentials> = {
  id: 'entra',
  displayName: 'Microsoft Entra ID',
  capabilities: { supportsDelta: true, supportsNestedGroups: true, supportsOrgUnits: false },
  credentialsGuard: entraCredentialsGuard,
  endpointsOf: (c) => {
    const e = entraEndpoints(c);
    return [e.login, e.graph];
  },
  endpointRules: entraEndpointRules,
  describeTarget: (c) => `${c.tenantId} (${new URL(entraEndpoints(c).graph).host})`,
  createConnector: (c, ctx) => createEntraConnector(c, ctx),
  defaultAttributeMapping: entraDefaultAttributeMapping,
  knownSourcePaths: entraKnownSourcePaths,
};
