// tcp_tw_reuse in the kernel (../../sim/tw-reuse.ts says when it applies; test/oracle/sim/ports.ts runs
// it in the JS engine): in a pool whose TIME_WAITs connect() may take over, each port's TIME_WAIT
// start is kept; once the TIME_WAIT is old enough (a TW_REUSABLE lane event) its free bit is set,
// so the allocators consider it in their scan order, and an allocation that picks it takes the
// TIME_WAIT over. A TIME_WAIT_END or TW_REUSABLE event whose TIME_WAIT was taken over (or is a
// later one) does nothing.

import { P_FREE, P_TWSINCE, pget, pset, setFree } from './pools';

/** Where a pool keeps its ports' TIME_WAIT starts plus one (f64; 0: not in TIME_WAIT), or 0: the pool reuses none. */
@inline export function twSinceAt(pp: usize, port: i32): usize {
  const base = pget(pp, P_TWSINCE);
  return base == 0 ? 0 : <usize>(base + port) << 3;
}

/** The port entered TIME_WAIT at `now` (Ports.close). */
@inline export function enteredTimeWait(pp: usize, port: i32, now: f64): void {
  store<f64>(twSinceAt(pp, port), now + 1);
}

/** Whether port's TIME_WAIT began at `now - age` (the one an event was set for); clears it then when `clear`. */
export function isCurrent(pp: usize, port: i32, now: f64, age: f64): bool {
  const a = twSinceAt(pp, port);
  const s = load<f64>(a);
  return s != 0 && (s - 1) + age == now;
}

/** Ports.timeWaitEnd's check: false for a stale event; for the current TIME_WAIT, forgets its start. */
export function timeWaitEnds(pp: usize, port: i32, now: f64, timeWait: f64): bool {
  if (!isCurrent(pp, port, now, timeWait)) return false;
  store<f64>(twSinceAt(pp, port), 0);
  return true;
}

/** Ports.timeWaitReusable: the TIME_WAIT (if current, and its bucket is no bind() user's) becomes a candidate. */
export function becameReusable(pp: usize, port: i32, now: f64, age: f64, bindHeld: bool): void {
  if (!isCurrent(pp, port, now, age) || bindHeld) return;
  setFree(pp, port);
  pset(pp, P_FREE, pget(pp, P_FREE) + 1);
}

/** The age of a TIME_WAIT the allocator picked, forgetting its start; -1 if the port was free (not in TIME_WAIT). */
export function takeOver(pp: usize, port: i32, now: f64): f64 {
  const a = twSinceAt(pp, port);
  if (a == 0) return -1;
  const s = load<f64>(a);
  if (s == 0) return -1;
  store<f64>(a, 0);
  return now - (s - 1);
}

/** Whether the port is in TIME_WAIT in a pool that reuses them. */
@inline export function inTimeWait(pp: usize, port: i32): bool {
  const a = twSinceAt(pp, port);
  return a != 0 && load<f64>(a) != 0;
}
