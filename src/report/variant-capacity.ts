import { secondsFromTicks } from '../engine/time';
import type { Plan } from '../sim/plan';
import { grouped } from './digits';

/**
 * The capacity a pool-use chart stacks up to, per variant, and the line under its name: pure,
 * for the command line's report (../cli/report-files.ts) and the browser page (../web) alike.
 */

const plural = (n: number, one: string, many = `${one}s`) => `${grouped(n)} ${n === 1 ? one : many}`;

/** Ports of all a variant's pools together, and how they are made up. */
export function variantCapacity(plan: Plan, variant: number): { capacity: number; note: string } {
  const profiles = plan.variants[variant]!.profiles;
  let capacity = 0;
  let pools = 0;
  const sizes = new Set<number>();
  plan.hosts.forEach((h, i) => {
    const p = profiles[i]!;
    const size = p.portRange[1] - p.portRange[0] + 1 - p.reservedPorts.length;
    const n = h.sourceIps.length * (p.sharing === 'per-destination' ? plan.destinations.length : 1);
    capacity += n * size;
    pools += n;
    sizes.add(size);
  });
  const tw = [...new Set(profiles.map((p) => grouped(secondsFromTicks(p.timeWait), 3)))].join('/');
  const made = pools === 1 ? `${plural(capacity, 'port')} in 1 pool` : `${plural(pools, 'pool')} of ${[...sizes].map((s) => grouped(s)).join('/')} ports`;
  return { capacity, note: `${made} · TIME_WAIT ${tw} s` };
}
