/**
 * The access tokens the emulator issues: JWTs shaped like Entra's app-only Graph tokens
 * (`aud`, `iss`, `tid`, `appid`, `roles`, `exp`), signed with a per-emulator key. Verified tokens
 * are cached so a 100k-user read does not pay a signature check per page.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, errors } from 'jose';

export interface AccessClaims {
  roles: string[];
  exp: number;
}

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; reason: 'empty' | 'invalid' | 'expired' };

export interface AccessTokens {
  issue(lifetimeSeconds: number): Promise<string>;
  verify(authorization: string | undefined): Promise<VerifyResult>;
}

export function createAccessTokens(opts: { tenantId: string; clientId: string; permissions: () => string[] }): AccessTokens {
  const key = randomBytes(32);
  const cache = new Map<string, AccessClaims>();
  return {
    async issue(lifetimeSeconds) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ tid: opts.tenantId, appid: opts.clientId, azp: opts.clientId, oid: randomUUID(), idtyp: 'app', roles: opts.permissions(), ver: '1.0' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setAudience('https://graph.microsoft.com')
        .setIssuer(`https://sts.windows.net/${opts.tenantId}/`)
        .setSubject(opts.clientId)
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + lifetimeSeconds)
        .setJti(randomUUID())
        .sign(key);
    },
    async verify(authorization) {
      const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
      if (!token) return { ok: false, reason: 'empty' };
      let claims = cache.get(token);
      if (!claims) {
        try {
          const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], audience: 'https://graph.microsoft.com' });
          const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
          claims = { roles, exp: payload.exp ?? 0 };
        } catch (e) {
          return { ok: false, reason: e instanceof errors.JWTExpired ? 'expired' : 'invalid' };
        }
        if (cache.size > 1000) cache.clear();
        cache.set(token, claims);
      }
      if (claims.exp * 1000 <= Date.now()) return { ok: false, reason: 'expired' };
      return { ok: true, claims };
    },
  };
}
