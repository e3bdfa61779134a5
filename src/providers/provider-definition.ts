/**
 * What a provider folder exports (as `<name>Provider` from `providers/<name>/index.ts`) so the rest
 * of the service can validate credentials, build connectors and offer default mappings without
 * knowing which provider it holds.
 */
import type { z } from 'zod';
import type { ConnectorCapabilities, ConnectorContext, DirectoryConnector } from './types.js';
import type { EndpointRules } from '../security/endpoint-policy.js';

export type ProviderId = 'okta' | 'entra' | 'google' | 'ldap';

export interface ProviderDefinition<C = unknown> {
  id: ProviderId;
  displayName: string;
  capabilities: ConnectorCapabilities;
  /** Validates `credentials` of POST /api/v1/directories; messages name the field and the fix. */
  credentialsGuard: z.ZodType<C>;
  /** Every base URL the connector will call, for the network policy (https, public hosts). */
  endpointsOf(credentials: C): string[];
  /** The provider's known hosts for those URLs (enforced unless ACCESSIQ_ALLOW_INSECURE_ENDPOINTS=1). */
  endpointRules?: EndpointRules<C>;
  /** The host a credential set points at, shown to the admin ("acme.okta.com"). */
  describeTarget(credentials: C): string;
  createConnector(credentials: C, ctx?: ConnectorContext): DirectoryConnector;
  /** Default attribute mapping: target field → source path or template (see sync/mapping). */
  defaultAttributeMapping: Record<string, string>;
  /** Source paths offered by the mapping editor's picker. */
  knownSourcePaths: string[];
}
