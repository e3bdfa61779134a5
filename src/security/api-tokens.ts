import { createHash, randomBytes } from 'node:crypto';

/** API tokens are random and stored only as SHA-256 hashes; the prefix helps admins tell them apart. */
export const generateApiToken = () => `aiq_${randomBytes(24).toString('base64url')}`;
export const hashApiToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
export const tokenPrefix = (token: string) => token.slice(0, 8);
