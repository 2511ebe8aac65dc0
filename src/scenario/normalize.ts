import { PRESETS } from '../os/presets';
import { PROFILE_FIELDS, type Profile } from '../os/profile';
import { Distribution } from '../random/distributions';
import { POOL_DEFAULTS } from '../sim/connection-pool';
import type { Plan, PlanVariant, PlanWorkload } from '../sim/plan';
import { RETRY_DEFAULTS } from '../workload/retry';
import type { DistributionSpec } from '../random/distributions';
import { onlyCloser } from '../workload/closer';
import { arrivalSpecOf } from './arrivals';
import { withGateways } from './normalize-gateways';
import { rateStepsOf, withRateSteps } from './rate-steps';
import type { ProfileInput, ScenarioInput } from './schema';
import { DEFAULT_ZIPF_EXPONENT, expandDestinations, zipfWeights } from './topology';

/** Defaults, in one place (documented in scenarios/README.md). */
export const DEFAULTS = {
  seed: 1,
  replications: 1,
  sample: 1_000_000,
  sourceIps: 1,
  weight: 1,
  selection: 'round-robin',
  closedBy: 'client',
  protocol: 'tcp',
  bind: 'none',
} as const;

/**
 * A preset with a scenario's overrides applied. Its name is the `label` if given, else the
 * preset's name, with "-custom" when an override changes a value of the preset.
 */
export function resolveProfile(p: ProfileInput): Profile {
  const base = PRESETS[p.preset]!;
  const portRange: [number, number] = p.portRange ?? base.portRange;
  const reserved = new Set<number>();
  for (const [a, b] of p.reservedPorts ?? []) {
    for (let q = Math.max(a, portRange[0]); q <= Math.min(b, portRange[1]); q++) reserved.add(q);
  }
  const profile: Profile = {
    ...base,
    portRange,
    reservedPorts: p.reservedPorts !== undefined ? [...reserved].sort((x, y) => x - y) : base.reservedPorts,
    timeWait: p.timeWait ?? base.timeWait,
    sharing: p.sharing ?? base.sharing,
    allocator: (p.allocator as Profile['allocator'] | undefined) ?? base.allocator,
    bindAllocator: (p.bindAllocator as Profile['bindAllocator'] | undefined) ?? base.bindAllocator,
    twReuse: (p.twReuse as Profile['twReuse'] | undefined) ?? base.twReuse,
    twReuseDelay: p.twReuseDelay ?? base.twReuseDelay,
    timestamps: p.timestamps ?? base.timestamps,
    maxTimeWaitBuckets: p.maxTimeWaitBuckets ?? base.maxTimeWaitBuckets,
    finTimeout: p.finTimeout ?? base.finTimeout,
  };
  const changed = PROFILE_FIELDS.filter(
    (k) => JSON.stringify(profile[k]) !== JSON.stringify(base[k]),
  );
  profile.name = p.label ?? (changed.length > 0 ? `${p.preset}-custom` : p.preset);
  if (p.device !== undefined) profile.device = p.device;
  if (changed.length > 0) {
    profile.source = `${base.source}. Overridden by the scenario: ${changed.join(', ')}`;
    profile.sources = { ...base.sources };
    for (const k of changed) profile.sources[k] = 'set by the scenario';
  }
  return profile;
}

/** The label of a compare entry: its profile's name, with the bind mode when it sets one and has no label. */
export function variantLabel(c: ScenarioInput['compare'] extends (infer E)[] | undefined ? E : never): string {
  const name = resolveProfile(c).name;
  return c.bind !== undefined && c.label === undefined ? `${name}-${c.bind}` : name;
}

/** A checked scenario → the plan the simulation runs. */
export function normalize(s: ScenarioInput): Plan {
  const hostIndex = new Map(s.hosts.map((h, i) => [h.name, i]));
  // Groups (`count`) expand to their members; a name in a workload's list means all its members.
  const topology = expandDestinations(s.destinations, DEFAULTS.weight);

  const variants: PlanVariant[] = [];
  if (s.compare !== undefined) {
    for (const c of s.compare) {
      const profile = resolveProfile(c);
      variants.push({ label: variantLabel(c), profiles: s.hosts.map(() => profile), ...(c.bind !== undefined ? { bind: c.bind } : {}) });
    }
  } else {
    const profiles = s.hosts.map((h) => resolveProfile(h.profile));
    variants.push({ label: [...new Set(profiles.map((p) => p.name))].join('+'), profiles });
  }

  const workloads = s.workloads.map((w, wi) => {
    const dests = w.destinations ?? s.destinations.map((d) => d.name);
    return {
      name: w.name,
      host: w.host === undefined ? 0 : hostIndex.get(w.host)!,
      destinations: dests.flatMap((d) => topology.members.get(d)!),
      // selection: zipf = weights × 1/k^s by rank k in this list, drawn as `random` (./topology.ts)
      weights: w.selection === 'zipf'
        ? zipfWeights(dests.flatMap((d) => topology.members.get(d)!.map((m) => topology.destinations[m]!.weight)), w.zipfExponent ?? DEFAULT_ZIPF_EXPONENT)
        : dests.flatMap((d) => topology.members.get(d)!.map((m) => topology.destinations[m]!.weight)),
      selection: w.selection === 'zipf' ? 'random' as const : w.selection ?? DEFAULTS.selection,
      arrivals: w.arrivals === undefined ? closedLoopArrivals(w) : withRateSteps(arrivalSpecOf(w.arrivals, s.duration), rateStepsOf(s, wi), s.duration),
      duration: w.connection.duration,
      closedBy: w.connection.closedBy ?? onlyCloser(DEFAULTS.closedBy),
      protocol: w.connection.protocol ?? DEFAULTS.protocol,
      bind: w.connection.bind ?? DEFAULTS.bind,
      reuseAddr: w.connection.reuseAddr ?? false,
      idleTimeout: w.connection.idleTimeout ?? 0,
      ...(w.connection.connectLatency !== undefined ? { connectLatency: w.connection.connectLatency } : {}),
      ...(w.connection.connectTimeout !== undefined ? { connectTimeout: w.connection.connectTimeout } : {}),
      ...requestLayer(w, s.duration),
    };
  });

  // Default warm-up: twice the longest hold a port can see (connection mean + TIME_WAIT), the
  // time after which an M/G/N/N loss system is close to its steady state; rounded up to seconds.
  const maxTimeWait = Math.max(...variants.flatMap((v) => v.profiles.map((p) => p.timeWait)));
  const maxMean = Math.max(...s.workloads.map((w) => new Distribution(w.connection.duration).mean));
  const warmup = s.warmup ?? Math.ceil((2 * (maxTimeWait + maxMean)) / 1_000_000) * 1_000_000; // whole seconds

  return withGateways({
    name: s.name,
    seed: s.seed ?? DEFAULTS.seed,
    replications: s.replications ?? DEFAULTS.replications,
    duration: s.duration,
    sample: Math.min(s.sample ?? DEFAULTS.sample, s.duration),
    warmup,
    hosts: s.hosts.map((h) => ({
      name: h.name,
      sourceIps: typeof h.sourceIps === 'object'
        ? h.sourceIps
        : Array.from({ length: h.sourceIps ?? DEFAULTS.sourceIps }, (_, k) => `${h.name}#${k + 1}`),
    })),
    destinations: topology.destinations,
    workloads,
    variants,
  }, s);
}

type WorkloadInput = ScenarioInput['workloads'][number];

/** Defaults of the request layer (documented in scenarios/README.md). */
export const REQUEST_DEFAULTS = {
  think: 0,
  pool: POOL_DEFAULTS,
  retry: RETRY_DEFAULTS,
} as const;

const unlimited = (v: number | 'unlimited' | undefined, fallback: number): number => (v === 'unlimited' ? Infinity : v ?? fallback);

/** A workload's closed-loop clients, connection pool and retry policy, as the plan holds them. */
function requestLayer(w: WorkloadInput, duration: number): Pick<PlanWorkload, 'clients' | 'pool' | 'retry'> {
  const out: Pick<PlanWorkload, 'clients' | 'pool' | 'retry'> = {};
  const c = w.clients;
  if (c !== undefined) {
    const think: DistributionSpec = c.think ?? { dist: 'constant', value: REQUEST_DEFAULTS.think };
    const start = c.start ?? 0;
    if (c.type === 'constant-concurrency') {
      out.clients = { knots: [{ t: start, clients: c.count }, { t: Math.min(c.stop ?? duration, duration), clients: c.count }], think };
    } else {
      const knots = [{ t: start, clients: c.startCount ?? 0 }];
      let t = start;
      for (const st of c.stages) {
        t += st.duration;
        knots.push({ t, clients: st.target });
      }
      out.clients = { knots, think };
    }
  }
  if (w.pool !== undefined) {
    const maxSize = unlimited(w.pool.maxSize, REQUEST_DEFAULTS.pool.maxSize);
    out.pool = {
      maxSize,
      maxIdle: Math.min(unlimited(w.pool.maxIdle, REQUEST_DEFAULTS.pool.maxIdle), maxSize),
      idleTimeout: w.pool.idleTimeout ?? REQUEST_DEFAULTS.pool.idleTimeout,
      maxRequests: unlimited(w.pool.maxRequests, REQUEST_DEFAULTS.pool.maxRequests),
    };
  }
  if (w.retry !== undefined) {
    const d = REQUEST_DEFAULTS.retry;
    out.retry = {
      maxAttempts: w.retry.maxAttempts,
      backoff: w.retry.backoff ?? d.backoff,
      base: w.retry.base ?? d.base,
      max: w.retry.max ?? d.max,
      jitter: w.retry.jitter ?? d.jitter,
      flushPool: w.retry.flushPool ?? d.flushPool,
    };
  }
  return out;
}

/**
 * The `arrivals` stand-in of a closed-loop workload: not used for timing (clients drive it);
 * its rate estimates the throughput, most clients / (mean duration + mean think), for the
 * capacity figures that need a rate.
 */
function closedLoopArrivals(w: WorkloadInput): PlanWorkload['arrivals'] {
  const c = w.clients!;
  const n = c.type === 'constant-concurrency' ? c.count : Math.max(c.startCount ?? 0, ...c.stages.map((st) => st.target));
  const cycle = new Distribution(w.connection.duration).mean + (c.think === undefined ? 0 : new Distribution(c.think).mean);
  return { type: 'constant', rate: cycle > 0 ? (n * 1e6) / cycle : n * 1e6, start: c.start ?? 0, stop: Infinity };
}
