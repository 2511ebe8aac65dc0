import { Engine, type EventHandler, URGENT } from '../engine/engine';
import type { Tick } from '../engine/time';
import { ALLOCATORS, type Allocator } from '../os/allocators';
import { PortPool, TIME_WAIT } from '../os/port-pool';
import type { Profile } from '../os/profile';
import { Distribution } from '../random/distributions';
import { type RandomStream, RandomStreams } from '../random/stream';
import { ArrivalProcess } from '../workload/arrivals';
import { BY_CLIENT, BY_UNANSWERED, Closer } from '../workload/closer';
import { activeIntervals, maxClients } from '../workload/clients';
import { DestinationPicker } from '../workload/destination-picker';
import { backoffDelay, type RetrySpec } from '../workload/retry';
import { ConnectionPool, connId, connPool, connPort, type PoolSpec } from './connection-pool';
import { type Plan, type PlanWorkload, workloadIn } from './plan';
import { FAIL_ESTABLISHED, FAIL_TIME_WAIT, HOLD_FIN_WAIT_2, HOLD_NONE, HOLD_OVERFLOW, HOLD_TIME_WAIT, type Recorder } from './recorder';

/** Event kinds (the engine only sees integers). */
const ARRIVAL = 0; // a = workload
const CLOSE = 1; // a = pool, b = port index; who closes is in `closedBy[pool][port]`
const TIME_WAIT_END = 2; // a = pool, b = port index
const SAMPLE = 3;
const TW_REUSABLE = 4; // a = pool, b = port index: the TIME_WAIT is now older than twReuseDelay
const FIN_WAIT_END = 5; // a = pool, b = port index
const REQUEST_DONE = 6; // a = pool, b = port index: the request on this pooled connection is served
const IDLE_END = 7; // a = pool, b = port index: an idle pooled connection reaches its idle timeout
const CLIENT_NEXT = 8; // a = workload, b = client: a closed-loop client starts its next request
const RETRY = 9; // a = request slot

/** `closedBy` code of a UDP socket: closed by its owner after the idle timeout, no TIME_WAIT. */
const UDP_END = 4;

/**
 * What a pool holds: `connect` — ports picked by connect() (per source IP and destination
 * where the profile shares ports across destinations, else per source IP); `bind` — ports
 * picked by bind(ip, 0) on a profile that shares connect() ports across destinations (one per
 * source IP, never shared); `udp` — UDP ports (their own port space, one per source IP).
 */
export type PoolKind = 'connect' | 'bind' | 'udp';
const KIND_CONNECT = 0, KIND_BIND = 1, KIND_UDP = 2;
const KINDS: readonly PoolKind[] = ['connect', 'bind', 'udp'];

/** The error a full pool gives, by kind (os-semantics.md §1.8). */
export const POOL_ERRNO: Readonly<Record<PoolKind, string>> = { connect: 'EADDRNOTAVAIL', bind: 'EADDRINUSE', udp: 'EAGAIN' };

/** Where a pool sits: which host, source address and (for per-destination sharing) destination. */
export interface PoolInfo {
  host: number;
  sourceIp: number;
  /** Destination index, or -1 when the pool serves every destination. */
  destination: number;
  kind: PoolKind;
}

/** One workload's running state. */
class WorkloadState {
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
class HostState {
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

/**
 * The connection model: workloads open connections from hosts to destinations; each attempt
 * takes a port from its pool with the host profile's allocator, or fails; an open connection
 * lasts a drawn duration, then is closed by the client (port held in TIME_WAIT for the profile's
 * length, then free), by the server or by a reset (port free at close), or by the client with no
 * answer from the peer (FIN_WAIT_2 for finTimeout, then free).
 *
 * Linux rules on top (os-semantics.md §1): bind(ip, 0) sockets take a port of their own on the
 * address, which connect() then avoids for every destination; TIME_WAIT reuse by connect() to
 * the same destination once older than twReuseDelay (tcp_tw_reuse, with timestamps); at most
 * maxTimeWaitBuckets TIME_WAIT sockets per host, past which a closing port is free at once;
 * connected UDP sockets hold a port whatever the destination.
 *
 * Random streams per workload (arrivals, destinations, durations, closing side) are drawn once
 * per attempt whatever its outcome, so every variant of a comparison sees identical traffic.
 */
export class Simulation implements EventHandler {
  readonly engine = new Engine();
  private readonly sampleSlot = this.engine.slot();
  readonly pools: (PortPool | undefined)[];
  readonly poolInfo: PoolInfo[];
  private readonly hosts: HostState[] = [];
  private readonly workloads: WorkloadState[] = [];
  private readonly poolHost: Int32Array;
  private readonly poolKind: Uint8Array;
  /** Closing side of the connection holding each (pool, port), set at allocation. */
  private readonly closedBy: (Uint8Array | undefined)[];
  /** Per pool whose TIME_WAITs connect() may reuse: when each port's TIME_WAIT began (-1: none). */
  private readonly twSince: (Float64Array | undefined)[];
  /**
   * Request layer, per pool and port (only when some workload uses it): the request the
   * connection is serving (-1: none), requests it has served, and 1 + the workload whose
   * connection pool it belongs to (0: a connection of its own, closed when its request ends).
   */
  private readonly connRequest: (Int32Array | undefined)[];
  private readonly connServed: (Int32Array | undefined)[];
  private readonly connWorkload: (Int32Array | undefined)[];
  private readonly connDest: (Int32Array | undefined)[];
  private readonly usesRequests: boolean;
  /** Request table (slots reused through a free list). */
  private readonly rqWorkload: number[] = [];
  private readonly rqClient: number[] = [];
  private readonly rqDest: number[] = [];
  private readonly rqAttempt: number[] = [];
  private readonly rqDuration: number[] = [];
  private readonly rqClosedBy: number[] = [];
  /** 1 if the request waited for a pooled connection. */
  private readonly rqWaited: number[] = [];
  private draining = false;
  /** Per pool and port: when a pooled connection last became idle. */
  private readonly connIdleSince: (Float64Array | undefined)[];
  private readonly rqFree: number[] = [];

  constructor(readonly plan: Plan, readonly variant: number, readonly replication: number, readonly recorder: Recorder) {
    recorder.attach(this.engine);
    const streams = new RandomStreams(plan.seed, replication);
    const profiles = plan.variants[variant]!.profiles;
    const layout = poolLayout(plan, variant);
    this.poolInfo = layout.info;
    plan.hosts.forEach((h, hi) => {
      const profile = profiles[hi]!;
      const rngConnect = streams.stream(`host/${h.name}/allocator`);
      const rngBind = streams.stream(`host/${h.name}/bind-allocator`);
      const rngUdp = streams.stream(`host/${h.name}/udp-allocator`);
      const bind = ALLOCATORS[profile.bindAllocator];
      this.hosts.push(
        new HostState(
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
          this.engine.lane(profile.timeWait),
          this.engine.lane(Math.min(reuseAge(profile), profile.timeWait)),
          this.engine.lane(profile.finTimeout),
          profile.reservedPorts.map((p) => p - profile.portRange[0]),
        ),
      );
    });
    const nPools = layout.info.length;
    this.pools = new Array<PortPool | undefined>(nPools).fill(undefined);
    this.closedBy = new Array<Uint8Array | undefined>(nPools).fill(undefined);
    this.twSince = new Array<Float64Array | undefined>(nPools).fill(undefined);
    this.connRequest = new Array<Int32Array | undefined>(nPools).fill(undefined);
    this.connServed = new Array<Int32Array | undefined>(nPools).fill(undefined);
    this.connWorkload = new Array<Int32Array | undefined>(nPools).fill(undefined);
    this.connDest = new Array<Int32Array | undefined>(nPools).fill(undefined);
    this.connIdleSince = new Array<Float64Array | undefined>(nPools).fill(undefined);
    this.usesRequests = plan.workloads.some((w) => w.clients !== undefined || w.pool !== undefined || w.retry !== undefined);
    this.poolHost = Int32Array.from(this.poolInfo, (p) => p.host);
    this.poolKind = Uint8Array.from(this.poolInfo, (p) => KINDS.indexOf(p.kind));
    for (const planned of plan.workloads) {
      const w = workloadIn(plan, variant, planned);
      const base = `workload/${w.name}`;
      const H = this.hosts[w.host]!;
      const kind = workloadKind(w, H.perDestination);
      this.workloads.push(
        new WorkloadState(
          this.engine.slot(),
          w.host,
          kind,
          kind === KIND_UDP ? H.allocators.udp : w.bind === 'any-port' ? (w.reuseAddr ? H.allocators.bindReuseAddr : H.allocators.bind) : H.allocators.connect,
          kind === KIND_UDP ? H.rngUdp : w.bind === 'any-port' ? H.rngBind : H.rngConnect,
          w.protocol === 'udp' ? w.idleTimeout : 0,
          new ArrivalProcess(w.arrivals),
          new DestinationPicker(w.destinations, w.weights, w.selection),
          new Distribution(w.duration),
          new Closer(w.closedBy),
          streams.stream(`${base}/arrivals`),
          streams.stream(`${base}/destinations`),
          streams.stream(`${base}/durations`),
          streams.stream(`${base}/closed-by`),
          plan.destinations.length,
        ),
      );
      const W = this.workloads[this.workloads.length - 1]!;
      if (w.connectLatency !== undefined) {
        W.latency = new Distribution(w.connectLatency);
        W.rngLatency = streams.stream(`${base}/connect-latency`);
      }
      if (w.clients !== undefined || w.pool !== undefined || w.retry !== undefined) {
        W.requests = true;
        W.pool = w.pool;
        if (w.pool !== undefined && Number.isFinite(w.pool.idleTimeout)) W.idleLane = this.engine.lane(w.pool.idleTimeout);
        W.retry = w.retry;
        if (w.retry !== undefined) W.rngRetry = streams.stream(`${base}/retry`);
        if (w.clients !== undefined) {
          const n = maxClients(w.clients);
          for (let k = 0; k < n; k++) W.clientIntervals.push(activeIntervals(w.clients, k));
          W.think = new Distribution(w.clients.think);
          W.rngThink = streams.stream(`${base}/think`);
        }
      }
      if (kind === KIND_BIND && H.bindHeld === undefined) {
        const size = H.profile.portRange[1] - H.profile.portRange[0] + 1;
        H.bindHeld = new Int32Array(size);
        H.ipUse = Array.from({ length: H.nIps }, () => new Int32Array(size));
      }
    }
  }

  /** The profile of a pool's host. */
  profileOf(pool: number): Profile {
    return this.hosts[this.poolHost[pool]!]!.profile;
  }

  /** Runs [0, plan.duration) and takes the final sample at plan.duration. */
  run(): void {
    const { engine, plan } = this;
    if (plan.sample < plan.duration) engine.scheduleSlot(this.sampleSlot, plan.sample, SAMPLE, 0, 0, URGENT);
    this.workloads.forEach((w, i) => {
      if (w.think !== undefined) {
        w.clientIntervals.forEach((iv, k) => {
          if (iv.length > 0 && iv[0]![0] < plan.duration) engine.scheduleAt(iv[0]![0], CLIENT_NEXT, i, k);
        });
        return;
      }
      const t = w.arrivals.first(w.rngArrivals);
      if (t < w.arrivals.stop && t < plan.duration) engine.scheduleSlot(w.slot, t, ARRIVAL, i);
    });
    engine.run(plan.duration, this);
    this.recorder.sample(plan.duration);
  }

  handle(kind: number, a: number, b: number): void {
    switch (kind) {
      case ARRIVAL: this.arrival(a); break;
      case CLOSE: this.close(a, b); break;
      case TIME_WAIT_END: this.timeWaitEnd(a, b); break;
      case SAMPLE: this.sample(); break;
      case TW_REUSABLE: this.timeWaitReusable(a, b); break;
      case FIN_WAIT_END: this.release(a, b, false); break;
      case REQUEST_DONE: this.requestServed(a, b); break;
      case IDLE_END: this.idleEnd(a, b); break;
      case CLIENT_NEXT: this.clientNext(a, b); break;
      case RETRY: this.dispatch(a, true); break;
    }
  }

  private arrival(w: number): void {
    const engine = this.engine;
    const now = engine.now;
    const W = this.workloads[w]!;
    const next = W.arrivals.next(now, W.rngArrivals);
    if (next < W.arrivals.stop && next < this.plan.duration) engine.scheduleSlot(W.slot, next, ARRIVAL, w);

    if (W.requests) {
      this.newRequest(w, -1);
      return;
    }
    const destination = W.picker.next(W.rngDestinations);
    const duration = W.duration.sample(W.rngDurations);
    const closedBy = W.closer.next(W.rngCloser);
    const latency = W.latency === undefined ? 0 : W.latency.sample(W.rngLatency!);
    const H = this.hosts[W.host]!;
    const poolId = this.nextPool(W, H, destination);
    this.recorder.attempt(w, false);
    const pool = this.pools[poolId] ?? this.createPool(poolId, H);
    const port = W.allocator.pick(pool, W.rngAllocator, now);
    if (port < 0) {
      this.recorder.failed(poolId, pool.timeWait > 0 ? FAIL_TIME_WAIT : FAIL_ESTABLISHED);
      this.recorder.gaveUp(w);
      return;
    }
    this.takePort(H, poolId, pool, port, now);
    this.closedBy[poolId]![port] = W.kind === KIND_UDP ? UDP_END : closedBy;
    engine.schedule(latency + duration + W.idle, CLOSE, poolId, port);
  }

  /** The pool of the workload's next socket to `destination`: the host's next source IP for it, and the workload's kind of pool. */
  private nextPool(W: WorkloadState, H: HostState, destination: number): number {
    const ip = W.nextIp[destination]!;
    W.nextIp[destination] = ip + 1 === H.nIps ? 0 : ip + 1;
    return poolIndex(H.layout, W.kind, H.perDestination, this.plan.destinations.length, ip, destination);
  }

  /** The allocator picked `port`: a free port, or a TIME_WAIT to take over (tcp_tw_reuse, same 4-tuple). */
  private takePort(H: HostState, poolId: number, pool: PortPool, port: number, now: Tick): void {
    const realPort = H.profile.portRange[0] + port;
    if (pool.state[port] === TIME_WAIT) {
      const since = this.twSince[poolId]!;
      const age = now - since[port]!;
      since[port] = -1;
      H.timeWaits--;
      pool.take(port);
      this.recorder.reusedTimeWait(poolId, realPort, age);
    } else {
      pool.take(port);
      if (H.bindHeld !== undefined) this.tookPort(H, poolId, port);
      const last = pool.releasedAt[port]!;
      this.recorder.allocated(poolId, realPort, last < 0 ? -1 : now - last);
    }
  }

  private close(poolId: number, port: number): void {
    if (this.usesRequests) {
      const owner = this.connRequest[poolId]![port]!;
      if (owner >= 0) {
        // A connection of its own: its request ends with it.
        this.connRequest[poolId]![port] = -1;
        this.closeConnection(poolId, port);
        this.requestEnded(owner);
        return;
      }
    }
    this.closeConnection(poolId, port);
  }

  /** The connection on (pool, port) closes now, by the side drawn for it. */
  private closeConnection(poolId: number, port: number): void {
    const pool = this.pools[poolId]!;
    const H = this.hosts[this.poolHost[poolId]!]!;
    const by = this.closedBy[poolId]![port]!;
    const realPort = H.profile.portRange[0] + port;
    const p = H.profile;
    if (by === BY_CLIENT && p.timeWait > 0) {
      if (H.timeWaits >= p.maxTimeWaitBuckets) {
        // "TCP: time wait bucket table overflow": the socket is destroyed, its port free at once.
        this.recorder.closed(poolId, realPort, by, HOLD_OVERFLOW);
        this.release(poolId, port, false);
        return;
      }
      pool.enterTimeWait(port);
      H.timeWaits++;
      this.recorder.closed(poolId, realPort, by, HOLD_TIME_WAIT);
      this.engine.scheduleInLane(H.timeWaitLane, TIME_WAIT_END, poolId, port);
      const since = this.twSince[poolId];
      if (since !== undefined) {
        since[port] = this.engine.now;
        this.engine.scheduleInLane(H.reuseLane, TW_REUSABLE, poolId, port);
      }
    } else if (by === BY_UNANSWERED && p.finTimeout > 0) {
      this.recorder.closed(poolId, realPort, by, HOLD_FIN_WAIT_2);
      this.engine.scheduleInLane(H.finLane, FIN_WAIT_END, poolId, port);
    } else {
      this.recorder.closed(poolId, realPort, by, HOLD_NONE);
      this.release(poolId, port, false);
    }
  }

  private timeWaitEnd(poolId: number, port: number): void {
    const since = this.twSince[poolId];
    if (since !== undefined) {
      // The TIME_WAIT this event was set for may have been taken over (and the port may be in
      // a later TIME_WAIT): only the current one ends now.
      const pool = this.pools[poolId]!;
      const H = this.hosts[this.poolHost[poolId]!]!;
      if (pool.state[port] !== TIME_WAIT || since[port]! + H.profile.timeWait !== this.engine.now) return;
      since[port] = -1;
    }
    this.hosts[this.poolHost[poolId]!]!.timeWaits--;
    this.release(poolId, port, true);
  }

  private timeWaitReusable(poolId: number, port: number): void {
    const pool = this.pools[poolId]!;
    const H = this.hosts[this.poolHost[poolId]!]!;
    if (pool.state[port] !== TIME_WAIT || this.twSince[poolId]![port]! + reuseAge(H.profile) !== this.engine.now) return;
    if (H.bindHeld !== undefined && H.bindHeld[port]! > 0) return; // the bucket is a bind() user's: connect() skips it
    pool.makeReusable(port);
  }

  /** A held port of the pool becomes free at now. */
  private release(poolId: number, port: number, fromTimeWait: boolean): void {
    const pool = this.pools[poolId]!;
    const H = this.hosts[this.poolHost[poolId]!]!;
    pool.release(port, this.engine.now);
    this.recorder.released(poolId, H.profile.portRange[0] + port, fromTimeWait);
    if (H.bindHeld !== undefined) this.releasedPort(H, poolId, port);
  }

  /** Bind bookkeeping when a port is taken (see HostState.bindHeld). */
  private tookPort(H: HostState, poolId: number, port: number): void {
    const kind = this.poolKind[poolId];
    if (kind === KIND_CONNECT) {
      const ip = this.poolInfo[poolId]!.sourceIp;
      if (++H.ipUse![ip]![port]! === 1) this.pools[H.layout.bind + ip]?.block(port);
    } else if (kind === KIND_BIND) {
      if (++H.bindHeld![port]! === 1) for (const c of H.connectPools) this.pools[c]!.block(port);
    }
  }

  /** Bind bookkeeping when a port is released. */
  private releasedPort(H: HostState, poolId: number, port: number): void {
    const kind = this.poolKind[poolId];
    if (kind === KIND_CONNECT) {
      const ip = this.poolInfo[poolId]!.sourceIp;
      if (--H.ipUse![ip]![port]! === 0) this.pools[H.layout.bind + ip]?.unblock(port);
      if (H.bindHeld![port]! > 0) this.pools[poolId]!.block(port);
    } else if (kind === KIND_BIND) {
      if (--H.bindHeld![port]! === 0) for (const c of H.connectPools) this.pools[c]!.unblock(port);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Request layer: closed-loop clients, pooled connections, retries.

  /** A new request of workload w (from an arrival, or closed-loop client `client`). */
  private newRequest(w: number, client: number): void {
    const W = this.workloads[w]!;
    // Drawn once per request whatever happens to it, so every variant sees the same traffic.
    const destination = W.picker.next(W.rngDestinations);
    const duration = W.duration.sample(W.rngDurations);
    const closedBy = W.closer.next(W.rngCloser);
    const r = this.rqFree.length > 0 ? this.rqFree.pop()! : this.rqWorkload.length;
    this.rqWorkload[r] = w;
    this.rqClient[r] = client;
    this.rqDest[r] = destination;
    this.rqAttempt[r] = 0;
    this.rqDuration[r] = duration;
    this.rqClosedBy[r] = closedBy;
    this.rqWaited[r] = 0;
    this.dispatch(r, false);
  }

  /** Request r looks for a connection: an idle pooled one, a new one, or a place in the queue. */
  private dispatch(r: number, retry: boolean): void {
    const W = this.workloads[this.rqWorkload[r]!]!;
    if (W.pool === undefined) {
      this.attemptRequest(r, retry);
      return;
    }
    const cp = (W.connPools[this.rqDest[r]!] ??= new ConnectionPool(W.pool));
    if (cp.idle.length > 0) {
      const conn = cp.idle.pop()!;
      this.serve(r, connPool(conn), connPort(conn));
    } else if (cp.open < cp.spec.maxSize) {
      this.attemptRequest(r, retry);
    } else {
      this.rqWaited[r] = 1;
      cp.wait(r);
    }
  }

  /**
   * A connect() attempt for request r (opening its own connection, or one for its pool).
   * Returns whether it got a port.
   */
  private attemptRequest(r: number, retry: boolean): boolean {
    const engine = this.engine;
    const now = engine.now;
    const w = this.rqWorkload[r]!;
    const W = this.workloads[w]!;
    const destination = this.rqDest[r]!;
    const H = this.hosts[W.host]!;
    const poolId = this.nextPool(W, H, destination);
    this.rqAttempt[r]!++;
    // Drawn per attempt whatever its outcome, as the other per-attempt draws.
    const latency = W.latency === undefined ? 0 : W.latency.sample(W.rngLatency!);
    this.recorder.attempt(w, retry);
    const pool = this.pools[poolId] ?? this.createPool(poolId, H);
    const cp = W.pool === undefined ? undefined : W.connPools[destination]!;
    const port = W.allocator.pick(pool, W.rngAllocator, now);
    if (port < 0) {
      this.recorder.failed(poolId, pool.timeWait > 0 ? FAIL_TIME_WAIT : FAIL_ESTABLISHED);
      this.connectFailed(r, cp);
      return false;
    }
    this.takePort(H, poolId, pool, port, now);
    this.closedBy[poolId]![port] = W.kind === KIND_UDP ? UDP_END : this.rqClosedBy[r]!;
    this.connServed[poolId]![port] = 0;
    if (cp !== undefined) {
      cp.open++;
      this.connWorkload[poolId]![port] = w + 1;
      this.connDest[poolId]![port] = destination;
      this.serve(r, poolId, port, latency);
    } else {
      this.connWorkload[poolId]![port] = 0;
      this.connRequest[poolId]![port] = r;
      engine.schedule(latency + this.rqDuration[r]! + W.idle, CLOSE, poolId, port);
    }
    return true;
  }

  /** connect() failed for request r: retry after a backoff, or give the request up. */
  private connectFailed(r: number, cp: ConnectionPool | undefined): void {
    const W = this.workloads[this.rqWorkload[r]!]!;
    const retry = W.retry;
    if (retry !== undefined && retry.flushPool) {
      // The error path closes every idle connection of the workload's pools (user-needs.md P12).
      for (const other of W.connPools) {
        while (other !== undefined && other.idle.length > 0) {
          const conn = other.idle.pop()!;
          other.open--;
          this.connWorkload[connPool(conn)]![connPort(conn)] = 0;
          this.closeConnection(connPool(conn), connPort(conn));
        }
      }
    }
    if (retry !== undefined && this.rqAttempt[r]! < retry.maxAttempts) {
      this.engine.schedule(backoffDelay(retry, this.rqAttempt[r]!, W.rngRetry!), RETRY, r);
    } else {
      this.recorder.gaveUp(this.rqWorkload[r]!);
      this.requestEnded(r);
    }
    if (cp !== undefined) this.drainWaiters(cp);
  }

  /** Requests waiting in a pool get a new connection each while the pool has room (each may fail in turn). */
  private drainWaiters(cp: ConnectionPool): void {
    if (this.draining) return;
    this.draining = true;
    while (cp.waiters > 0 && cp.open < cp.spec.maxSize) this.attemptRequest(cp.nextWaiter(), false);
    this.draining = false;
  }

  /** Request r runs on the pooled connection (pool, port) for its duration (after `latency` on a new connection). */
  private serve(r: number, poolId: number, port: number, latency = 0): void {
    this.connRequest[poolId]![port] = r;
    this.recorder.pooledRequest(this.rqWorkload[r]!, this.connServed[poolId]![port]! > 0, this.rqWaited[r] === 1);
    this.engine.schedule(latency + this.rqDuration[r]!, REQUEST_DONE, poolId, port);
  }

  /** The request on pooled connection (pool, port) is served: reuse, keep idle, or close the connection. */
  private requestServed(poolId: number, port: number): void {
    const r = this.connRequest[poolId]![port]!;
    this.connRequest[poolId]![port] = -1;
    const W = this.workloads[this.connWorkload[poolId]![port]! - 1]!;
    const cp = W.connPools[this.connDest[poolId]![port]!]!;
    const spec = cp.spec;
    if (++this.connServed[poolId]![port]! >= spec.maxRequests) {
      this.closePooled(cp, poolId, port);
    } else {
      const next = cp.nextWaiter();
      if (next >= 0) this.serve(next, poolId, port);
      else if (cp.idle.length < spec.maxIdle) {
        cp.idle.push(connId(poolId, port));
        this.connIdleSince[poolId]![port] = this.engine.now;
        if (W.idleLane >= 0) this.engine.scheduleInLane(W.idleLane, IDLE_END, poolId, port);
      } else this.closePooled(cp, poolId, port);
    }
    this.requestEnded(r);
  }

  /** An idle timeout: the connection closes if it has been idle since that timer was set. */
  private idleEnd(poolId: number, port: number): void {
    const w = this.connWorkload[poolId]![port]! - 1;
    if (w < 0 || this.connRequest[poolId]![port]! >= 0) return;
    const W = this.workloads[w]!;
    if (this.connIdleSince[poolId]![port]! + W.pool!.idleTimeout !== this.engine.now) return;
    const cp = W.connPools[this.connDest[poolId]![port]!]!;
    if (!cp.removeIdle(connId(poolId, port))) return;
    this.closePooled(cp, poolId, port);
  }

  /** Closes a pooled connection; if requests wait, the freed room opens a connection for them. */
  private closePooled(cp: ConnectionPool, poolId: number, port: number): void {
    cp.open--;
    this.connWorkload[poolId]![port] = 0;
    this.closeConnection(poolId, port);
    this.drainWaiters(cp);
  }

  /** Request r is over (served or given up): its closed-loop client thinks, then goes on. */
  private requestEnded(r: number): void {
    const w = this.rqWorkload[r]!;
    const client = this.rqClient[r]!;
    this.rqFree.push(r);
    if (client < 0) return;
    const W = this.workloads[w]!;
    this.engine.schedule(W.think!.sample(W.rngThink!), CLIENT_NEXT, w, client);
  }

  /** A closed-loop client's turn: a new request if it is active now, else wait for its next active interval. */
  private clientNext(w: number, client: number): void {
    const now = this.engine.now;
    const W = this.workloads[w]!;
    for (const [on, off] of W.clientIntervals[client]!) {
      if (now < on) {
        if (on < this.plan.duration) this.engine.scheduleAt(on, CLIENT_NEXT, w, client);
        return;
      }
      if (now < off) {
        this.newRequest(w, client);
        return;
      }
    }
  }

  private sample(): void {
    const engine = this.engine;
    this.recorder.sample(engine.now);
    const next = engine.now + this.plan.sample;
    if (next < this.plan.duration) engine.scheduleSlot(this.sampleSlot, next, SAMPLE, 0, 0, URGENT);
  }

  private createPool(poolId: number, H: HostState): PortPool {
    const p = H.profile;
    const pool = new PortPool(p.portRange[1] - p.portRange[0] + 1, H.reservedOffsets);
    const info = this.poolInfo[poolId]!;
    pool.flow = poolFlow(this.plan, info);
    this.pools[poolId] = pool;
    this.closedBy[poolId] = new Uint8Array(pool.size);
    if (this.usesRequests) {
      this.connRequest[poolId] = new Int32Array(pool.size).fill(-1);
      this.connServed[poolId] = new Int32Array(pool.size);
      this.connWorkload[poolId] = new Int32Array(pool.size);
      this.connDest[poolId] = new Int32Array(pool.size);
      this.connIdleSince[poolId] = new Float64Array(pool.size);
    }
    if (info.kind === 'connect' && twReuseApplies(p, this.plan, info.destination)) {
      this.twSince[poolId] = new Float64Array(pool.size).fill(-1);
    }
    if (H.bindHeld !== undefined) {
      if (info.kind === 'connect') {
        H.connectPools.push(poolId);
        for (let i = 0; i < pool.size; i++) if (H.bindHeld[i]! > 0) pool.block(i);
      } else if (info.kind === 'bind') {
        const use = H.ipUse![info.sourceIp]!;
        for (let i = 0; i < pool.size; i++) if (use[i]! > 0) pool.block(i);
      }
    }
    return pool;
  }
}

/** Which kind of its host's pools a workload's sockets use, on a profile with the given sharing. */
export function poolKindOf(w: PlanWorkload, perDestination: boolean): PoolKind {
  return KINDS[workloadKind(w, perDestination)]!;
}

/** Which of its host's pools a workload's sockets use. */
function workloadKind(w: PlanWorkload, perDestination: boolean): number {
  if (w.protocol === 'udp') return KIND_UDP;
  // bind(ip, 0) on a host whose connect() ports are per source IP anyway draws from that pool.
  return w.bind === 'any-port' && perDestination ? KIND_BIND : KIND_CONNECT;
}

/** Whether a TCP address "ip:port" is loopback (127/8, ::1, localhost). */
export function isLoopback(address: string): boolean {
  const host = address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  return /^127\./.test(host) || host === '::1' || host === 'localhost' || /^::ffff:127\./.test(host);
}

/**
 * Age at which a TIME_WAIT becomes reusable: strictly older than tcp_tw_reuse_delay on the
 * kernel's millisecond clock (time_after32(now_ms, tw_entry_stamp + delay)), so 1 ms past it.
 */
function reuseAge(p: Profile): Tick {
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

/** Pool ids of one host: where its connect, bind and UDP pools start (-1: none). */
export interface HostLayout {
  connect: number;
  bind: number;
  udp: number;
}

/**
 * The pools a variant of a plan can use, known before the run. Per host: one connect pool per
 * source IP, times the destinations where the profile shares ports across destinations; then,
 * if a workload binds with bind(ip, 0) on such a profile, one bind pool per source IP; then, if
 * a workload uses UDP, one UDP pool per source IP.
 */
export function poolLayout(plan: Plan, variant: number): { info: PoolInfo[]; capacity: Float64Array; hosts: HostLayout[] } {
  const info: PoolInfo[] = [];
  const capacity: number[] = [];
  const hosts: HostLayout[] = [];
  const nDest = plan.destinations.length;
  plan.hosts.forEach((h, host) => {
    const p = plan.variants[variant]!.profiles[host]!;
    const perDestination = p.sharing === 'per-destination';
    const usable = p.portRange[1] - p.portRange[0] + 1 - p.reservedPorts.length;
    const mine = plan.workloads.filter((w) => w.host === host).map((w) => workloadIn(plan, variant, w));
    const add = (sourceIp: number, destination: number, kind: PoolKind) => {
      info.push({ host, sourceIp, destination, kind });
      capacity.push(usable);
    };
    const layout: HostLayout = { connect: info.length, bind: -1, udp: -1 };
    for (let sourceIp = 0; sourceIp < h.sourceIps.length; sourceIp++) {
      if (perDestination) for (let d = 0; d < nDest; d++) add(sourceIp, d, 'connect');
      else add(sourceIp, -1, 'connect');
    }
    if (mine.some((w) => workloadKind(w, perDestination) === KIND_BIND)) {
      layout.bind = info.length;
      for (let sourceIp = 0; sourceIp < h.sourceIps.length; sourceIp++) add(sourceIp, -1, 'bind');
    }
    if (mine.some((w) => w.protocol === 'udp')) {
      layout.udp = info.length;
      for (let sourceIp = 0; sourceIp < h.sourceIps.length; sourceIp++) add(sourceIp, -1, 'udp');
    }
    hosts.push(layout);
  });
  return { info, capacity: Float64Array.from(capacity), hosts };
}

/** The pool of a workload's socket from source IP `ip` to destination `destination` (an index into plan.destinations). */
export function poolOf(plan: Plan, layout: { hosts: HostLayout[] }, variant: number, w: PlanWorkload, ip: number, destination: number): number {
  const p = plan.variants[variant]!.profiles[w.host]!;
  const L = layout.hosts[w.host]!;
  const perDestination = p.sharing === 'per-destination';
  return poolIndex(L, workloadKind(workloadIn(plan, variant, w), perDestination), perDestination, plan.destinations.length, ip, destination);
}

/** The id of the pool of kind `kind` (KIND_*) for source IP `ip` and `destination`, in a host's layout. */
function poolIndex(L: HostLayout, kind: number, perDestination: boolean, nDest: number, ip: number, destination: number): number {
  if (kind === KIND_UDP) return L.udp + ip;
  if (kind === KIND_BIND) return L.bind + ip;
  return perDestination ? L.connect + ip * nDest + destination : L.connect + ip;
}

/**
 * A pool's flow identity for hash-based allocators: FNV-1a of "source>address:port" for a pool
 * of one destination, 0 for a pool of every destination.
 */
export function poolFlow(plan: Plan, info: PoolInfo): number {
  if (info.destination < 0) return 0;
  const source = plan.hosts[info.host]!.sourceIps[info.sourceIp]!;
  return flowHash(`${source}>${plan.destinations[info.destination]!.address}`);
}

/** FNV-1a, 32 bits: a stable identity of a pool's flow for hash-based allocators. */
function flowHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Runs one (variant, replication) of a plan to completion. */
export function simulate(plan: Plan, variant: number, replication: number, recorder: Recorder): Simulation {
  const sim = new Simulation(plan, variant, replication, recorder);
  sim.run();
  return sim;
}
