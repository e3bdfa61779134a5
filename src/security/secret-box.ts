/**
 * Encrypts directory credentials at rest with AES-256-GCM (DESIGN invariant 6). The envelope names
 * the key it was sealed with (`v1.<keyId>.<iv>.<tag>.<ciphertext>`), so `accessiq keys rotate` can
 * re-encrypt with a new key while old envelopes stay readable during the switch.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface SecretBox {
  readonly keyId: string;
  seal(plaintext: string): string;
  open(envelope: string): string;
}

export function createSecretBox(key: Buffer, previousKeys: Buffer[] = []): SecretBox {
  if (key.length !== 32) throw new Error('The credential encryption key must be 32 bytes.');
  const ring = new Map([key, ...previousKeys].map((k) => [keyIdOf(k), k]));
  const keyId = keyIdOf(key);
  return {
    keyId,
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
    },
    open(envelope) {
      const [v, id, iv, tag, ct] = envelope.split('.');
      if (v !== 'v1' || !id || !iv || !tag || ct === undefined) throw new Error('Not a sealed secret.');
      const k = ring.get(id);
      if (!k) throw new Error(`Stored credentials were sealed with key ${id}, which is not configured (ACCESSIQ_SECRET_KEY).`);
      const decipher = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

const keyIdOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

/** Accepts 32 bytes as base64 or hex; any other string is stretched with SHA-256 (documented). */
export function parseKey(value: string): Buffer {
  const v = value.trim();
  if (/^[0-9a-f]{64}$/i.test(v)) return Buffer.from(v, 'hex');
  const b64 = Buffer.from(v, 'base64');
  if (b64.length === 32 && /^[A-Za-z0-9+/_-]+=*$/.test(v)) return b64;
  return createHash('sha256').update(v, 'utf8').digest();
}

/** The key from ACCESSIQ_SECRET_KEY, else from `<dataDir>/secret.key` (created, mode 0600, with a warning). */
export function loadOrCreateKey(envValue: string | undefined, dataDir: string, warn: (msg: string) => void): Buffer {
  if (envValue) return parseKey(envValue);
  const file = path.join(dataDir, 'secret.key');
  if (fs.existsSync(file)) return parseKey(fs.readFileSync(file, 'utf8'));
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  warn(`ACCESSIQ_SECRET_KEY is not set: generated a credential encryption key in ${file}. Back it up, or set ACCESSIQ_SECRET_KEY in production.`);
  return parseKey(fs.readFileSync(file, 'utf8'));
}
