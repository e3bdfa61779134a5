/**
 * `accessiq keys rotate`: re-encrypts every directory's credentials with a new master key, in one
 * transaction (all or nothing). Works on the store directly, like `accessiq tenant create`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { openStore } from '../store/database.js';
import { createSecretBox, loadOrCreateKey, parseKey } from '../security/secret-box.js';

export interface RotationResult {
  directories: number;
  oldKeyId: string;
  newKeyId: string;
  /** Set when the old key came from `<dataDir>/secret.key`: that file now holds the new key. */
  keyFile: string | null;
}

/** A new key must be exactly 32 random bytes (base64 or hex): no stretching of a passphrase here. */
export function parseNewKey(value: string): Buffer {
  const v = value.trim();
  if (/^[0-9a-f]{64}$/i.test(v)) return Buffer.from(v, 'hex');
  if (/^[A-Za-z0-9+/_-]+=*$/.test(v)) {
    const b = Buffer.from(v, 'base64');
    if (b.length === 32) return b;
  }
  throw new Error('--new-key must be 32 random bytes as base64 (44 characters) or hex (64); make one with: openssl rand -base64 32');
}

export async function rotateSecretKey(config: Config, newKeyText: string): Promise<RotationResult> {
  const newKey = parseNewKey(newKeyText);
  const currentKey = loadOrCreateKey(config.secretKey, config.dataDir, () => undefined);
  const previous = config.secretKeyPrevious.map(parseKey);
  // the new box opens envelopes of the current and previous keys, and seals with the new one
  const box = createSecretBox(newKey, [currentKey, ...previous]);
  // the new key may already be ACCESSIQ_SECRET_KEY (processes switched first, old key in
  // ACCESSIQ_SECRET_KEY_PREVIOUS): then this re-seals what the old key still holds
  const oldKeyId = createSecretBox(currentKey).keyId;
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let directories = 0;
  try {
    await store.db.transaction().execute(async (tx) => {
      const rows = await tx.selectFrom('directories').select(['id', 'credentials_encrypted']).execute();
      for (const row of rows) {
        let plain: string;
        try {
          plain = box.open(row.credentials_encrypted);
        } catch (e) {
          throw new Error(`Directory ${row.id}: ${(e as Error).message} Nothing was changed; add its key to ACCESSIQ_SECRET_KEY_PREVIOUS and run again.`);
        }
        await tx.updateTable('directories').set({ credentials_encrypted: box.seal(plain) }).where('id', '=', row.id).execute();
      }
      directories = rows.length;
    });
  } finally {
    await store.close();
  }
  let keyFile: string | null = null;
  if (!config.secretKey) {
    // the key lived in the data dir: keep it working without an environment change
    keyFile = path.join(config.dataDir, 'secret.key');
    fs.writeFileSync(`${keyFile}.new`, newKey.toString('base64') + '\n', { mode: 0o600 });
    fs.renameSync(`${keyFile}.new`, keyFile);
  }
  return { directories, oldKeyId, newKeyId: box.keyId, keyFile };
}
