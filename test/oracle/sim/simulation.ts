import { Engine, type EventHandler, URGENT } from '../engine/engine';
import type { PortPool } from '../os/port-pool';
import type { Profile } from '../../../src/os/profile';
import { RandomStreams } from '../../../src/random/stream';
import { ARRIVAL, CLIENT_NEXT, CLOSE, FIN_WAIT_END, IDLE_END, REQUEST_DONE, RETRY, SAMPLE, TIME_WAIT_END, TW_REUSABLE } from '../../../src/sim/events';
import { enableBindBookkeeping } from './bind-bookkeeping';
import type { Plan } from '../../../src/sim/plan';
import { KIND_BIND, type PoolInfo, poolLayout } from '../../../src/sim/pool-layout';
import { Ports } from './ports';
import { FAIL_ESTABLISHED, FAIL_TIME_WAIT, type Recorder } from '../../../src/sim/recorder';
import { RequestLayer } from './request-layer';
import { type HostState, hostStates, nextPool, type WorkloadState, workloadStates } from './state';
import { closingCode } from './sockets';
import { sample } from '../random/sample';

/**
 * The test oracle's connection model (the JS engine: the model written a second time, plainly,
 * event by event; the WebAssembly kernel, src/kernel, is the engine portsim ships and is tested
 * to give exactly its figures — ../run.ts, test/helpers/equivalence.ts). Workloads open connections from hosts to destinations; each attempt
 * takes a port from its pool with the host profile's allocator, or fails; an open connection
 * lasts a drawn duration, then is closed by the client (port held in TIME_WAIT for the profile's
 * length, then free), by the server or by a reset (port free at close), or by the client with no
 * answer from the peer (FIN_WAIT_2 for finTimeout, then free).
 *
 * Linux rules on top (os-semantics.md §1): bind(ip, 0) sockets take a port of their own on the
 * address, which connect() then avoids for every destination (bind-bookkeeping.ts); TIME_WAIT
 * reuse by connect() to the same destination once older than twReuseDelay (tcp_tw_reuse, with
 * timestamps: src/sim/tw-reuse.ts); at most maxTimeWaitBuckets TIME_WAIT sockets per host, past which a
 * closing port is free at once (ports.ts); connected UDP sockets hold a port whatever the
 * destination (src/sim/udp.ts). Workloads with clients, connection pools or retries go through the
 * request layer (request-layer.ts).
 *
 * This file is the plain lifecycle: arrivals, one connection per arrival, samples, and the
 * dispatch of events to the modules that own them. Random streams per workload (arrivals,
 * destinations, durations, closing side) are drawn once per attempt whatever its outcome, so
 * every variant of a comparison sees identical traffic.
 */
export class Simulation implements EventHandler {
  readonly engine = new Engine();
  private readonly sampleSlot = this.engine.slot();
  readonly poolInfo: PoolInfo[];
  private readonly hosts: HostState[];
  private readonly workloads: WorkloadState[];
  private readonly ports: Ports;
  /** Undefined when no workload uses the request layer. */
  private readonly requests: RequestLayer | undefined;

  constructor(readonly plan: Plan, readonly variant: number, readonly replication: number, readonly recorder: Recorder) {
    recorder.attach(this.engine);
    const streams = new RandomStreams(plan.seed, replication);
    const layout = poolLayout(plan, variant);
    this.poolInfo = layout.info;
    this.hosts = hostStates(plan, variant, streams, this.engine, layout);
    this.workloads = workloadStates(plan, variant, streams, this.engine, this.hosts);
    for (const W of this.workloads) if (W.kind === KIND_BIND) enableBindBookkeeping(this.hosts[W.host]!);
    this.ports = new Ports(plan, this.engine, recorder, this.hosts, this.poolInfo);
    const usesRequests = plan.workloads.some((w) => w.clients !== undefined || w.pool !== undefined || w.retry !== undefined);
    this.requests = usesRequests ? new RequestLayer(plan, this.engine, recorder, this.ports, this.hosts, this.workloads) : undefined;
  }

  /** The variant's port pools, by pool id (undefined: never used). */
  get pools(): readonly (PortPool | undefined)[] {
    return this.ports.pools;
  }

  /** The profile of a pool's host. */
  profileOf(pool: number): Profile {
    return this.hosts[this.ports.poolHost[pool]!]!.profile;
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
      case CLOSE: if (this.requests === undefined || !this.requests.closeOwned(a, b)) this.ports.close(a, b); break;
      case TIME_WAIT_END: this.ports.timeWaitEnd(a, b); break;
      case SAMPLE: this.sample(); break;
      case TW_REUSABLE: this.ports.timeWaitReusable(a, b); break;
      case FIN_WAIT_END: this.ports.release(a, b, false); break;
      case REQUEST_DONE: this.requests!.requestServed(a, b); break;
      case IDLE_END: this.requests!.idleEnd(a, b); break;
      case CLIENT_NEXT: this.requests!.clientNext(a, b); break;
      case RETRY: this.requests!.dispatch(a, true); break;
    }
  }

  private arrival(w: number): void {
    const engine = this.engine;
    const now = engine.now;
    const W = this.workloads[w]!;
    const next = W.arrivals.next(now, W.rngArrivals);
    if (next < W.arrivals.stop && next < this.plan.duration) engine.scheduleSlot(W.slot, next, ARRIVAL, w);

    if (W.requests) {
      this.requests!.newRequest(w, -1);
      return;
    }
    const destination = W.picker.next(W.rngDestinations);
    const duration = sample(W.duration, W.rngDurations);
    const closedBy = W.closer.next(W.rngCloser);
    const latency = W.latency === undefined ? 0 : sample(W.latency, W.rngLatency!);
    const H = this.hosts[W.host]!;
    const poolId = nextPool(W, H, this.plan.destinations.length, destination);
    this.recorder.attempt(w, false);
    const pool = this.ports.pool(poolId, H);
    const port = W.allocator.pick(pool, W.rngAllocator, now);
    if (port < 0) {
      this.recorder.failed(poolId, pool.timeWait > 0 ? FAIL_TIME_WAIT : FAIL_ESTABLISHED);
      this.recorder.gaveUp(w);
      return;
    }
    this.ports.take(H, poolId, pool, port, now);
    this.ports.closedBy[poolId]![port] = closingCode(W.kind, closedBy);
    engine.schedule(latency + duration + W.idle, CLOSE, poolId, port);
  }

  private sample(): void {
    const engine = this.engine;
    this.recorder.sample(engine.now);
    const next = engine.now + this.plan.sample;
    if (next < this.plan.duration) engine.scheduleSlot(this.sampleSlot, next, SAMPLE, 0, 0, URGENT);
  }
}

/** Runs one (variant, replication) of a plan to completion. */
export function simulate(plan: Plan, variant: number, replication: number, recorder: Recorder): Simulation {
  const sim = new Simulation(plan, variant, replication, recorder);
  sim.run();
  return sim;
}
