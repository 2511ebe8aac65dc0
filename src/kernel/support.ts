import { type Plan, workloadIn } from '../sim/plan';
import { poolKindOf, poolLayout } from '../sim/pool-layout';
import { twReuseApplies } from '../sim/tw-reuse';

/** The allocators the kernel implements, by its code for them. */
export const ALLOCATOR_KINDS: Readonly<Record<string, number>> = { 'random-start': 0, sequential: 1, linux: 2, 'linux-socket-range': 3, 'sequential-descending': 4 };

/**
 * Most port slots (ports summed over every pool of a variant) the kernel lays out: its memory is
 * about 100 bytes per slot, made before the run, where the JS engine makes a pool on first use.
 */
export const MAX_KERNEL_SLOTS = 1 << 21;

/**
 * Why the WebAssembly kernel cannot run this variant of the plan (undefined: it can). The kernel
 * runs the plain model: open-loop TCP workloads (constant or Poisson arrivals; constant, uniform
 * or exponential durations; any closing-side mix, destinations, weights and source addresses)
 * on hosts whose allocator is random-start, sequential, sequential-descending, linux or
 * linux-socket-range (every preset's) and whose TIME_WAITs connect() cannot
 * reuse. Everything else runs on the JS engine (../sim/simulation.ts), which is the reference
 * the kernel is tested against.
 */
export function kernelRefusal(plan: Plan, variant: number): string | undefined {
  const profiles = plan.variants[variant]!.profiles;
  for (const [h, p] of profiles.entries()) {
    if (!(p.allocator in ALLOCATOR_KINDS)) return `host ${plan.hosts[h]!.name}: allocator ${p.allocator}`;
  }
  for (const planned of plan.workloads) {
    const w = workloadIn(plan, variant, planned);
    const perDestination = profiles[w.host]!.sharing === 'per-destination';
    if (w.clients !== undefined || w.pool !== undefined || w.retry !== undefined) return `workload ${w.name}: request layer`;
    if (w.connectLatency !== undefined) return `workload ${w.name}: connectLatency`;
    if (w.protocol !== 'tcp' || poolKindOf(w, perDestination) !== 'connect') return `workload ${w.name}: ${w.protocol === 'tcp' ? 'bind' : 'udp'} sockets`;
    const a = w.arrivals;
    if (!((a.type === 'constant' || a.type === 'poisson') && a.curve === undefined && a.times === undefined)) return `workload ${w.name}: arrivals ${a.type}`;
    const d = w.duration.dist;
    if (d !== 'constant' && d !== 'uniform' && d !== 'exponential') return `workload ${w.name}: duration ${d}`;
  }
  const layout = poolLayout(plan, variant);
  let slots = 0;
  for (const [i, info] of layout.info.entries()) {
    const p = profiles[info.host]!;
    if (twReuseApplies(p, plan, info.destination)) return `pool ${i}: TIME_WAIT reuse`;
    slots += p.portRange[1] - p.portRange[0] + 1;
  }
  if (slots > MAX_KERNEL_SLOTS) return `${slots} port slots (the kernel lays out at most ${MAX_KERNEL_SLOTS})`;
  return undefined;
}
