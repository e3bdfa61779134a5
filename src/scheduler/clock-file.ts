/**
 * A clock that reads "now" from a file holding one ISO-8601 timestamp, re-read on every call.
 * Test hook only (ACCESSIQ_CLOCK_FILE): it lets a test drive the schedule of several worker
 * PROCESSES at once by writing one file, with no sleeping. Leases keep using real time.
 */
import fs from 'node:fs';
import type { Clock } from '../lib/clock.js';

export function createFileClock(file: string): Clock {
  return {
    now() {
      const text = fs.readFileSync(file, 'utf8').trim();
      const t = Date.parse(text);
      if (Number.isNaN(t)) throw new Error(`${file} must hold an ISO-8601 timestamp, got "${text.slice(0, 40)}"`);
      return new Date(t);
    },
  };
}
