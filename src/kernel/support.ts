import { ALLOCATORS } from '../os/allocators';
import { ALLOC_DOUBLE_HASH, ALLOC_HASH, ALLOC_LINUX, ALLOC_LINUX_BIND, ALLOC_LINUX_SOCKET_RANGE, ALLOC_RANDOM_INCREMENTS, ALLOC_RANDOM_PICK, ALLOC_RANDOM_START, ALLOC_SEQUENTIAL,
  ALLOC_SEQUENTIAL_DESCENDING } from '../os/allocators/codes';
import { DIST_CONSTANT, DIST_EMPIRICAL, DIST_EXPONENTIAL, DIST_LOGNORMAL, DIST_MIXTURE, DIST_PARETO, DIST_UNIFORM } from '../random/distribution-codes';
import { Distribution } from '../random/distributions';
import { type Plan, workloadIn } from '../sim/plan';
import { ARRIVAL_CONSTANT, ARRIVAL_EVEN, ARRIVAL_POISSON, ARRIVAL_RANDOM, ARRIVAL_TRACE } from '../workload/arrival-codes';
import { arrivalKind } from '../workload/arrivals';

/**
 * The allocators, arrival processes and duration distributions the kernel implements, by their
 * codes (the registries' own): a code added to a registry runs on the JS engine until it is
 * listed here.
 */
const KERNEL_ALLOCATORS: ReadonlySet<number> = new Set([ALLOC_RANDOM_START, ALLOC_SEQUENTIAL, ALLOC_LINUX, ALLOC_LINUX_SOCKET_RANGE, ALLOC_SEQUENTIAL_DESCENDING, ALLOC_LINUX_BIND,
  ALLOC_RANDOM_PICK, ALLOC_HASH, ALLOC_DOUBLE_HASH, ALLOC_RANDOM_INCREMENTS]);
const KERNEL_ARRIVALS: ReadonlySet<number> = new Set([ARRIVAL_CONSTANT, ARRIVAL_POISSON, ARRIVAL_EVEN, ARRIVAL_RANDOM, ARRIVAL_TRACE]);
/** Durations, and think times and connect latencies, which the kernel draws with the same sampler (./assembly/distributions.ts). */
const KERNEL_DURATIONS: ReadonlySet<number> = new Set([DIST_CONSTANT, DIST_UNIFORM, DIST_EXPONENTIAL, DIST_LOGNORMAL, DIST_PARETO, DIST_EMPIRICAL, DIST_MIXTURE]);

/**
 * Why the WebAssembly kernel cannot run this variant of the plan (undefined: it can). The kernel
 * runs workloads with every arrival kind (constant, Poisson, rate curves evenly spaced or
 * randomized, timestamp traces) and these durations: constant, uniform, exponential, lognormal,
 * Pareto, empirical or a mixture of these; any closing-side mix, destinations, weights and source addresses;
 * connect latencies of any of these; connect() or bind(ip, 0) sockets, with the bind bookkeeping, or connected UDP sockets,
 * each with or without the request layer (keep-alive pools, waiting requests,
 * retries with backoff, closed-loop clients with think times of any of those distributions:
 * ./assembly/requests.ts); on hosts with any allocator of the registry, for connect() and for
 * bind(ip, 0), with TIME_WAIT reuse (tcp_tw_reuse), with any number of port pools and slots
 * (it lays a pool out on first use and grows its memory as the run needs; past WebAssembly's
 * 4 GiB it stops with an error). Everything else runs on the JS engine (../sim/simulation.ts),
 * which is the reference the kernel is tested against.
 */
export function kernelRefusal(plan: Plan, variant: number): string | undefined {
  const profiles = plan.variants[variant]!.profiles;
  for (const [h, p] of profiles.entries()) {
    if (!KERNEL_ALLOCATORS.has(ALLOCATORS[p.allocator].code)) return `host ${plan.hosts[h]!.name}: allocator ${p.allocator}`;
  }
  for (const planned of plan.workloads) {
    const w = workloadIn(plan, variant, planned);
    if (w.clients !== undefined && !KERNEL_DURATIONS.has(new Distribution(w.clients.think).kind)) return `workload ${w.name}: think ${w.clients.think.dist}`;
    if (w.connectLatency !== undefined && !KERNEL_DURATIONS.has(new Distribution(w.connectLatency).kind)) return `workload ${w.name}: connectLatency ${w.connectLatency.dist}`;
    if (w.bind === 'any-port' && !KERNEL_ALLOCATORS.has(ALLOCATORS[profiles[w.host]!.bindAllocator].code)) return `workload ${w.name}: bind allocator ${profiles[w.host]!.bindAllocator}`;
    if (!KERNEL_ARRIVALS.has(arrivalKind(w.arrivals))) return `workload ${w.name}: arrivals ${w.arrivals.type}`;
    if (!KERNEL_DURATIONS.has(new Distribution(w.duration).kind)) return `workload ${w.name}: duration ${w.duration.dist}`;
  }
  return undefined;
}
