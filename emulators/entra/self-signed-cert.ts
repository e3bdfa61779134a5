/**
 * A minimal self-signed X.509 v3 certificate (RSA, sha256WithRSAEncryption) built from DER by hand,
 * so tests and the emulator CLI can make an Entra certificate credential without OpenSSL or a
 * certificate library. Only what a certificate credential needs: subject CN, validity, public key.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';

const len = (n: number): Buffer => {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
};
const tlv = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const nul = () => Buffer.from([0x05, 0x00]);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const bitString = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));

function integer(n: Buffer): Buffer {
  // DER integers are signed: keep a leading zero when the high bit is set
  return tlv(0x02, n[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), n]) : n);
}

function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function utcTime(d: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(s, 'ascii'));
}

const SHA256_WITH_RSA = seq(oid('1.2.840.113549.1.1.11'), nul());

export interface SelfSignedCertificate {
  /** PEM `-----BEGIN CERTIFICATE-----`. */
  certificate: string;
  /** PKCS#8 PEM `-----BEGIN PRIVATE KEY-----`. */
  privateKey: string;
}

/** Makes a fresh RSA key (2048 bits) and a certificate for it, valid from an hour ago for `days`. */
export function createSelfSignedCertificate(commonName = 'AccessIQ Directory Sync', days = 365): SelfSignedCertificate {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certificate: certificateFor(pem, commonName, days), privateKey: pem };
}

/** A self-signed certificate for an existing RSA private key (PEM). */
export function certificateFor(privateKeyPem: string, commonName: string, days = 365): string {
  const key = createPrivateKey(privateKeyPem);
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const name = seq(set(seq(oid('2.5.4.3'), utf8(commonName))));
  const now = Date.now();
  const serial = Buffer.from(Array.from({ length: 8 }, (_, i) => (now / 2 ** (i * 4)) & 0xff || 1));
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))), // [0] EXPLICIT version v3
    integer(serial),
    SHA256_WITH_RSA,
    name,
    seq(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + days * 86_400_000))),
    name,
    spki,
  );
  const signature = sign('sha256', tbs, key);
  const der = seq(tbs, SHA256_WITH_RSA, bitString(signature));
  const b64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`;
}
