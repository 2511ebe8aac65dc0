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
