/**
 * The emulator's service account: a Google-format JSON key whose `token_uri` points at this
 * emulator's `/token`. Generated (RSA 2048) when none is given; with a key file path, an existing
 * file is loaded and its key trusted, a missing one is written.
 */
import { generateKeyPair, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { z } from 'zod';
import { noiseChars } from '../shared/ids.js';

export const emulatorKeyGuard = z.looseObject({
  type: z.literal('service_account'),
  project_id: z.string().optional(),
  private_key_id: z.string().optional(),
  private_key: z.string().min(1),
  client_email: z.string().min(1),
  client_id: z.string().optional(),
  token_uri: z.string().optional(),
});
export type EmulatorServiceAccountKey = z.infer<typeof emulatorKeyGuard>;

export interface ServiceAccount {
  key: EmulatorServiceAccountKey;
  publicKey: KeyObject;
}

const generate = promisify(generateKeyPair);

export async function generateServiceAccountKey(seed: number, tokenUri: string): Promise<EmulatorServiceAccountKey> {
  const { privateKey } = await generate('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const project = `emulated-${noiseChars(seed, 'google-project', 0, 6, 'abcdefghijklmnopqrstuvwxyz')}`;
  const clientId = `1${noiseChars(seed, 'google-client-id', 0, 20, '0123456789')}`;
  return {
    type: 'service_account',
    project_id: project,
    private_key_id: noiseChars(seed, 'google-key-id', Date.now() % 100_000, 40, '0123456789abcdef'),
    private_key: privateKey,
    client_email: `directory-sync@${project}.iam.gserviceaccount.com`,
    client_id: clientId,
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: tokenUri,
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/directory-sync%40${project}.iam.gserviceaccount.com`,
    universe_domain: 'googleapis.com',
  };
}

/**
 * The key to trust: the given object, else the file (loaded; its token_uri moved to this emulator
 * when it points elsewhere, e.g. a key file reused with another --port), else a new key (written to
 * the file when a path is given).
 */
export async function resolveServiceAccount(options: { keyFile?: string; serviceAccountKey?: unknown; seed: number; tokenUri: string }): Promise<ServiceAccount> {
  let key: EmulatorServiceAccountKey;
  if (options.serviceAccountKey !== undefined) {
    const given = typeof options.serviceAccountKey === 'string' ? (JSON.parse(options.serviceAccountKey) as unknown) : options.serviceAccountKey;
    key = { ...emulatorKeyGuard.parse(given), token_uri: options.tokenUri };
  } else if (options.keyFile && existsSync(options.keyFile)) {
    key = emulatorKeyGuard.parse(JSON.parse(await readFile(options.keyFile, 'utf8')));
    if (key.token_uri !== options.tokenUri) {
      key = { ...key, token_uri: options.tokenUri };
      await writeFile(options.keyFile, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600 });
    }
  } else {
    key = await generateServiceAccountKey(options.seed, options.tokenUri);
    if (options.keyFile) await writeFile(options.keyFile, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600 });
  }
  return { key, publicKey: createPublicKey(key.private_key) };
}
