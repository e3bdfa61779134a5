/**
 * Google Workspace: the Directory API is on *.googleapis.com, and the service-account key's
 * token_uri must be Google's own token endpoint — a key edited to point elsewhere would send a
 * signed assertion for the whole Workspace to that host.
 */
import type { EndpointRules } from '../../security/endpoint-policy.js';
import { GOOGLE_TOKEN_URI, type GoogleCredentials } from './credentials.js';

export const googleEndpointRules: EndpointRules<GoogleCredentials> = {
  hosts: ['*.googleapis.com'],
  check: (c) => (c.serviceAccountKey.token_uri === GOOGLE_TOKEN_URI ? null : `serviceAccountKey.token_uri must be ${GOOGLE_TOKEN_URI} (got ${c.serviceAccountKey.token_uri}); use the key file exactly as Google issued it`),
};
