/** The console's two cookies, parsed and written by hand: the auth hook runs before any plugin
 * could parse them, and two cookies do not need a library. */
import type { FastifyReply, FastifyRequest } from 'fastify';

/** HttpOnly session id: scripts never see it. */
export const SESSION_COOKIE = 'aiq_session';
/** The CSRF token, readable by the console's script, which echoes it in X-CSRF-Token (double submit). */
export const CSRF_COOKIE = 'aiq_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Sets (or, with maxAgeSeconds 0, clears) both cookies. Secure whenever the request came over https. */
export function setSessionCookies(request: FastifyRequest, reply: FastifyReply, values: { session: string; csrf: string; maxAgeSeconds: number }) {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  const common = `Path=/; SameSite=Lax; Max-Age=${values.maxAgeSeconds}${secure}`;
  reply.header('set-cookie', [
    `${SESSION_COOKIE}=${encodeURIComponent(values.session)}; ${common}; HttpOnly`,
    `${CSRF_COOKIE}=${encodeURIComponent(values.csrf)}; ${common}`,
  ]);
}

export const clearSessionCookies = (request: FastifyRequest, reply: FastifyReply) => setSessionCookies(request, reply, { session: '', csrf: '', maxAgeSeconds: 0 });
