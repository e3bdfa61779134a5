/** The Okta provider as the rest of the service sees it. */
import type { ProviderDefinition } from '../provider-definition.js';
import { oktaEndpointRules } from './endpoint-rules.js';
import { createOktaConnector, OKTA_CAPABILITIES } from './connector.js';
import { oktaCredentialsGuard, type OktaCredentials } from './credentials.js';
import { defaultAttributeMapping, knownSourcePaths } from './defaults.js';

export type { OktaCredentials, OktaApiTokenCredentials, OktaServiceAppCredentials } from './credentials.js';
export { oktaCredentialsGuard } from './credentials.js';
export { createOktaConnector } from './connector.js';

export const oktaProvider: ProviderDefinition<OktaCredentials> = {
  id: 'okta',
  displayName: 'Okta',
  capabilities: OKTA_CAPABILITIES,
  credentialsGuard: oktaCredentialsGuard,
  endpointsOf: (c) => [c.orgUrl],
  endpointRules: oktaEndpointRules,
  describeTarget: (c) => new URL(c.orgUrl).host,
  createConnector: (c, ctx) => createOktaConnector(c, ctx),
  defaultAttributeMapping,
  knownSourcePaths,
};
