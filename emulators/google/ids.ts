/**
 * Google-shaped ids for the emulated domain, derived from (seed, record index) so they are stable
 * across restarts and reversible without a lookup table: user ids are 21-digit numeric strings
 * (beyond 2^53, as Google's are), group ids 15 lowercase characters starting with 0, the customer id
 * `C0…`. The index is embedded, the rest is seeded noise.
 */
import { hashString, noiseChars } from '../shared/ids.js';

const DIGITS = '0123456789';
const LOWER36 = '0123456789abcdefghijklmnopqrstuvwxyz';

export function googleUserId(seed: number, index: number): string {
  return `1${noiseChars(seed, 'google-user', index, 12, DIGITS)}${String(index).padStart(8, '0')}`;
}

/** The record index a user id embeds, or undefined when the id is not one of ours. */
export function indexOfUserId(seed: number, id: string): number | undefined {
  if (!/^\d{21}$/.test(id)) return undefined;
  const index = Number(id.slice(13));
  return googleUserId(seed, index) === id ? index : undefined;
}

export function googleGroupId(seed: number, index: number): string {
  return `0${noiseChars(seed, 'google-group', index, 6, LOWER36)}${index.toString(36).padStart(8, '0')}`;
}

export function indexOfGroupId(seed: number, id: string): number | undefined {
  if (!/^0[0-9a-z]{14}$/.test(id)) return undefined;
  const index = parseInt(id.slice(7), 36);
  return googleGroupId(seed, index) === id ? index : undefined;
}

export const googleCustomerId = (seed: number): string => `C0${noiseChars(seed, 'google-customer', 0, 7, LOWER36)}`;

export const orgUnitIdOf = (seed: number, path: string): string => `id:03${noiseChars(seed, `google-ou${path}`, 0, 10, LOWER36)}`;

/** A stable hash for etags: changes with the salt (which carries the record's last change). Cheap, as
 * every record of every page carries one. */
export function etagOf(seed: number, salt: string, index: number): string {
  const a = hashString(`${seed}:${index}:${salt}`);
  const b = hashString(`${salt}:${index}:${seed}`);
  return `${a.toString(36)}${b.toString(36)}${index.toString(36)}`;
}
