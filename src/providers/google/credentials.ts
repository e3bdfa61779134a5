/**
 * Google Workspace credentials: a service-account key (the JSON file the Google Cloud console
 * downloads) with domain-wide delegation, and the admin it impersonates. The key may arrive as the
 * parsed object or as the file's text; either way it is checked here, so a connector never starts
 * with a key it cannot sign with.
 */
import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';

export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';
export const GOOGLE_DIRECTORY_BASE = 'https://admin.googleapis.com';
export const MY_CUSTOMER = 'my_customer';

function isUsablePrivateKey(pem: string): boolean {
  try {
    return createPrivateKey(pem).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}

export const serviceAccountKeyGuard = z.looseObject({
  type: z.literal('service_account', {
    error: 'serviceAccountKey.type must be "service_account": download a JSON key of a service account (IAM > Service accounts > Keys), not an OAuth client file.',
  }),
  client_email: z.email({ error: 'serviceAccountKey.client_email must be the service account\'s email (…@….iam.gserviceaccount.com).' }),
  private_key: z
    .string({ error: 'serviceAccountKey.private_key is missing: use the JSON key file exactly as downloaded.' })
    .refine(isUsablePrivateKey, {
      error: 'serviceAccountKey.private_key is not a readable RSA private key (PEM): use the JSON key file exactly as downloaded, with its "\\n" line breaks.',
    }),
  // The key's own token endpoint is honoured (private clouds, the emulator); real keys always carry Google's.
  token_uri: z.url({ protocol: /^https?$/, error: 'serviceAccountKey.token_uri must be an http(s) URL.' }).default(GOOGLE_TOKEN_URI),
  client_id: z.string().optional(),
  private_key_id: z.string().optional(),
  project_id: z.string().optional(),
}, { error: 'serviceAccountKey is required: the service account\'s JSON key file (as an object or its text).' });
export type ServiceAccountKey = z.infer<typeof serviceAccountKeyGuard>;

/** The key as an object, or the key file's text (what an admin pastes). */
const keyInputGuard = z.preprocess((value, ctx) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'serviceAccountKey is text but not JSON: paste the whole key file.' });
    return z.NEVER;
  }
}, serviceAccountKeyGuard);

export const googleCredentialsGuard = z.object({
  serviceAccountKey: keyInputGuard,
  adminEmail: z.email({
    error: 'adminEmail must be the email of a Workspace super admin; the service account acts as this admin (domain-wide delegation).',
  }),
  customerId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_]+$/, { error: 'customerId must look like C01abc23d (Admin console > Account > Account settings) or be left empty for my_customer.' })
    .optional(),
  endpoints: z
    .object({
      directory: z
        .url({ protocol: /^https?$/, error: 'endpoints.directory must be a base URL like https://admin.googleapis.com (without /admin/directory/v1).' })
        .optional(),
    })
    .optional(),
});
export type GoogleCredentials = z.infer<typeof googleCredentialsGuard>;

/** The directory API root the connector calls: the base URL plus the fixed version path. */
export function directoryRootOf(credentials: GoogleCredentials): string {
  const base = (credentials.endpoints?.directory ?? GOOGLE_DIRECTORY_BASE).replace(/\/+$/, '');
  return `${base}/admin/directory/v1`;
}

export const customerOf = (credentials: GoogleCredentials): string => credentials.customerId || MY_CUSTOMER;
