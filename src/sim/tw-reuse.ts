import type { Tick } from '../engine/time';
import type { Profile } from '../os/profile';
import type { Plan } from './plan';

/**
 * tcp_tw_reuse (os-semantics.md): when connect() may take over a port in TIME_WAIT, and how old
 * the TIME_WAIT must be. The rule both engines apply.
 */

/** Whether a TCP address "ip:port" is loopback (127/8, ::1, localhost). */
export function isLoopback(address: string): boolean {
  const host = address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  return /^127\./.test(host) || host === '::1' || host === 'localhost' || /^::ffff:127\./.test(host);
}

/**
 * Age at which a TIME_WAIT becomes reusable: strictly older than tcp_tw_reuse_delay on the
 * kernel's millisecond clock (time_after32(now_ms, tw_entry_stamp + delay)), so 1 ms past it.
 */
export function reuseAge(p: Profile): Tick {
  return p.twReuseDelay + 1000;
}

/**
 * Whether connect() may take over TIME_WAITs of a pool (tcp_twsk_unique): tcp_tw_reuse 1, or 2
 * with a loopback destination (for a pool of every destination: all of them loopback); peer
 * timestamps; and a delay shorter than TIME_WAIT itself.
 */
export function twReuseApplies(p: Profile, plan: Plan, destination: number): boolean {
  if (p.twReuse === 0 || !p.timestamps || reuseAge(p) >= p.timeWait) return false;
  if (p.twReuse === 1) return true;
  const dests = destination >= 0 ? [plan.destinations[destination]!] : plan.destinations;
  return dests.every((d) => isLoopback(d.address));
}
