/**
 * Entra ID credentials as an admin enters them: tenant, app (client) id, and either a client secret
 * or a certificate with its private key. The national cloud picks the login and Graph hosts;
 * `endpoints` overrides both (private clouds, the emulator). Every message names the field and the fix.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { z } from 'zod';

export type EntraCloud = 'global' | 'usgov' | 'china';

/** Login and Graph hosts per national cloud (https://learn.microsoft.com/graph/deployments). */
export const ENTRA_CLOUDS: Record<EntraCloud, { login: string; graph: string }> = {
  global: { login: 'https://login.microsoftonline.com', graph: 'https://graph.microsoft.com' },
  usgov: { login: 'https://login.microsoftonline.us', graph: 'https://graph.microsoft.us' },
  china: { login: 'https://login.chinacloudapi.cn', graph: 'https://microsoftgraph.chinacloudapi.cn' },
};

const WHERE = 'Entra admin center > App registrations > your app > Overview';

const baseUrl = (field: string, example: string) =>
  z
    .string({ error: `endpoints.${field}: enter a base URL such as ${example}.` })
    .trim()
    .refine((v) => {
      try {
        const u = new URL(v);
        return (u.protocol === 'https:' || u.protocol === 'http:') && u.search === '' && u.hash === '';
      } catch {
        return false;
      }
    }, `endpoints.${field}: enter a base URL such as ${example} (no query string).`)
    .transform((v) => v.replace(/\/+$/, ''));

export const entraCredentialsGuard = z
  .object({
    tenantId: z
      .string({ error: `tenantId: enter the Directory (tenant) ID from ${WHERE}.` })
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, `tenantId: enter the Directory (tenant) ID (a GUID) or a verified domain such as contoso.onmicrosoft.com, from ${WHERE}.`),
    clientId: z
      .string({ error: `clientId: enter the Application (client) ID from ${WHERE}.` })
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, `clientId: enter the Application (client) ID (a GUID) from ${WHERE}.`),
    clientSecret: z.string().min(1, 'clientSecret: paste the secret Value (not the Secret ID) from Certificates & secrets.').optional(),
    certificate: z.string().optional(),
    privateKey: z.string().optional(),
    cloud: z
      .enum(['global', 'usgov', 'china'], { error: 'cloud: choose "global", "usgov" (US Government) or "china" (operated by 21Vianet).' })
      .optional(),
    endpoints: z
      .object(
        { login: baseUrl('login', 'https://login.microsoftonline.com'), graph: baseUrl('graph', 'https://graph.microsoft.com') },
        { error: 'endpoints: give both base URLs, {"login": "https://login.microsoftonline.com", "graph": "https://graph.microsoft.com"}.' },
      )
      .optional(),
  })
  .superRefine((c, ctx) => {
    const hasCert = c.certificate != null || c.privateKey != null;
    if (c.clientSecret != null && hasCert) {
      ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: 'clientSecret: give either a client secret or a certificate with its private key, not both.' });
      return;
    }
    if (c.clientSecret == null && !hasCert) {
      ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: 'clientSecret: give a client secret, or certificate and privateKey (PEM), from Certificates & secrets of the app registration.' });
      return;
    }
    if (!hasCert) return;
    const problem = certificateProblem(c.certificate, c.privateKey);
    if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
  });

export type EntraCredentials = z.infer<typeof entraCredentialsGuard>;

/** Checks the PEM pair so a bad paste fails on save, not at 3 a.m. in the first sync. */
function certificateProblem(certificate: string | undefined, privateKey: string | undefined): { field: string; message: string } | null {
  if (!certificate) return { field: 'certificate', message: 'certificate: paste the certificate (PEM, "-----BEGIN CERTIFICATE-----") whose public part is uploaded to the app registration.' };
  if (!privateKey) return { field: 'privateKey', message: 'privateKey: paste the private key of the certificate (PEM, "-----BEGIN PRIVATE KEY-----").' };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificate);
  } catch {
    return { field: 'certificate', message: 'certificate: this is not a PEM X.509 certificate; paste the text from "-----BEGIN CERTIFICATE-----" to "-----END CERTIFICATE-----".' };
  }
  let key;
  try {
    key = createPrivateKey(privateKey);
  } catch {
    return { field: 'privateKey', message: 'privateKey: this is not an unencrypted PEM private key; export it without a passphrase ("-----BEGIN PRIVATE KEY-----").' };
  }
  if (key.asymmetricKeyType !== 'rsa') return { field: 'privateKey', message: 'privateKey: Entra ID certificate credentials need an RSA key (PS256).' };
  if (!cert.checkPrivateKey(key)) return { field: 'privateKey', message: 'privateKey: this key does not belong to the certificate; paste the key the certificate was made from.' };
  return null;
}

/** Base URLs the connector calls: explicit endpoints win over the cloud's hosts. */
export function entraEndpoints(c: EntraCredentials): { login: string; graph: string } {
  return c.endpoints ?? ENTRA_CLOUDS[c.cloud ?? 'global'];
}

export const tokenUrlOf = (c: EntraCredentials) => `${entraEndpoints(c).login}/${encodeURIComponent(c.tenantId)}/oauth2/v2.0/token`;
export const graphUrlOf = (c: EntraCredentials) => `${entraEndpoints(c).graph}/v1.0`;
