import { Engine, type EventHandler, URGENT } from '../engine/engine';
import type { Tick } from '../engine/time';
import { ALLOCATORS, type Allocator } from '../os/allocators';
import { PortPool } from '../os/port-pool';
import type { Profile } from '../os/profile';
import { Distribution } from '../random/distributions';
import { type RandomStream, RandomStreams } from '../random/stream';
import { ArrivalProcess } from '../workload/arrivals';
import { BY_CLIENT, Closer } from '../workload/closer';
import { DestinationPicker } from '../workload/destination-picker';
import type { Plan } from './plan';
import { FAIL_ESTABLISHED, FAIL_TIME_WAIT, type Recorder } from './recorder';

/** Event kinds (the engine only sees integers). */
const ARRIVAL = 0; // a = workload
const CLOSE = 1; // a = pool, b = port index; who closes is in `closedBy[pool][port]`
const TIME_WAIT_END = 2; // a = pool, b = port index
const SAMPLE = 3;

/** Where a pool sits: which host, source address and (for per-destination sharing) destination. */
export interface PoolInfo {
  host: number;
  sourceIp: number;
  /** Destination index, or -1 when the pool serves every destination. */
  destination: number;
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
  constructor(
    /** Engine timer slot of the workload's next arrival. */
    readonly slot: number,
    readonly host: number,
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
  constructor(
    readonly profile: Profile,
    readonly allocator: Allocator,
    readonly rngAllocator: RandomStream,
    readonly poolBase: number,
    readonly perDestination: boolean,
    readonly nIps: number,
    readonly timeWaitLane: number,
    readonly reservedOffsets: number[],
  ) {}
}

/**
 * The connection model: workloads open connections from hosts to destinations; each attempt
 * takes a port from its pool with the host profile's allocator, or fails; an open connection
 * lasts a drawn duration, then is closed by the client (port held in TIME_WAIT for the profile's
 * length, then free), by the server or by a reset (port free at close).
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
  /** Closing side of the connection holding each (pool, port), set at allocation. */
  private readonly closedBy: (Uint8Array | undefined)[];

  constructor(readonly plan: Plan, readonly variant: number, readonly replication: number, readonly recorder: Recorder) {
    recorder.attach(this.engine);
    const streams = new RandomStreams(plan.seed, replication);
    const profiles = plan.variants[variant]!.profiles;
    const layout = poolLayout(plan, variant);
    this.poolInfo = layout.info;
    plan.hosts.forEach((h, hi) => {
      const profile = profiles[hi]!;
      this.hosts.push(
        new HostState(
          profile,
          ...allocatorFor(profile, streams.stream(`host/${h.name}/allocator`)),
          layout.poolBase[hi]!,
          profile.sharing === 'per-destination',
          h.sourceIps.length,
          this.engine.lane(profile.timeWait),
          profile.reservedPorts.map((p) => p - profile.portRange[0]),
        ),
      );
    });
    const nPools = layout.info.length;
    this.pools = new Array<PortPool | undefined>(nPools).fill(undefined);
    this.closedBy = new Array<Uint8Array | undefined>(nPools).fill(undefined);
    this.poolHost = Int32Array.from(this.poolInfo, (p) => p.host);
    for (const w of plan.workloads) {
      const base = `workload/${w.name}`;
      this.workloads.push(
        new WorkloadState(
          this.engine.slot(),
          w.host,
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
    }
  }

  private arrival(w: number): void {
    const engine = this.engine;
    const now = engine.now;
    const W = this.workloads[w]!;
    const next = W.arrivals.next(now, W.rngArrivals);
    if (next < W.arrivals.stop && next < this.plan.duration) engine.scheduleSlot(W.slot, next, ARRIVAL, w);

    const destination = W.picker.next(W.rngDestinations);
    const duration = W.duration.sample(W.rngDurations);
    const closedBy = W.closer.next(W.rngCloser);
    const H = this.hosts[W.host]!;
    const ip = W.nextIp[destination]!;
    W.nextIp[destination] = ip + 1 === H.nIps ? 0 : ip + 1;
    const poolId = H.perDestination ? H.poolBase + ip * this.plan.destinations.length + destination : H.poolBase + ip;

    this.recorder.attempt(w);
    const pool = this.pools[poolId] ?? this.createPool(poolId, H);
    const port = H.allocator.pick(pool, H.rngAllocator, now);
    if (port < 0) {
      this.recorder.failed(poolId, pool.timeWait > 0 ? FAIL_TIME_WAIT : FAIL_ESTABLISHED);
      return;
    }
    pool.take(port);
    const last = pool.releasedAt[port]!;
    this.recorder.allocated(poolId, H.profile.portRange[0] + port, last < 0 ? -1 : now - last);
    this.closedBy[poolId]![port] = closedBy;
    engine.schedule(duration, CLOSE, poolId, port);
  }

  private close(poolId: number, port: number): void {
    const pool = this.pools[poolId]!;
    const H = this.hosts[this.poolHost[poolId]!]!;
    const now = this.engine.now;
    const by = this.closedBy[poolId]![port]!;
    const realPort = H.profile.portRange[0] + port;
    if (by === BY_CLIENT && H.profile.timeWait > 0) {
      pool.enterTimeWait(port);
      this.recorder.closed(poolId, realPort, by, true);
      this.engine.scheduleInLane(H.timeWaitLane, TIME_WAIT_END, poolId, port);
    } else {
      this.recorder.closed(poolId, realPort, by, false);
      pool.release(port, now);
      this.recorder.released(poolId, realPort, false);
    }
  }

  private timeWaitEnd(poolId: number, port: number): void {
    const pool = this.pools[poolId]!;
    const now = this.engine.now;
    pool.release(port, now);
    this.recorder.released(poolId, this.hosts[this.poolHost[poolId]!]!.profile.portRange[0] + port, true);
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
    if (info.destination >= 0) {
      const source = this.plan.hosts[info.host]!.sourceIps[info.sourceIp]!;
      pool.flow = flowHash(`${source}>${this.plan.destinations[info.destination]!.address}`);
    }
    this.pools[poolId] = pool;
    this.closedBy[poolId] = new Uint8Array(pool.size);
    return pool;
  }
}

/**
 * The pools a variant of a plan can use, known before the run: per host, one pool per source IP,
 * times the destinations where the profile shares ports across destinations.
 */
export function poolLayout(plan: Plan, variant: number): { info: PoolInfo[]; capacity: Float64Array; poolBase: number[] } {
  const info: PoolInfo[] = [];
  const capacity: number[] = [];
  const poolBase: number[] = [];
  const nDest = plan.destinations.length;
  plan.hosts.forEach((h, host) => {
    const p = plan.variants[variant]!.profiles[host]!;
    poolBase.push(info.length);
    const usable = p.portRange[1] - p.portRange[0] + 1 - p.reservedPorts.length;
    for (let sourceIp = 0; sourceIp < h.sourceIps.length; sourceIp++) {
      const dests = p.sharing === 'per-destination' ? nDest : 1;
      for (let d = 0; d < dests; d++) {
        info.push({ host, sourceIp, destination: p.sharing === 'per-destination' ? d : -1 });
        capacity.push(usable);
      }
    }
  });
  return { info, capacity: Float64Array.from(capacity), poolBase };
}

function allocatorFor(profile: Profile, rng: RandomStream): [Allocator, RandomStream] {
  return [ALLOCATORS[profile.allocator].create(rng), rng];
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

