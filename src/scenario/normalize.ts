import { PRESETS } from '../os/presets';
import { PROFILE_FIELDS, type Profile } from '../os/profile';
import { Distribution } from '../random/distributions';
import type { Plan, PlanVariant } from '../sim/plan';
import { onlyCloser } from '../workload/closer';
import type { ProfileInput, ScenarioInput } from './schema';

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
  const destIndex = new Map(s.destinations.map((d, i) => [d.name, i]));

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

  const workloads = s.workloads.map((w) => {
    const dests = w.destinations ?? s.destinations.map((d) => d.name);
    return {
      name: w.name,
      host: w.host === undefined ? 0 : hostIndex.get(w.host)!,
      destinations: dests.map((d) => destIndex.get(d)!),
      weights: dests.map((d) => s.destinations[destIndex.get(d)!]!.weight ?? DEFAULTS.weight),
      selection: w.selection ?? DEFAULTS.selection,
      arrivals: {
        type: w.arrivals.type,
        rate: w.arrivals.rate,
        start: w.arrivals.start ?? 0,
        stop: w.arrivals.stop ?? Infinity,
      },
      duration: w.connection.duration,
      closedBy: w.connection.closedBy ?? onlyCloser(DEFAULTS.closedBy),
      protocol: w.connection.protocol ?? DEFAULTS.protocol,
      bind: w.connection.bind ?? DEFAULTS.bind,
      reuseAddr: w.connection.reuseAddr ?? false,
      idleTimeout: w.connection.idleTimeout ?? 0,
    };
  });

  // Default warm-up: twice the longest hold a port can see (connection mean + TIME_WAIT), the
  // time after which an M/G/N/N loss system is close to its steady state; rounded up to seconds.
  const maxTimeWait = Math.max(...variants.flatMap((v) => v.profiles.map((p) => p.timeWait)));
  const maxMean = Math.max(...s.workloads.map((w) => new Distribution(w.connection.duration).mean));
  const warmup = s.warmup ?? Math.ceil((2 * (maxTimeWait + maxMean)) / 1_000_000) * 1_000_000; // whole seconds

  return {
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
    destinations: s.destinations.map((d) => ({ name: d.name, address: d.address, weight: d.weight ?? DEFAULTS.weight })),
    workloads,
    variants,
  };
}
