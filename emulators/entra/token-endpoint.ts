/**
 * `POST /{tenant}/oauth2/v2.0/token`: the client-credentials grant with a client secret or a
 * certificate assertion (PS256 + `x5t#S256`, or the older RS256 + `x5t`), checked like Entra does:
 * tenant, client id, scope, secret, signature, `aud` = this exact token URL, `iss` = `sub` = client
 * id, unused `jti`, time window. Errors are AADSTS JSON with Entra's 400/401 split.
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
import { X509Certificate, createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeProtectedHeader, jwtVerify, errors } from 'jose';
import { readBody } from '../shared/http.js';
import type { ActiveFault } from '../shared/faults.js';
import { sendWithTransportFault } from '../shared/faults.js';
import type { AccessTokens } from './access-tokens.js';

export interface TokenEndpointConfig {
  tenantId: string;
  /** Other names of the tenant accepted in the path (its domains). */
  tenantAliases: string[];
  clientId: string;
  clientSecret?: string;
  /** PEM certificate whose key signs client assertions. */
  certificate?: string;
  tokenLifetimeSeconds: number;
  tokens: AccessTokens;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const GRAPH_RESOURCES = ['https://graph.microsoft.com', 'https://graph.microsoft.us', 'https://dod-graph.microsoft.us', 'https://microsoftgraph.chinacloudapi.cn', '00000003-0000-0000-c000-000000000000'];

class AadError extends Error {
  constructor(readonly status: number, readonly error: string, readonly aadsts: number, description: string) {
    super(description);
  }
}

export function createTokenEndpoint(cfg: TokenEndpointConfig) {
  const cert = cfg.certificate ? new X509Certificate(cfg.certificate) : null;
  const thumbprints = cert
    ? { s256: createHash('sha256').update(cert.raw).digest('base64url'), s1: createHash('sha1').update(cert.raw).digest('base64url') }
    : null;
  const usedJtis = new Map<string, number>();

  async function check(tenant: string, form: URLSearchParams, origin: string): Promise<void> {
    if (tenant !== cfg.tenantId && !cfg.tenantAliases.includes(tenant.toLowerCase()))
      throw new AadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    const grant = form.get('grant_type');
    if (grant !== 'client_credentials') throw new AadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant ?? ''}'.`);
    const clientId = form.get('client_id');
    if (!clientId) throw new AadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
    if (clientId !== cfg.clientId)
      throw new AadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
    const scope = form.get('scope') ?? '';
    if (!scope.endsWith('/.default')) throw new AadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    const resource = scope.slice(0, -'/.default'.length);
    if (resource !== origin && !GRAPH_RESOURCES.includes(resource))
      throw new AadError(400, 'invalid_resource', 500011, `The resource principal named ${resource} was not found in the tenant named ${tenant}.`);

    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret != null) {
      if (cfg.clientSecret == null || secret !== cfg.clientSecret) throw new AadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app.');
      return;
    }
    if (assertion == null) throw new AadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    if (form.get('client_assertion_type') !== ASSERTION_TYPE) throw new AadError(400, 'invalid_request', 50027, 'Invalid client_assertion_type.');
    await checkAssertion(assertion, clientId, `${origin}/${tenant}/oauth2/v2.0/token`);
  }

  async function checkAssertion(assertion: string, clientId: string, tokenUrl: string) {
    let header;
    try {
      header = decodeProtectedHeader(assertion);
    } catch {
      throw new AadError(400, 'invalid_request', 50027, 'JWT token is invalid or is malformed.');
    }
    const s256 = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : undefined;
    const s1 = typeof header.x5t === 'string' ? header.x5t : undefined;
    if (!cert || !thumbprints || (s256 !== thumbprints.s256 && s1 !== thumbprints.s1))
      throw new AadError(401, 'invalid_client', 700027, `Client assertion failed signature validation. Key was not found: thumbprint ${s256 ?? s1 ?? '(none)'} is not registered for application '${clientId}'.`);
    if (!((header.alg === 'PS256' && s256) || (header.alg === 'RS256' && (s1 || s256))))
      throw new AadError(401, 'invalid_client', 700027, `Client assertion failed signature validation: algorithm ${header.alg ?? '(none)'} is not accepted with this thumbprint header.`);
    let payload;
    try {
      ({ payload } = await jwtVerify(assertion, cert.publicKey, { algorithms: ['PS256', 'RS256'], clockTolerance: 300 }));
    } catch (e) {
      if (e instanceof errors.JWTExpired || e instanceof errors.JWTClaimValidationFailed)
        throw new AadError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
      throw new AadError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
    }
    if (payload.aud !== tokenUrl && !(Array.isArray(payload.aud) && payload.aud.includes(tokenUrl)))
      throw new AadError(401, 'invalid_client', 700212, `No matching federated identity record found for presented assertion audience '${String(payload.aud)}'; expected '${tokenUrl}'.`);
    if (payload.iss !== clientId || payload.sub !== clientId)
      throw new AadError(401, 'invalid_client', 700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
    if (payload.exp == null) throw new AadError(401, 'invalid_client', 700024, 'Client assertion contains no expiry.');
    if (!payload.jti) throw new AadError(400, 'invalid_request', 50027, 'JWT token is invalid or is malformed: no jti.');
    const now = Date.now();
    for (const [jti, until] of usedJtis) if (until < now) usedJtis.delete(jti);
    if (usedJtis.has(payload.jti)) throw new AadError(401, 'invalid_client', 700027, 'Client assertion was already used (jti replayed).');
    usedJtis.set(payload.jti, payload.exp * 1000);
  }

  return async function handleToken(req: IncomingMessage, res: ServerResponse, tenant: string, origin: string, fault?: ActiveFault): Promise<void> {
    const traceId = randomUUID();
    const correlationId = (typeof req.headers['client-request-id'] === 'string' && req.headers['client-request-id']) || randomUUID();
    const headers = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache', 'x-ms-request-id': traceId, 'client-request-id': correlationId };
    try {
      if (req.method !== 'POST') throw new AadError(405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.');
      const form = new URLSearchParams(await readBody(req, 64 * 1024));
      await check(tenant, form, origin);
      const accessToken = await cfg.tokens.issue(cfg.tokenLifetimeSeconds);
      const body = { token_type: 'Bearer', expires_in: cfg.tokenLifetimeSeconds, ext_expires_in: cfg.tokenLifetimeSeconds, access_token: accessToken };
      await sendWithTransportFault(res, fault, 200, headers, JSON.stringify(body));
    } catch (e) {
      if (!(e instanceof AadError)) throw e;
      const timestamp = new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z';
      const body = {
        error: e.error,
        error_description: `AADSTS${e.aadsts}: ${e.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
        error_codes: [e.aadsts],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `${origin}/error?code=${e.aadsts}`,
      };
      await sendWithTransportFault(res, fault, e.status, headers, JSON.stringify(body));
    }
  };
}
