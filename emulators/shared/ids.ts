/**
 * Deterministic provider ids: the same (seed, salt, index) always gives the same id, different
 * indexes never collide (the index is mixed in bijectively, not only hashed).
 */
import { createRandom } from './random.js';

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** FNV-1a over a string, for turning a salt into a number. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** `count` pseudo-random characters from `alphabet`, fixed by (seed, salt, index). */
export function noiseChars(seed: number, salt: string, index: number, count: number, alphabet = BASE62): string {
  const rnd = createRandom((Math.imul(seed ^ hashString(salt), 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  let out = '';
  for (let i = 0; i < count; i++) out += alphabet[Math.floor(rnd.next() * alphabet.length)];
  return out;
}

/** An index scrambled bijectively within 32 bits (odd multiplier + xor), then written in base62. */
export function scrambledIndex(seed: number, index: number, width: number): string {
  let v = (Math.imul(index ^ (seed & 0xffff), 0x2c1b3c6d) ^ 0x5bd1e995) >>> 0;
  let out = '';
  for (let i = 0; i < width; i++) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out;
}

/** A deterministic UUID-shaped id (version 4 layout) for providers that use GUIDs. */
export function deterministicGuid(seed: number, salt: string, index: number): string {
  const hex = noiseChars(seed, salt, index, 24, '0123456789abcdef');
  const idx = (index >>> 0).toString(16).padStart(8, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(12, 15)}-${'89ab'[index % 4]}${hex.slice(15, 18)}-${hex.slice(18, 22)}${idx}`;
}

/** Inverse of an odd multiplier modulo 2^32 (Newton iteration). */
function inverseOdd(a: number): number {
  let x = a;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(a, x));
  return x >>> 0;
}
const SCRAMBLE_INVERSE = inverseOdd(0x2c1b3c6d);

/** Inverse of `scrambledIndex`; `undefined` when the text is not base62. */
export function unscrambleIndex(seed: number, text: string): number | undefined {
  let v = 0;
  for (const ch of text) {
    const d = BASE62.indexOf(ch);
    if (d < 0) return undefined;
    v = v * 62 + d;
  }
  if (v > 0xffffffff) return undefined;
  return (Math.imul((v ^ 0x5bd1e995) >>> 0, SCRAMBLE_INVERSE) ^ (seed & 0xffff)) >>> 0;
}
