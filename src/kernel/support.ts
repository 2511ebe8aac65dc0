import { ALLOCATORS } from '../os/allocators';
import { ALLOC_LINUX, ALLOC_LINUX_SOCKET_RANGE, ALLOC_RANDOM_START, ALLOC_SEQUENTIAL, ALLOC_SEQUENTIAL_DESCENDING } from '../os/allocators/codes';
import { DIST_CONSTANT, DIST_EMPIRICAL, DIST_EXPONENTIAL, DIST_LOGNORMAL, DIST_MIXTURE, DIST_PARETO, DIST_UNIFORM } from '../random/distribution-codes';
import { Distribution } from '../random/distributions';
import { type Plan, workloadIn } from '../sim/plan';
import { ARRIVAL_CONSTANT, ARRIVAL_EVEN, ARRIVAL_POISSON, ARRIVAL_RANDOM, ARRIVAL_TRACE } from '../workload/arrival-codes';
import { arrivalKind } from '../workload/arrivals';
import { poolKindOf, poolLayout } from '../sim/pool-layout';
import { twReuseApplies } from '../sim/tw-reuse';

/**
 * The allocators, arrival processes and duration distributions the kernel implements, by their
 * codes (the registries' own): a code added to a registry runs on the JS engine until it is
 * listed here.
 */
const KERNEL_ALLOCATORS: ReadonlySet<number> = new Set([ALLOC_RANDOM_START, ALLOC_SEQUENTIAL, ALLOC_LINUX, ALLOC_LINUX_SOCKET_RANGE, ALLOC_SEQUENTIAL_DESCENDING]);
const KERNEL_ARRIVALS: ReadonlySet<number> = new Set([ARRIVAL_CONSTANT, ARRIVAL_POISSON, ARRIVAL_EVEN, ARRIVAL_RANDOM, ARRIVAL_TRACE]);
const KERNEL_DURATIONS: ReadonlySet<number> = new Set([DIST_CONSTANT, DIST_UNIFORM, DIST_EXPONENTIAL, DIST_LOGNORMAL, DIST_PARETO, DIST_EMPIRICAL, DIST_MIXTURE]);
/** Closed-loop clients' think times (./assembly/requests.ts draws them with distValue). */
const KERNEL_THINK: ReadonlySet<number> = new Set([DIST_CONSTANT, DIST_UNIFORM, DIST_EXPONENTIAL]);

/**
 * Why the WebAssembly kernel cannot run this variant of the plan (undefined: it can). The kernel
 * runs TCP workloads (every arrival kind: constant, Poisson, rate curves evenly spaced or
 * randomized, timestamp traces; durations constant, uniform, exponential, lognormal, Pareto,
 * empirical or a mixture of these; any closing-side mix, destinations, weights and source addresses), with or without
 * the request layer (keep-alive pools, waiting requests, retries with backoff, closed-loop clients
 * with constant, uniform or exponential think times: ./assembly/requests.ts)
 * on hosts whose allocator is random-start, sequential, sequential-descending, linux or
 * linux-socket-range (every preset's) and whose TIME_WAITs connect() cannot
 * reuse, with any number of port pools and slots (it lays a pool out on first use and grows its
 * memory as the run needs: past WebAssembly's 4 GiB it stops with an error). Everything else
 * runs on the JS engine (../sim/simulation.ts), which is the reference the kernel is tested against.
 */
export function kernelRefusal(plan: Plan, variant: number): string | undefined {
  const profiles = plan.variants[variant]!.profiles;
  for (const [h, p] of profiles.entries()) {
    if (!KERNEL_ALLOCATORS.has(ALLOCATORS[p.allocator].code)) return `host ${plan.hosts[h]!.name}: allocator ${p.allocator}`;
  }
  for (const planned of plan.workloads) {
    const w = workloadIn(plan, variant, planned);
    const perDestination = profiles[w.host]!.sharing === 'per-destination';
    if (w.clients !== undefined && !KERNEL_THINK.has(new Distribution(w.clients.think).kind)) return `workload ${w.name}: think ${w.clients.think.dist}`;
    if (w.connectLatency !== undefined) return `workload ${w.name}: connectLatency`;
    if (w.protocol !== 'tcp' || poolKindOf(w, perDestination) !== 'connect') return `workload ${w.name}: ${w.protocol === 'tcp' ? 'bind' : 'udp'} sockets`;
    if (!KERNEL_ARRIVALS.has(arrivalKind(w.arrivals))) return `workload ${w.name}: arrivals ${w.arrivals.type}`;
    if (!KERNEL_DURATIONS.has(new Distribution(w.duration).kind)) return `workload ${w.name}: duration ${w.duration.dist}`;
  }
  const layout = poolLayout(plan, variant);
  for (const [i, info] of layout.info.entries()) {
    if (twReuseApplies(profiles[info.host]!, plan, info.destination)) return `pool ${i}: TIME_WAIT reuse`;
  }
  return undefined;
}
