/**
 * Requests Node's HTTP parser refuses before Fastify sees them (a request line and headers over
 * Node's 16 KiB limit, a malformed request, a client too slow to send its headers) get the API's
 * error shape too, not Fastify's default body. Written straight to the socket, which is then closed:
 * there is no request to answer on.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

const REFUSALS: Record<string, { status: number; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'headers_too_large', message: 'The request line and headers exceed 16 KiB: shorten the URL (its query) or the headers.' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request_timeout', message: 'The request was not received in time: send it again.' },
};
const MALFORMED = { status: 400, code: 'invalid_request', message: 'The request is not valid HTTP/1.1.' };

export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, code, message } = REFUSALS[err.code ?? ''] ?? MALFORMED;
  const body = JSON.stringify({ error: { code, message } });
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`);
}
