import { randomFillSync } from 'node:crypto';

/**
 * Random bytes for ids, drawn from a pool refilled 4 KiB at a time: a first sync of 100k users
 * makes ~210k ids, and one `randomBytes(16)` call each cost ~1.4 s of it (the same CSPRNG, fewer
 * calls: crypto.randomUUID pools the same way).
 */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

function randomChunk(n: number): Buffer {
  if (offset + n > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  // a copy: the pool is overwritten at the next refill
  return Buffer.from(pool.subarray(offset, (offset += n)));
}

/** Readable, unguessable ids: `dir_3kq…` (prefix names the kind of record, 22 base62-ish chars). */
export function newId(prefix: string): string {
  return `${prefix}_${randomChunk(16).toString('base64url').replace(/[-_]/g, '').slice(0, 22)}`;
}
