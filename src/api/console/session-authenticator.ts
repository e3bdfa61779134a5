/**
 * The console's Authenticator: a request with the session cookie acts as that admin in the admin's
 * tenant. Every state-changing request authenticated this way must echo the CSRF cookie in the
 * X-CSRF-Token header, and that token must be the one bound to the session (a cross-site form can
 * send the cookie but cannot read it). Bearer-token requests never reach this code.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Authenticator } from '../auth.js';
import { ApiError } from '../../app/api-error.js';
import { sha256, type AdminRepository } from './admin-repository.js';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, readCookie } from './cookies.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createSessionAuthenticator(admins: AdminRepository): Authenticator {
  return async (request) => {
    const id = readCookie(request, SESSION_COOKIE);
    if (!id) return null;
    const session = await admins.findSession(id);
    if (!session) throw new ApiError(401, 'session_expired', 'Your session has ended. Sign in again.');
    if (!SAFE_METHODS.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      const cookie = readCookie(request, CSRF_COOKIE);
      const ok = typeof header === 'string' && header === cookie && equalHex(sha256(header), session.csrf_hash);
      if (!ok) throw new ApiError(403, 'csrf_failed', 'This request lacks a valid X-CSRF-Token header. Reload the console and try again.');
    }
    return { tenantId: session.tenant_id, actor: `admin:${session.admin_id}` };
  };
}

function equalHex(a: string, b: string) {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
