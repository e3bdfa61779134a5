/** The service's settings, read from the environment once at start (README lists them). */
import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  secretKey: string | undefined;
  /** Earlier credential keys, still accepted for reading while `accessiq keys rotate` switches over (ACCESSIQ_SECRET_KEY_PREVIOUS, comma-separated). */
  secretKeyPrevious: string[];
  adminToken: string | undefined;
  /** Lets admins use http:// and loopback/private provider URLs (emulators, private clouds). */
  allowInsecureEndpoints: boolean;
  logLevel: string;
  /** POST target for failing-directory alerts (ACCESSIQ_ALERT_WEBHOOK_URL); alerts are logged either way. */
  alertWebhookUrl: string | undefined;
  /** HMAC-SHA256 key for the X-AccessIQ-Signature header (ACCESSIQ_ALERT_WEBHOOK_SECRET). */
  alertWebhookSecret: string | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}".`);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.ACCESSIQ_DATA_DIR ?? './data'),
    secretKey: env.ACCESSIQ_SECRET_KEY || undefined,
    secretKeyPrevious: (env.ACCESSIQ_SECRET_KEY_PREVIOUS ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    adminToken: env.ACCESSIQ_ADMIN_TOKEN || undefined,
    allowInsecureEndpoints: env.ACCESSIQ_ALLOW_INSECURE_ENDPOINTS === '1' || env.ACCESSIQ_ALLOW_INSECURE_ENDPOINTS === 'true',
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    alertWebhookUrl: env.ACCESSIQ_ALERT_WEBHOOK_URL || undefined,
    alertWebhookSecret: env.ACCESSIQ_ALERT_WEBHOOK_SECRET || undefined,
  };
}
