/**
 * Graph's response envelope: `request-id` / `client-request-id` headers on every answer, the OData
 * content type, and the error body `{error:{code,message,innerError:{date,request-id,client-request-id}}}`.
 * https://learn.microsoft.com/graph/errors
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ActiveFault } from '../shared/faults.js';
import { sendWithTransportFault } from '../shared/faults.js';

export const GRAPH_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export interface GraphExchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** `http://host:port` as the client reached us: absolute links stay on the emulator. */
  origin: string;
  requestId: string;
  clientRequestId: string;
  /** A transport fault to apply to the answer (slow, drop, cut, …). */
  transportFault?: ActiveFault;
}

export function newExchange(req: IncomingMessage, res: ServerResponse, url: URL, origin: string): GraphExchange {
  const requestId = randomUUID();
  const clientHeader = req.headers['client-request-id'];
  return { req, res, url, origin, requestId, clientRequestId: typeof clientHeader === 'string' ? clientHeader : requestId };
}

export function graphHeaders(x: GraphExchange, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'Content-Type': GRAPH_CONTENT_TYPE,
    'OData-Version': '4.0',
    'request-id': x.requestId,
    'client-request-id': x.clientRequestId,
    'Cache-Control': 'no-cache',
    ...extra,
  };
}

export function sendGraph(x: GraphExchange, status: number, body: unknown, extra: Record<string, string> = {}): Promise<void> {
  return sendWithTransportFault(x.res, x.transportFault, status, graphHeaders(x, extra), JSON.stringify(body));
}

export function graphErrorBody(x: GraphExchange, code: string, message: string) {
  return {
    error: {
      code,
      message,
      innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': x.requestId, 'client-request-id': x.clientRequestId },
    },
  };
}

export function sendGraphError(x: GraphExchange, status: number, code: string, message: string, extra: Record<string, string> = {}): Promise<void> {
  return sendGraph(x, status, graphErrorBody(x, code, message), extra);
}

const DEFAULT_CODES: Record<number, [string, string]> = {
  400: ['BadRequest', 'Bad request.'],
  401: ['InvalidAuthenticationToken', 'Access token validation failure.'],
  403: ['Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'],
  404: ['Request_ResourceNotFound', 'Resource does not exist or one of its queried reference-property objects are not present.'],
  410: ['resyncRequired', 'Resync required. Replace any local items with the server\'s version and restart the sync.'],
  429: ['TooManyRequests', 'Too many requests.'],
  500: ['UnknownError', ''],
  502: ['BadGateway', 'Bad gateway.'],
  503: ['serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.'],
  504: ['GatewayTimeout', 'Gateway timeout.'],
};

/** The body Graph would send with this status (for injected `status` faults without a body). */
export function defaultErrorFor(x: GraphExchange, status: number) {
  const [code, message] = DEFAULT_CODES[status] ?? ['UnknownError', `HTTP ${status}`];
  return graphErrorBody(x, code, message);
}

export const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';
