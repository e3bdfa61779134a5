/** Time as the service sees it; tests pass a fake clock instead of sleeping. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
export const isoNow = (clock: Clock = systemClock) => clock.now().toISOString();
