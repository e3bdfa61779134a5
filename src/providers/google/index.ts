/** Google Workspace (Admin SDK Directory API v1) as a provider of this build. */
import type { ProviderDefinition } from '../provider-definition.js';
import { googleEndpointRules } from './endpoint-rules.js';
import { createGoogleConnector, googleCapabilities } from './connector.js';
import { directoryRootOf, googleCredentialsGuard, type GoogleCredentials } from './credentials.js';
import { googleDefaultAttributeMapping, googleKnownSourcePaths } from './defaults.js';

export type { GoogleCredentials } from './credentials.js';
export { googleCredentialsGuard } from './credentials.js';
export { createGoogleConnector } from './connector.js';

export const googleProvider: ProviderDefinition<GoogleCredentials> = {
  id: 'google',
  displayName: 'Google Workspace',
  capabilities: googleCapabilities,
  credentialsGuard: googleCredentialsGuard,
  endpointsOf: (c) => [c.serviceAccountKey.token_uri, directoryRootOf(c)],
  // The admin's domain names the Workspace; the customer id only when one was given.
  endpointRules: googleEndpointRules,
  describeTarget: (c) => {
    const domain = c.adminEmail.slice(c.adminEmail.lastIndexOf('@') + 1);
    return c.customerId ? `${domain} (Google Workspace, customer ${c.customerId})` : `${domain} (Google Workspace)`;
  },
  createConnector: (c, ctx) => createGoogleConnector(c, ctx),
  defaultAttributeMapping: googleDefaultAttributeMapping,
  knownSourcePaths: googleKnownSourcePaths,
};
