/**
 * When a directory syncs next. Fixed frequencies are aligned to their period and shifted by a
 * stable per-directory jitter (so a thousand tenants on "hourly" do not all start at :00); daily
 * syncs run at the chosen time of day in the chosen time zone; cron expressions via croner.
 */
import { createHash } from 'node:crypto';
import { Cron } from 'croner';
import type { Schedule } from '../domain/directory-settings.js';

const PERIOD_MS = { '15m': 15 * 60_000, '1h': 60 * 60_000, '24h': 24 * 60 * 60_000 } as const;

/** A stable offset in [0, max) derived from the directory id. */
export function jitterMs(directoryId: string, maxMs: number): number {
  if (maxMs <= 0) return 0;
  const n = createHash('sha256').update(directoryId).digest().readUInt32BE(0);
  return n % maxMs;
}

export function nextSyncAt(schedule: Schedule, directoryId: string, after: Date): string {
  if (schedule.frequency === 'cron') {
    const next = new Cron(schedule.cron ?? '', { timezone: schedule.timeZone ?? 'UTC', paused: true }).nextRun(after);
    if (!next) throw new Error('the expression never fires');
    return new Date(next.getTime() + jitterMs(directoryId, 60_000)).toISOString();
  }
  if (schedule.frequency === '24h' && schedule.timeOfDay) {
    const [h, m] = schedule.timeOfDay.split(':');
    const next = new Cron(`${Number(m)} ${Number(h)} * * *`, { timezone: schedule.timeZone ?? 'UTC', paused: true }).nextRun(after);
    return new Date(next!.getTime() + jitterMs(directoryId, 5 * 60_000)).toISOString();
  }
  const period = PERIOD_MS[schedule.frequency];
  const jitter = jitterMs(directoryId, Math.min(period / 10, 5 * 60_000));
  let t = Math.floor(after.getTime() / period) * period + jitter;
  while (t <= after.getTime()) t += period;
  return new Date(t).toISOString();
}
