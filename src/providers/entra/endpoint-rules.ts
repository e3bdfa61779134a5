/**
 * Entra ID's login and Graph hosts in each national cloud
 * (https://learn.microsoft.com/graph/deployments): explicit `endpoints` must stay on them.
 */
import type { EndpointRules } from '../../security/endpoint-policy.js';
import type { EntraCredentials } from './credentials.js';

export const entraEndpointRules: EndpointRules<EntraCredentials> = {
  hosts: [
    'login.microsoftonline.com', 'graph.microsoft.com', // global
    'login.microsoftonline.us', 'graph.microsoft.us', 'dod-graph.microsoft.us', // US Government L4 and DoD (L5)
    'login.chinacloudapi.cn', 'login.partner.microsoftonline.cn', 'microsoftgraph.chinacloudapi.cn', // China (21Vianet)
  ],
};
