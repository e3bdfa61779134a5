/**
 * Failing-directory alerts (issue 6): when a directory's real syncs have failed UNHEALTHY_AFTER (3)
 * times in a row, a structured warn line `directory_unhealthy`, and — when ACCESSIQ_ALERT_WEBHOOK_URL
 * is set — a POST of {event:'directory.unhealthy', tenantId, directoryId, name, consecutiveFailures,
 * lastError}. Once per failing streak (the run that reaches the threshold), not on every later failure.
 *
 * With ACCESSIQ_ALERT_WEBHOOK_SECRET the body is signed like Stripe/Polis webhooks:
 * `X-AccessIQ-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`; a receiver
 * recomputes it and rejects old timestamps (replay). Delivery is retried a bounded number of times
 * on network errors, 429 and 5xx, in the background so the worker is not held; `close()` waits for it.
 */
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../store/schema.js';
import { jsonObject } from '../store/json-column.js';
import { UNHEALTHY_AFTER } from './directory-service.js';

export interface AlertOptions {
  db: Kysely<Database>;
  logger: Logger;
  webhookUrl?: string | undefined;
  webhookSecret?: string | undefined;
  /** Delivery attempts in all (default 4). */
  attempts?: number;
  /** First retry delay, doubled each time (default 1 s). */
  baseDelayMs?: number;
  /** Per attempt (default 5 s). */
  timeoutMs?: number;
}

export interface DirectoryUnhealthy {
  event: 'directory.unhealthy';
  tenantId: string;
  directoryId: string;
  name: string;
  consecutiveFailures: number;
  lastError: { code: string; message: string } | null;
}

export function signWebhook(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function createDirectoryAlerts(o: AlertOptions) {
  const attempts = Math.max(1, o.attempts ?? 4);
  const baseDelayMs = o.baseDelayMs ?? 1000;
  const timeoutMs = o.timeoutMs ?? 5000;
  const pending = new Set<Promise<void>>();
  const log = o.logger.child({ component: 'alerts' });

  async function deliver(url: string, alert: DirectoryUnhealthy): Promise<void> {
    const body = JSON.stringify(alert);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let outcome: string;
      try {
        const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'AccessIQ-Directory-Sync' };
        // signed per attempt: the timestamp says when this copy was sent
        if (o.webhookSecret) headers['x-accessiq-signature'] = signWebhook(o.webhookSecret, body, Math.floor(Date.now() / 1000));
        const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return;
        outcome = `HTTP ${res.status}`;
        if (res.status < 500 && res.status !== 429) break; // the receiver refuses it: retrying will not help
      } catch (e) {
        outcome = e instanceof Error ? e.message : String(e);
      }
      if (attempt === attempts) {
        log.error({ directoryId: alert.directoryId, attempts, outcome }, 'alert webhook: delivery failed');
        return;
      }
      await new Promise((r) => setTimeout(r, baseDelayMs * 2 ** (attempt - 1)));
    }
    log.error({ directoryId: alert.directoryId }, 'alert webhook: the receiver refused the alert');
  }

  return {
    /** For RunExecutorDeps.onFinished (after the scheduler's bookkeeping). */
    async onRunFinished(run: { id: string; tenantId: string; directoryId: string; status: string; dryRun: boolean }): Promise<void> {
      if (run.dryRun || run.status !== 'failed') return;
      const dir = await o.db.selectFrom('directories').select(['name', 'consecutive_failures']).where('id', '=', run.directoryId).where('tenant_id', '=', run.tenantId).executeTakeFirst();
      if (!dir || dir.consecutive_failures !== UNHEALTHY_AFTER) return;
      const row = await o.db.selectFrom('sync_runs').select('error').where('id', '=', run.id).executeTakeFirst();
      const err = jsonObject(row?.error);
      const alert: DirectoryUnhealthy = {
        event: 'directory.unhealthy', tenantId: run.tenantId, directoryId: run.directoryId, name: dir.name, consecutiveFailures: dir.consecutive_failures,
        lastError: typeof err.code === 'string' && typeof err.message === 'string' ? { code: err.code, message: err.message } : null,
      };
      log.warn({ ...alert, event: 'directory_unhealthy' }, 'directory_unhealthy');
      if (!o.webhookUrl) return;
      const p = deliver(o.webhookUrl, alert).finally(() => pending.delete(p));
      pending.add(p);
    },
    /** Waits for deliveries in flight (the service's close). */
    async close(): Promise<void> {
      await Promise.all([...pending]);
    },
  };
}

export type DirectoryAlerts = ReturnType<typeof createDirectoryAlerts>;
