import type { Engine } from '../engine/engine';
import { backoffDelay, closingCode } from './sockets';
import { ConnectionPool, connId, connPool, connPort } from './connection-pool';
import { CLIENT_NEXT, CLOSE, IDLE_END, REQUEST_DONE, RETRY } from '../../../src/sim/events';
import type { Plan } from '../../../src/sim/plan';
import type { Ports } from './ports';
import { FAIL_ESTABLISHED, FAIL_TIME_WAIT, type Recorder } from '../../../src/sim/recorder';
import { type HostState, nextPool, type WorkloadState } from './state';
import { sample } from '../random/sample';

/**
 * The request layer, for workloads with closed-loop clients, connection pools or retries:
 * requests rather than connections arrive; a request takes an idle pooled connection, opens a
 * new one (its own, or one for its pool), or waits for one; a failed connect() is retried after
 * a backoff or given up; closed-loop clients think between requests. Ports come from Ports.
 */
export class RequestLayer {
  /**
   * Per pool and port: the request the connection is serving (-1: none), requests it has
   * served, 1 + the workload whose connection pool it belongs to (0: a connection of its own,
   * closed when its request ends), its destination, and when it last became idle.
   */
  private readonly connRequest: (Int32Array | undefined)[];
  private readonly connServed: (Int32Array | undefined)[];
  private readonly connWorkload: (Int32Array | undefined)[];
  private readonly connDest: (Int32Array | undefined)[];
  private readonly connIdleSince: (Float64Array | undefined)[];
  /** Request table (slots reused through a free list). */
  private readonly rqWorkload: number[] = [];
  private readonly rqClient: number[] = [];
  private readonly rqDest: number[] = [];
  private readonly rqAttempt: number[] = [];
  private readonly rqDuration: number[] = [];
  private readonly rqClosedBy: number[] = [];
  /** 1 if the request waited for a pooled connection. */
  private readonly rqWaited: number[] = [];
  private readonly rqFree: number[] = [];
  private draining = false;

  constructor(
    private readonly plan: Plan,
    private readonly engine: Engine,
    private readonly recorder: Recorder,
    private readonly ports: Ports,
    private readonly hosts: readonly HostState[],
    private readonly workloads: readonly WorkloadState[],
  ) {
    const nPools = ports.poolInfo.length;
    this.connRequest = new Array<Int32Array | undefined>(nPools).fill(undefined);
    this.connServed = new Array<Int32Array | undefined>(nPools).fill(undefined);
    this.connWorkload = new Array<Int32Array | undefined>(nPools).fill(undefined);
    this.connDest = new Array<Int32Array | undefined>(nPools).fill(undefined);
    this.connIdleSince = new Array<Float64Array | undefined>(nPools).fill(undefined);
    ports.onCreate = (poolId, size) => {
      this.connRequest[poolId] = new Int32Array(size).fill(-1);
      this.connServed[poolId] = new Int32Array(size);
      this.connWorkload[poolId] = new Int32Array(size);
      this.connDest[poolId] = new Int32Array(size);
      this.connIdleSince[poolId] = new Float64Array(size);
    };
  }

  /**
   * A CLOSE event on (pool, port): a connection of its own ends its request with it (true);
   * false when the connection is not a request's (the caller closes it).
   */
  closeOwned(poolId: number, port: number): boolean {
    const owner = this.connRequest[poolId]![port]!;
    if (owner < 0) return false;
    this.connRequest[poolId]![port] = -1;
    this.ports.close(poolId, port);
    this.requestEnded(owner);
    return true;
  }

  /** A new request of workload w (from an arrival, or closed-loop client `client`). */
  newRequest(w: number, client: number): void {
    const W = this.workloads[w]!;
    // Drawn once per request whatever happens to it, so every variant sees the same traffic.
    const destination = W.picker.next(W.rngDestinations);
    const duration = sample(W.duration, W.rngDurations);
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
  dispatch(r: number, retry: boolean): void {
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
    const poolId = nextPool(W, H, this.plan.destinations.length, destination);
    this.rqAttempt[r]!++;
    // Drawn per attempt whatever its outcome, as the other per-attempt draws.
    const latency = W.latency === undefined ? 0 : sample(W.latency, W.rngLatency!);
    this.recorder.attempt(w, retry);
    const pool = this.ports.pool(poolId, H);
    const cp = W.pool === undefined ? undefined : W.connPools[destination]!;
    const port = W.allocator.pick(pool, W.rngAllocator, now);
    if (port < 0) {
      this.recorder.failed(poolId, pool.timeWait > 0 ? FAIL_TIME_WAIT : FAIL_ESTABLISHED);
      this.connectFailed(r, cp);
      return false;
    }
    this.ports.take(H, poolId, pool, port, now);
    this.ports.closedBy[poolId]![port] = closingCode(W.kind, this.rqClosedBy[r]!);
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
          this.ports.close(connPool(conn), connPort(conn));
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
  requestServed(poolId: number, port: number): void {
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
  idleEnd(poolId: number, port: number): void {
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
    this.ports.close(poolId, port);
    this.drainWaiters(cp);
  }

  /** Request r is over (served or given up): its closed-loop client thinks, then goes on. */
  private requestEnded(r: number): void {
    const w = this.rqWorkload[r]!;
    const client = this.rqClient[r]!;
    this.rqFree.push(r);
    if (client < 0) return;
    const W = this.workloads[w]!;
    this.engine.schedule(sample(W.think!, W.rngThink!), CLIENT_NEXT, w, client);
  }

  /** A closed-loop client's turn: a new request if it is active now, else wait for its next active interval. */
  clientNext(w: number, client: number): void {
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
}
