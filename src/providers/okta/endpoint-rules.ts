/**
 * Okta's hosts: orgs live on these domains (commercial, preview, EMEA, US government cells). An org
 * can also serve its API on a custom URL domain (https://developer.okta.com/docs/guides/custom-url-domain/),
 * so other hosts are accepted too — but only https and public after DNS, like every endpoint.
 */
import type { EndpointRules } from '../../security/endpoint-policy.js';
import type { OktaCredentials } from './credentials.js';

export const oktaEndpointRules: EndpointRules<OktaCredentials> = {
  hosts: ['*.okta.com', '*.oktapreview.com', '*.okta-emea.com', '*.okta-gov.com', '*.okta.mil'],
  allowCustomDomains: true,
};
