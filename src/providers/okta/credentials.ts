/**
 * The credentials an admin pastes for an Okta directory, and their guard. Two schemes:
 * - API token (SSWS): `{ orgUrl, apiToken }`;
 * - OAuth 2.0 service app (recommended by Okta): `{ orgUrl, clientId, privateKey, keyId?, scopes? }`, a
 *   client_credentials grant authenticated with a private_key_jwt assertion (Okta accepts no client secret
 *   for `okta.*` scopes).
 * Every message names the field and says what to paste instead.
 */
import { z } from 'zod';
import { describePrivateKey } from './signing-key.js';

export const DEFAULT_OKTA_SCOPES = ['okta.users.read', 'okta.groups.read'] as const;

export interface OktaApiTokenCredentials {
  orgUrl: string;
  apiToken: string;
}

export interface OktaServiceAppCredentials {
  orgUrl: string;
  clientId: string;
  /** PEM (PKCS#8, PKCS#1 or SEC1) or a private JWK as JSON text. */
  privateKey: string;
  /** `kid` of the key registered on the app; needed when the app has more than one key. */
  keyId?: string;
  /** Default `okta.users.read okta.groups.read`. */
  scopes?: string[];
}

export type OktaCredentials = OktaApiTokenCredentials | OktaServiceAppCredentials;

export const isServiceApp = (c: OktaCredentials): c is OktaServiceAppCredentials => 'clientId' in c;

const EXAMPLE = 'https://acme.okta.com';

/** Returns the normalised org URL (origin only, no trailing slash) or a message for the admin. */
export function normalizeOrgUrl(input: string): { url: string } | { error: string } {
  const trimmed = input.trim().replace(/\/+$/, '');
  if (trimmed === '') return { error: `orgUrl is empty: enter your Okta org address, e.g. ${EXAMPLE}.` };
  let u: URL;
  try {
    u = new URL(trimmed);
  } catch {
    return { error: `orgUrl "${trimmed}" is not an absolute URL: start it with https://, e.g. ${EXAMPLE}.` };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    return { error: `orgUrl must start with https:// (got "${u.protocol}"), e.g. ${EXAMPLE}.` };
  if (u.username || u.password) return { error: 'orgUrl must not contain a user name or password.' };
  // The admin console lives on {org}-admin.okta.com; the API is served on the org domain itself.
  const admin = /^(.+)-admin\.(okta|oktapreview|okta-emea|okta-gov|okta-mil)\.com$/i.exec(u.hostname);
  if (admin) {
    const fixed = `${u.protocol}//${admin[1]}.${admin[2]}.com`;
    return { error: `orgUrl ${u.origin} is the Okta admin console address; use the org address ${fixed} instead (without "-admin").` };
  }
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash)
    return { error: `orgUrl must be just the org address (${u.origin}), without a path such as "${u.pathname}${u.search}". Okta's API paths are added automatically.` };
  return { url: u.origin };
}

const orgUrlField = z
  .string({ error: `orgUrl is required: your Okta org address, e.g. ${EXAMPLE}.` })
  .transform((value, ctx) => {
    const r = normalizeOrgUrl(value);
    if ('error' in r) {
      ctx.addIssue({ code: 'custom', message: r.error });
      return z.NEVER;
    }
    return r.url;
  });

const text = (field: string, what: string) =>
  z.string({ error: `${field} must be a text value: ${what}.` }).trim().min(1, { error: `${field} is empty: ${what}.` });

const scopesField = z
  .union([z.array(z.string()), z.string()], { error: 'scopes must be a list of Okta scopes, e.g. ["okta.users.read", "okta.groups.read"].' })
  .transform((v) => (typeof v === 'string' ? v.split(/[\s,]+/) : v).map((s) => s.trim()).filter((s) => s !== ''))
  .refine((v) => v.length > 0, { error: 'scopes is empty: leave it out to use okta.users.read okta.groups.read.' });

const rawGuard = z.object(
  {
    orgUrl: orgUrlField,
    apiToken: text('apiToken', 'paste the token from Okta Admin > Security > API > Tokens').optional(),
    clientId: text('clientId', "paste the Client ID of the API Services app (Okta Admin > Applications > your app > General)").optional(),
    privateKey: text('privateKey', "paste the app's private key as PEM or JWK").optional(),
    keyId: text('keyId', 'give the KID shown next to the public key on the app, or leave it out').optional(),
    scopes: scopesField.optional(),
    clientSecret: z.unknown().optional(),
  },
  { error: 'credentials must be an object: { orgUrl, apiToken } or { orgUrl, clientId, privateKey }.' },
);

/** Validates and normalises Okta credentials; the output parses again to itself. */
export const oktaCredentialsGuard: z.ZodType<OktaCredentials> = rawGuard.transform((c, ctx): OktaCredentials => {
  const issue = (path: string, message: string) => {
    ctx.addIssue({ code: 'custom', path: [path], message });
    return z.NEVER;
  };
  if (c.clientSecret !== undefined)
    return issue(
      'clientSecret',
      'Okta service apps cannot read users and groups with a client secret: set the app\'s client authentication to "Public key / Private key" and paste its private key as privateKey instead of clientSecret.',
    );
  if (c.apiToken !== undefined && c.clientId !== undefined)
    return issue('apiToken', 'Give either apiToken (API token) or clientId + privateKey (OAuth service app), not both.');
  if (c.apiToken !== undefined) {
    if (/^(SSWS|Bearer)\s/i.test(c.apiToken)) return issue('apiToken', 'apiToken should be the token alone, without the "SSWS " prefix.');
    return { orgUrl: c.orgUrl, apiToken: c.apiToken };
  }
  if (c.clientId === undefined) {
    if (c.privateKey !== undefined) return issue('clientId', 'clientId is missing: paste the Client ID of the API Services app that owns this private key.');
    return issue('apiToken', 'Give an apiToken (Okta Admin > Security > API > Tokens) or clientId + privateKey of an OAuth service app.');
  }
  if (c.privateKey === undefined)
    return issue('privateKey', 'privateKey is missing: paste the private key (PEM or JWK) whose public key is registered on the service app.');
  const key = describePrivateKey(c.privateKey);
  if ('error' in key) return issue('privateKey', key.error);
  return {
    orgUrl: c.orgUrl,
    clientId: c.clientId,
    privateKey: c.privateKey,
    ...(c.keyId !== undefined ? { keyId: c.keyId } : {}),
    ...(c.scopes !== undefined ? { scopes: c.scopes } : {}),
  };
});
