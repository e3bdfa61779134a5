import { randomBytes } from 'node:crypto';

/** Readable, unguessable ids: `dir_3kq…` (prefix names the kind of record, 22 base62-ish chars). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url').replace(/[-_]/g, '').slice(0, 22)}`;
}
