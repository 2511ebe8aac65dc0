import type { Engine } from '../engine/engine';
import type { Tick } from '../../../src/engine/time';
import { ALLOCATORS, type Allocator } from '../os/allocators';
import type { Profile } from '../../../src/os/profile';
import { Distribution } from '../../../src/random/distributions';
import type { RandomStream, RandomStreams } from '../../../src/random/stream';
import { ArrivalProcess } from '../workload/arrivals';
import { activeIntervals, maxClients } from '../../../src/workload/clients';
import { Closer } from '../workload/closer';
import { DestinationPicker } from '../workload/destination-picker';
import type { RetrySpec } from '../../../src/workload/retry';
import type { PoolSpec } from '../../../src/sim/connection-pool';
import type { ConnectionPool } from './connection-pool';
import { type Plan, workloadIn } from '../../../src/sim/plan';
import { type HostLayout, KIND_UDP, poolIndex, poolLayout, workloadKind } from '../../../src/sim/pool-layout';
import { reuseAge } from '../../../src/sim/tw-reuse';
import { idleHold } from '../../../src/sim/udp';

/**
 * The running state of a variant's hosts and workloads: their profiles' allocators, random
 * streams, engine lanes and per-workload traffic pieces, made once before the run.
 */

/** One workload's running state. */
export class WorkloadState {
  /**
   * Next source IP, per destination: each destination takes the host's addresses in turn on
   * its own. why per destination: one shared cursor advancing in step with a round-robin over
   * destinations would tie each address to one destination (2 IPs × 2 destinations would use
   * 2 of the 4 pools).
   */
  readonly nextIp: Int32Array;
  /**
   * Requests go through the request layer (closed-loop clients, pooled connections or retries)
   * rather than the plain path of one connection per arrival.
   */
  requests = false;
  pool: PoolSpec | undefined;
  /** Per destination, the workload's connection pool (created on first use). */
  connPools: (ConnectionPool | undefined)[] = [];
  /** Engine lane for idle timeouts of pooled connections (-1: none). */
  idleLane = -1;
  retry: RetrySpec | undefined;
  rngRetry: RandomStream | undefined;
  /** Closed loop: per client, the intervals it is active in; its think time. */
  clientIntervals: [Tick, Tick][][] = [];
  think: Distribution | undefined;
  rngThink: RandomStream | undefined;
  /** Time from connect() to the connection being usable (SYN, SYN-ACK), held on the port; undefined: 0. */
  latency: Distribution | undefined;
  rngLatency: RandomStream | undefined;
  constructor(
    /** Engine timer slot of the workload's next arrival. */
    readonly slot: number,
    readonly host: number,
    /** KIND_CONNECT, KIND_BIND or KIND_UDP: which of the host's pools its sockets use. */
    readonly kind: number,
    /** The host's allocator for this workload's sockets (connect, bind(0) with or without SO_REUSEADDR, UDP). */
    readonly allocator: Allocator,
    readonly rngAllocator: RandomStream,
    /** Ticks a UDP socket stays open after its flow (0 for TCP). */
    readonly idle: Tick,
    readonly arrivals: ArrivalProcess,
    readonly picker: DestinationPicker,
    readonly duration: Distribution,
    readonly closer: Closer,
    readonly rngArrivals: RandomStream,
    readonly rngDestinations: RandomStream,
    readonly rngDurations: RandomStream,
    readonly rngCloser: RandomStream,
    destinations: number,
  ) {
    this.nextIp = new Int32Array(destinations);
  }
}

/** One host's running state under the variant's profile. */
export class HostState {
  /** TIME_WAIT sockets of the host (tcp_max_tw_buckets counts them per network namespace). */
  timeWaits = 0;
  /**
   * Bind bookkeeping, only for hosts whose connect() shares ports across destinations and that
   * have bind(ip, 0) sockets (else undefined): per port, the bind() sockets holding it (any
   * address; connect() skips such ports for every destination, exp C); per source IP and port,
   * the connect() sockets using it (bind(ip, 0) skips those, exp E).
   */
  bindHeld: Int32Array | undefined;
  ipUse: Int32Array[] | undefined;
  /** Connect pools created so far (to block and unblock bind-held ports in). */
  readonly connectPools: number[] = [];
  constructor(
    readonly profile: Profile,
    readonly allocators: { connect: Allocator; bind: Allocator; bindReuseAddr: Allocator; udp: Allocator },
    readonly rngConnect: RandomStream,
    readonly rngBind: RandomStream,
    readonly rngUdp: RandomStream,
    readonly layout: HostLayout,
    readonly perDestination: boolean,
    readonly nIps: number,
    readonly timeWaitLane: number,
    readonly reuseLane: number,
    readonly finLane: number,
    readonly reservedOffsets: number[],
  ) {}
}

/** The hosts' running state under the variant's profiles. */
export function hostStates(plan: Plan, variant: number, streams: RandomStreams, engine: Engine, layout: ReturnType<typeof poolLayout>): HostState[] {
  const profiles = plan.variants[variant]!.profiles;
  return plan.hosts.map((h, hi) => {
    const profile = profiles[hi]!;
    const rngConnect = streams.stream(`host/${h.name}/allocator`);
    const rngBind = streams.stream(`host/${h.name}/bind-allocator`);
    const rngUdp = streams.stream(`host/${h.name}/udp-allocator`);
    const bind = ALLOCATORS[profile.bindAllocator];
    return new HostState(
      profile,
      {
        connect: ALLOCATORS[profile.allocator].create(rngConnect),
        bind: bind.create(rngBind, { reuseAddr: false }),
        bindReuseAddr: bind.create(rngBind, { reuseAddr: true }),
        udp: ALLOCATORS['random-start'].create(rngUdp),
      },
      rngConnect,
      rngBind,
      rngUdp,
      layout.hosts[hi]!,
      profile.sharing === 'per-destination',
      h.sourceIps.length,
      engine.lane(profile.timeWait),
      engine.lane(Math.min(reuseAge(profile), profile.timeWait)),
      engine.lane(profile.finTimeout),
      profile.reservedPorts.map((p) => p - profile.portRange[0]),
    );
  });
}

/** The workloads' running state, in plan order (each takes an engine timer slot for its arrivals). */
export function workloadStates(plan: Plan, variant: number, streams: RandomStreams, engine: Engine, hosts: readonly HostState[]): WorkloadState[] {
  return plan.workloads.map((planned) => {
    const w = workloadIn(plan, variant, planned);
    const base = `workload/${w.name}`;
    const H = hosts[w.host]!;
    const kind = workloadKind(w, H.perDestination);
    const W = new WorkloadState(
      engine.slot(),
      w.host,
      kind,
      kind === KIND_UDP ? H.allocators.udp : w.bind === 'any-port' ? (w.reuseAddr ? H.allocators.bindReuseAddr : H.allocators.bind) : H.allocators.connect,
      kind === KIND_UDP ? H.rngUdp : w.bind === 'any-port' ? H.rngBind : H.rngConnect,
      idleHold(w),
      new ArrivalProcess(w.arrivals),
      new DestinationPicker(w.destinations, w.weights, w.selection),
      new Distribution(w.duration),
      new Closer(w.closedBy),
      streams.stream(`${base}/arrivals`),
      streams.stream(`${base}/destinations`),
      streams.stream(`${base}/durations`),
      streams.stream(`${base}/closed-by`),
      plan.destinations.length,
    );
    if (w.connectLatency !== undefined) {
      W.latency = new Distribution(w.connectLatency);
      W.rngLatency = streams.stream(`${base}/connect-latency`);
    }
    if (w.clients !== undefined || w.pool !== undefined || w.retry !== undefined) {
      W.requests = true;
      W.pool = w.pool;
      if (w.pool !== undefined && Number.isFinite(w.pool.idleTimeout)) W.idleLane = engine.lane(w.pool.idleTimeout);
      W.retry = w.retry;
      if (w.retry !== undefined) W.rngRetry = streams.stream(`${base}/retry`);
      if (w.clients !== undefined) {
        const n = maxClients(w.clients);
        for (let k = 0; k < n; k++) W.clientIntervals.push(activeIntervals(w.clients, k));
        W.think = new Distribution(w.clients.think);
        W.rngThink = streams.stream(`${base}/think`);
      }
    }
    return W;
  });
}

/** The pool of the workload's next socket to `destination`: the host's next source IP for it, and the workload's kind of pool. */
export function nextPool(W: WorkloadState, H: HostState, nDest: number, destination: number): number {
  const ip = W.nextIp[destination]!;
  W.nextIp[destination] = ip + 1 === H.nIps ? 0 : ip + 1;
  return poolIndex(H.layout, W.kind, H.perDestination, nDest, ip, destination);
}
