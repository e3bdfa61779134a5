/**
 * Minimal HTTP plumbing on node:http for the emulators: a path router with `:param` segments,
 * JSON sending and bounded body reading. No framework: the emulators need full control of headers
 * (repeated `Link` lines, exact error bodies) and as little per-request overhead as possible.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
}

export type RouteHandler = (ctx: RouteContext) => void | Promise<void>;

interface Route {
  method: string;
  segments: string[];
  handler: RouteHandler;
}

export interface Router {
  on(method: string, pattern: string, handler: RouteHandler): Router;
  /** The handler and decoded params for a request, or `undefined` (the caller answers 404/405). */
  match(method: string, pathname: string): { handler: RouteHandler; params: Record<string, string> } | undefined;
  /** True when some route matches the path with another method (for 405). */
  hasPath(pathname: string): boolean;
}

const split = (path: string) => path.split('/').filter((s) => s.length > 0);

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const part = parts[i]!;
    if (p.startsWith(':')) {
      try {
        params[p.slice(1)] = decodeURIComponent(part);
      } catch {
        return undefined;
      }
    } else if (p !== part) return undefined;
  }
  return params;
}

export function createRouter(): Router {
  const routes: Route[] = [];
  const router: Router = {
    on(method, pattern, handler) {
      routes.push({ method: method.toUpperCase(), segments: split(pattern), handler });
      return router;
    },
    match(method, pathname) {
      const parts = split(pathname);
      for (const r of routes) {
        if (r.method !== method) continue;
        const params = matchSegments(r.segments, parts);
        if (params) return { handler: r.handler, params };
      }
      return undefined;
    },
    hasPath(pathname) {
      const parts = split(pathname);
      return routes.some((r) => matchSegments(r.segments, parts) !== undefined);
    },
  };
  return router;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.statusCode = status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (payload) res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(payload));
  res.end(payload);
}

export class BodyTooLargeError extends Error {
  constructor() {
    super('request body too large');
    this.name = 'BodyTooLargeError';
  }
}

/** Reads the whole request body as UTF-8 (default cap 1 MiB). */
export async function readBody(req: IncomingMessage, maxBytes = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > maxBytes) throw new BodyTooLargeError();
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads and JSON-parses the body; `undefined` for an empty body. Throws SyntaxError on bad JSON. */
export async function readJson(req: IncomingMessage, maxBytes?: number): Promise<unknown> {
  const text = await readBody(req, maxBytes);
  return text.trim() ? (JSON.parse(text) as unknown) : undefined;
}

/** The origin clients used to reach us (Host header), so absolute links stay on the emulator. */
export function requestOrigin(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  return host ? `http://${host}` : fallback;
}
