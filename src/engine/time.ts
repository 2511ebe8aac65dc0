/**
 * Simulated time. Inside the engine time is an integer number of microseconds ("ticks"),
 * held in doubles: exact up to 2^53 µs (about 285 years). Nothing adds up floating-point
 * seconds across events; conversions to and from seconds happen only at the edges.
 */
export type Tick = number;

/** Ticks in one second. */
export const TICKS_PER_SECOND = 1_000_000;

/** Seconds (possibly fractional) to the nearest tick. */
export function ticksFromSeconds(seconds: number): Tick {
  return Math.round(seconds * TICKS_PER_SECOND);
}

/** Ticks to seconds, for reports. */
export function secondsFromTicks(ticks: Tick): number {
  return ticks / TICKS_PER_SECOND;
}
