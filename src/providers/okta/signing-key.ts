/**
 * The service app's private key: recognised (for the credentials guard) and imported (for signing the
 * client assertion). Okta registers RSA or EC public keys; admins paste the private half as PEM
 * (PKCS#8 from `openssl genpkey`, or PKCS#1 "BEGIN RSA PRIVATE KEY" / SEC1 "BEGIN EC PRIVATE KEY" from
 * older tooling) or as the JWK Okta's console generates. node:crypto reads every one of those; jose only
 * imports PKCS#8 and JWK, so other PEMs are converted to PKCS#8 first.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { importJWK, importPKCS8, type CryptoKey, type JWK } from 'jose';
import { z } from 'zod';

export type AssertionAlg = 'RS256' | 'ES256' | 'ES384' | 'ES512';

const jwkGuard = z.looseObject({ kty: z.string(), d: z.string().optional(), kid: z.string().optional() });

const EC_ALGS: Record<string, AssertionAlg> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

interface ParsedKey {
  keyObject: KeyObject;
  alg: AssertionAlg;
  jwk: (JWK & { kid?: string }) | null;
}

function parse(text: string): ParsedKey | { error: string } {
  const trimmed = text.trim();
  let jwk: ParsedKey['jwk'] = null;
  let keyObject: KeyObject;
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      return { error: 'privateKey looks like JSON but does not parse: paste the whole private JWK, or a PEM key.' };
    }
    const r = jwkGuard.safeParse(json);
    if (!r.success) return { error: 'privateKey is JSON but not a JWK (no "kty"): paste the private JWK, or a PEM key.' };
    if (r.data.d === undefined) return { error: 'privateKey is a public JWK (no "d"): paste the private key, not the public one registered on the app.' };
    jwk = r.data;
    try {
      keyObject = createPrivateKey({ key: r.data, format: 'jwk' });
    } catch (e) {
      return { error: `privateKey is not a usable private JWK (${(e as Error).message}).` };
    }
  } else {
    if (/-----BEGIN (RSA )?PUBLIC KEY-----|-----BEGIN CERTIFICATE-----/.test(trimmed))
      return { error: 'privateKey holds a public key or certificate: paste the private key, not the public one registered on the app.' };
    if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(trimmed))
      return { error: 'privateKey is encrypted with a passphrase: export it without one (openssl pkcs8 -topk8 -nocrypt).' };
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(trimmed))
      return { error: 'privateKey must be a PEM private key ("-----BEGIN PRIVATE KEY-----" …) or a private JWK as JSON.' };
    try {
      keyObject = createPrivateKey(trimmed);
    } catch {
      return { error: 'privateKey is not a readable PEM private key: paste the whole key including the BEGIN and END lines.' };
    }
  }
  const type = keyObject.asymmetricKeyType;
  if (type === 'rsa') {
    const bits = keyObject.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) return { error: `privateKey is a ${bits}-bit RSA key; Okta requires at least 2048 bits.` };
    return { keyObject, alg: 'RS256', jwk };
  }
  if (type === 'ec') {
    const alg = EC_ALGS[keyObject.asymmetricKeyDetails?.namedCurve ?? ''];
    if (alg) return { keyObject, alg, jwk };
    return { error: 'privateKey is an EC key on a curve Okta does not accept: use P-256 (ES256), P-384 or P-521.' };
  }
  return { error: `privateKey is a ${type ?? 'unknown'} key; Okta service apps accept RSA or EC keys only.` };
}

/** Recognises the key without importing it; used by the credentials guard. */
export function describePrivateKey(text: string): { alg: AssertionAlg; kid?: string } | { error: string } {
  const r = parse(text);
  if ('error' in r) return r;
  return { alg: r.alg, ...(r.jwk?.kid ? { kid: r.jwk.kid } : {}) };
}

export interface SigningKey {
  key: CryptoKey;
  alg: AssertionAlg;
  /** From the credentials' keyId, else from the JWK's own `kid`. */
  kid: string | undefined;
}

export async function importSigningKey(text: string, keyId?: string): Promise<SigningKey> {
  const r = parse(text);
  if ('error' in r) throw new Error(r.error);
  const kid = keyId ?? r.jwk?.kid;
  if (r.jwk) return { key: await asCryptoKey(importJWK(r.jwk, r.alg)), alg: r.alg, kid };
  const pkcs8 = r.keyObject.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { key: await importPKCS8(pkcs8, r.alg), alg: r.alg, kid };
}

async function asCryptoKey(p: Promise<CryptoKey | Uint8Array>): Promise<CryptoKey> {
  const k = await p;
  if (k instanceof Uint8Array) throw new Error('privateKey is a symmetric JWK; Okta needs an RSA or EC private key.');
  return k;
}
