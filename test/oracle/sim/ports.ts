import type { Engine } from '../engine/engine';
import type { Tick } from '../../../src/engine/time';
import { PortPool, TIME_WAIT } from '../os/port-pool';
import { BY_CLIENT, BY_UNANSWERED } from '../../../src/workload/closer';
import { blockHeldPorts, releasedPort, tookPort } from './bind-bookkeeping';
import { FIN_WAIT_END, TIME_WAIT_END, TW_REUSABLE } from '../../../src/sim/events';
import type { Plan } from '../../../src/sim/plan';
import { KINDS, type PoolInfo, poolFlow } from '../../../src/sim/pool-layout';
import { HOLD_FIN_WAIT_2, HOLD_NONE, HOLD_OVERFLOW, HOLD_TIME_WAIT, type Recorder } from '../../../src/sim/recorder';
import type { HostState } from './state';
import { reuseAge, twReuseApplies } from '../../../src/sim/tw-reuse';

/**
 * A variant's port pools and a port's life in them: taken by an allocator (a free port, or a
 * TIME_WAIT taken over under tcp_tw_reuse), held after its connection closes — TIME_WAIT for
 * the profile's length when the client closes (unless the host's tcp_max_tw_buckets are all
 * used: then free at once), FIN_WAIT_2 for finTimeout when the peer never answers, nothing when
 * the server closes or resets — and then free. Pools are created on first use.
 */
export class Ports {
  readonly pools: (PortPool | undefined)[];
  readonly poolHost: Int32Array;
  readonly poolKind: Uint8Array;
  /** Closing side of the connection holding each (pool, port), set at allocation. */
  readonly closedBy: (Uint8Array | undefined)[];
  /** Per pool whose TIME_WAITs connect() may reuse: when each port's TIME_WAIT began (-1: none). */
  private readonly twSince: (Float64Array | undefined)[];
  /** Called when a pool is created (the request layer's per-port tables). */
  onCreate: ((poolId: number, size: number) => void) | undefined;

  constructor(
    private readonly plan: Plan,
    private readonly engine: Engine,
    private readonly recorder: Recorder,
    readonly hosts: readonly HostState[],
    readonly poolInfo: readonly PoolInfo[],
  ) {
    const nPools = poolInfo.length;
    this.pools = new Array<PortPool | undefined>(nPools).fill(undefined);
    this.closedBy = new Array<Uint8Array | undefined>(nPools).fill(undefined);
    this.twSince = new Array<Float64Array | undefined>(nPools).fill(undefined);
    this.poolHost = Int32Array.from(poolInfo, (p) => p.host);
    this.poolKind = Uint8Array.from(poolInfo, (p) => KINDS.indexOf(p.kind));
  }

  /** The pool, created on first use. */
  pool(poolId: number, H: HostState): PortPool {
    return this.pools[poolId] ?? this.create(poolId, H);
  }

  /** The allocator picked `port`: a free port, or a TIME_WAIT to take over (tcp_tw_reuse, same 4-tuple). */
  take(H: HostState, poolId: number, pool: PortPool, port: number, now: Tick): void {
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
      if (H.bindHeld !== undefined) tookPort(H, this.pools, this.poolKind[poolId]!, this.poolInfo[poolId]!.sourceIp, poolId, port);
      const last = pool.releasedAt[port]!;
      this.recorder.allocated(poolId, realPort, last < 0 ? -1 : now - last);
    }
  }

  /** The connection on (pool, port) closes now, by the side drawn for it. */
  close(poolId: number, port: number): void {
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

  /** A TIME_WAIT's timer is up. */
  timeWaitEnd(poolId: number, port: number): void {
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

  /** A TIME_WAIT is now old enough for connect() to take it over. */
  timeWaitReusable(poolId: number, port: number): void {
    const pool = this.pools[poolId]!;
    const H = this.hosts[this.poolHost[poolId]!]!;
    if (pool.state[port] !== TIME_WAIT || this.twSince[poolId]![port]! + reuseAge(H.profile) !== this.engine.now) return;
    if (H.bindHeld !== undefined && H.bindHeld[port]! > 0) return; // the bucket is a bind() user's: connect() skips it
    pool.makeReusable(port);
  }

  /** A held port of the pool becomes free at now. */
  release(poolId: number, port: number, fromTimeWait: boolean): void {
    const pool = this.pools[poolId]!;
    const H = this.hosts[this.poolHost[poolId]!]!;
    pool.release(port, this.engine.now);
    this.recorder.released(poolId, H.profile.portRange[0] + port, fromTimeWait);
    if (H.bindHeld !== undefined) releasedPort(H, this.pools, this.poolKind[poolId]!, this.poolInfo[poolId]!.sourceIp, poolId, port);
  }

  private create(poolId: number, H: HostState): PortPool {
    const p = H.profile;
    const pool = new PortPool(p.portRange[1] - p.portRange[0] + 1, H.reservedOffsets);
    const info = this.poolInfo[poolId]!;
    pool.flow = poolFlow(this.plan, info);
    this.pools[poolId] = pool;
    this.closedBy[poolId] = new Uint8Array(pool.size);
    this.onCreate?.(poolId, pool.size);
    if (info.kind === 'connect' && twReuseApplies(p, this.plan, info.destination)) {
      this.twSince[poolId] = new Float64Array(pool.size).fill(-1);
    }
    if (H.bindHeld !== undefined) blockHeldPorts(H, poolId, info, pool);
    return pool;
  }
}
