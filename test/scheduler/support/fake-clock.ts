/** A clock the test moves by hand: the scheduler never sees real time, so nothing sleeps. */
import type { Clock } from '../../../src/lib/clock.js';

export function createFakeClock(start: string | Date) {
  let t = new Date(start).getTime();
  const clock: Clock & { set(at: string | Date): void; advance(ms: number): void; iso(): string } = {
    now: () => new Date(t),
    set(at) { t = new Date(at).getTime(); },
    advance(ms) { t += ms; },
    iso: () => new Date(t).toISOString(),
  };
  return clock;
}

export type FakeClock = ReturnType<typeof createFakeClock>;
