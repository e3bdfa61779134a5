/**
 * How long a failing directory waits before its next attempt: min(interval, base · 2^failures).
 * A first failure is retried soon (a blip should not cost a whole day on a daily schedule); a
 * directory that keeps failing settles at its own interval instead of hammering the provider.
 */
import type { Schedule } from '../domain/directory-settings.js';
import { nextSyncAt } from './next-sync-at.js';

export const DEFAULT_BACKOFF_BASE_MS = 60_000;

const FIXED_INTERVAL_MS = { '15m': 15 * 60_000, '1h': 60 * 60_000, '24h': 24 * 60 * 60_000 } as const;

/** The schedule's interval; for cron, the gap between its next two firings after `at`. */
export function intervalMs(schedule: Schedule, directoryId: string, at: Date): number {
  if (schedule.frequency !== 'cron') return FIXED_INTERVAL_MS[schedule.frequency];
  const first = nextSyncAt(schedule, directoryId, at);
  const second = nextSyncAt(schedule, directoryId, new Date(first));
  return Date.parse(second) - Date.parse(first);
}

export function failureBackoffMs(failures: number, interval: number, baseMs = DEFAULT_BACKOFF_BASE_MS): number {
  if (failures <= 0) return 0;
  // 2^failures overflows nothing here: past ~40 failures the cap has long been reached
  return Math.min(interval, baseMs * 2 ** Math.min(failures, 40));
}
