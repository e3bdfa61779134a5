/** Due-time computation and the failure backoff: pure functions, no clock, no database. */
import { describe, expect, it } from 'vitest';
import { jitterMs, nextSyncAt } from '../../src/scheduler/next-sync-at.js';
import { failureBackoffMs, intervalMs } from '../../src/scheduler/backoff.js';
import type { Schedule } from '../../src/domain/directory-settings.js';

const schedule = (s: Partial<Schedule>): Schedule => ({ enabled: true, frequency: '1h', fullSyncEveryHours: 24, ...s });
const MIN = 60_000;

describe('nextSyncAt', () => {
  it('15m and 1h windows are aligned to the period plus a stable per-directory jitter', () => {
    const after = new Date('2026-03-01T10:07:00Z');
    for (const id of ['dir_a', 'dir_b', 'dir_c']) {
      const q = Date.parse(nextSyncAt(schedule({ frequency: '15m' }), id, after));
      expect(q - Date.parse('2026-03-01T10:15:00Z')).toBe(jitterMs(id, 1.5 * MIN));
      const h = Date.parse(nextSyncAt(schedule({ frequency: '1h' }), id, after));
      expect(h - Date.parse('2026-03-01T11:00:00Z')).toBe(jitterMs(id, 5 * MIN));
    }
    // consecutive windows are exactly one period apart
    const a = nextSyncAt(schedule({ frequency: '15m' }), 'dir_a', after);
    expect(Date.parse(nextSyncAt(schedule({ frequency: '15m' }), 'dir_a', new Date(a))) - Date.parse(a)).toBe(15 * MIN);
  });

  it('jitter spreads many directories over the window', () => {
    const offsets = new Set(Array.from({ length: 200 }, (_, i) => Math.floor(jitterMs(`dir_${i}`, 5 * MIN) / MIN)));
    expect(offsets.size).toBe(5); // every minute of the 5-minute spread is used
  });

  it('daily at a time of day follows the time zone, daylight saving included', () => {
    const s = schedule({ frequency: '24h', timeOfDay: '09:30', timeZone: 'Europe/Berlin' });
    const winter = Date.parse(nextSyncAt(s, 'dir_x', new Date('2026-01-15T12:00:00Z'))) - Date.parse('2026-01-16T08:30:00Z');
    const summer = Date.parse(nextSyncAt(s, 'dir_x', new Date('2026-07-15T12:00:00Z'))) - Date.parse('2026-07-16T07:30:00Z');
    expect(winter).toBe(jitterMs('dir_x', 5 * MIN));
    expect(summer).toBe(winter);
    // before today's time: today
    expect(nextSyncAt(s, 'dir_x', new Date('2026-01-15T06:00:00Z')).slice(0, 16)).toBe(new Date(Date.parse('2026-01-15T08:30:00Z') + winter).toISOString().slice(0, 16));
  });

  it('cron expressions fire in their time zone with under a minute of jitter', () => {
    const s = schedule({ frequency: 'cron', cron: '0 */6 * * *', timeZone: 'America/New_York' });
    const next = Date.parse(nextSyncAt(s, 'dir_y', new Date('2026-01-15T12:00:00Z'))); // 07:00 in New York
    expect(next - Date.parse('2026-01-15T17:00:00Z')).toBe(jitterMs('dir_y', MIN)); // 12:00 New York
  });
});

describe('failure backoff', () => {
  it('doubles from twice the base and never exceeds the interval', () => {
    const hour = 60 * MIN;
    expect([0, 1, 2, 3, 4, 5, 6, 7, 100].map((n) => failureBackoffMs(n, hour, MIN) / MIN)).toEqual([0, 2, 4, 8, 16, 32, 60, 60, 60]);
    expect(failureBackoffMs(3, 15 * MIN, MIN)).toBe(8 * MIN);
    expect(failureBackoffMs(4, 15 * MIN, MIN)).toBe(15 * MIN);
  });

  it('knows each frequency\'s interval, cron included', () => {
    expect(intervalMs(schedule({ frequency: '15m' }), 'd', new Date())).toBe(15 * MIN);
    expect(intervalMs(schedule({ frequency: '24h', timeOfDay: '03:00' }), 'd', new Date())).toBe(24 * 60 * MIN);
    expect(intervalMs(schedule({ frequency: 'cron', cron: '*/20 * * * *' }), 'd', new Date('2026-01-01T00:05:00Z'))).toBe(20 * MIN);
  });
});
