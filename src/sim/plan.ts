import type { Tick } from '../engine/time';
import type { Profile } from '../os/profile';
import type { DistributionSpec } from '../random/distributions';
import type { ArrivalSpec } from '../workload/arrivals';
import type { ClientsSpec } from '../workload/clients';
import type { RetrySpec } from '../workload/retry';
import type { PoolSpec } from './connection-pool';
import type { CloserMix } from '../workload/closer';
import type { Selection } from '../workload/selection';
import type { PlanGateway } from '../nat/plan-gateway';

/**
 * A validated, normalized scenario: everything a simulation needs, in ticks and indexes, with
 * every default filled in. Built by ../scenario; consumed by `Simulation`.
 */
export interface Plan {
  name: string;
  seed: number;
  replications: number;
  /** Simulated time [0, duration), in ticks. */
  duration: Tick;
  /** Time-series interval, in ticks. */
  sample: Tick;
  /** Attempts before this time are left out of steady-state figures, in ticks. */
  warmup: Tick;
  hosts: PlanHost[];
  destinations: PlanDestination[];
  workloads: PlanWorkload[];
  /**
   * The profile sets to run on identical traffic. Without `compare` there is one, holding each
   * host's own profile; with `compare` one per compared profile.
   */
  variants: PlanVariant[];
  /** NAT gateways hosts connect through (absent: none; ../nat/plan-gateway.ts). */
  gateways?: PlanGateway[];
}

export interface PlanHost {
  name: string;
  /** Source addresses (as written, or generated as `<host>#<n>`). */
  sourceIps: string[];
  /** Index into Plan.gateways of the gateway its connections leave through (absent: none). */
  gateway?: number;
  /** One of a fleet (`instances`): the index of this instance in its gateway's instances. */
  instance?: number;
}

export interface PlanDestination {
  name: string;
  address: string;
  weight: number;
}

export interface PlanWorkload {
  name: string;
  /** Index into Plan.hosts. */
  host: number;
  /** Indexes into Plan.destinations, with their weights. */
  destinations: number[];
  weights: number[];
  selection: Selection;
  arrivals: ArrivalSpec;
  /** Connection duration, in ticks. */
  duration: DistributionSpec;
  closedBy: CloserMix;
  /** `udp`: connected UDP sockets (a port per socket whatever the destination; EAGAIN). */
  protocol: 'tcp' | 'udp';
  /**
   * How a TCP socket gets its port: `none` — connect() picks it (implicit bind);
   * `any-port` — bind(ip, 0) before connect() (a port of its own on that address, never shared
   * across destinations; EADDRINUSE); `no-port` — bind(ip, 0) with IP_BIND_ADDRESS_NO_PORT, so
   * connect() picks it as with `none`.
   */
  bind: 'none' | 'any-port' | 'no-port';
  /** SO_REUSEADDR on the socket (Linux bind(0): lower half of the range first). */
  reuseAddr: boolean;
  /** UDP: how long the socket stays open after its last datagram, in ticks. */
  idleTimeout: Tick;
  /**
   * Closed loop: clients that each loop request → think → request (then `arrivals` is not
   * used for timing; its `rate` is an estimate of the throughput for capacity figures).
   */
  clients?: ClientsSpec;
  /** Time from connect() to an open connection, in ticks (the port is held through it); absent: 0. */
  connectLatency?: DistributionSpec;
  /**
   * The request layer behind a gateway: how long its connect() waits for an answer to a SYN the
   * gateway dropped before it fails (the client's connect timeout), in ticks; absent: the
   * kernel's own SYN retries, the gateway's synTimeout (./request-gateway.ts connectWait).
   */
  connectTimeout?: Tick;
  /** Requests are served on pooled connections (keep-alive) instead of one connection each. */
  pool?: PoolSpec;
  /** What a failed connect() leads to; absent: the request fails at once. */
  retry?: RetrySpec;
}

export interface PlanVariant {
  /** Label in reports ("linux", "windows", or "linux+windows" for mixed hosts). */
  label: string;
  /** One profile per host, by host index. */
  profiles: Profile[];
  /** How every TCP workload's sockets get their port in this variant, replacing their own `bind` (compare entries may set it). */
  bind?: PlanWorkload['bind'];
}

/** A workload as a variant runs it (with the variant's `bind`, if any). */
export function workloadIn(plan: Plan, variant: number, w: PlanWorkload): PlanWorkload {
  const bind = plan.variants[variant]!.bind;
  if (bind === undefined || w.protocol !== 'tcp' || bind === w.bind) return w;
  return { ...w, bind, reuseAddr: bind === 'any-port' && w.reuseAddr };
}

/**
 * Whether a workload's sockets bind(ip, 0) before connect(): the only `bind` the model tells
 * apart. `no-port` (IP_BIND_ADDRESS_NO_PORT) leaves the port to connect(), exactly as `none` does.
 */
export const bindsFirst = (w: PlanWorkload): boolean => w.bind === 'any-port';

/**
 * What the model reads of a variant, as one string: two variants of a plan with the same key
 * simulate identically (same events, same draws, same figures) and differ only in their labels,
 * so a study runs them once (../cli/study.ts). A run reads a variant only through its profiles and
 * workloadIn; the key holds both whole, but for the labels (PlanVariant.label, Profile.name) and
 * `bind` reduced to bindsFirst.
 *
 * why whole objects rather than chosen fields: a field added later is then in the key by itself.
 * A key that missed one would let two different variants share a run; one that holds too much
 * only runs both. Infinities and NaN are written as such (JSON would write both as null).
 */
export function modelKey(plan: Plan, variant: number): string {
  const v = plan.variants[variant]!;
  const profiles = v.profiles.map(({ name: _label, ...p }) => p);
  const workloads = plan.workloads.map((w) => {
    const x = workloadIn(plan, variant, w);
    return { ...x, bind: bindsFirst(x) };
  });
  return JSON.stringify([profiles, workloads], (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
}

/** Per variant, the first variant before it with the same modelKey (which its runs share), or undefined. */
export function sameModelAs(plan: Plan): (number | undefined)[] {
  const keys = plan.variants.map((_, v) => modelKey(plan, v));
  return keys.map((k, v) => {
    const first = keys.indexOf(k);
    return first < v ? first : undefined;
  });
}
