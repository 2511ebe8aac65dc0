import type { PoolSpec } from '../../../src/sim/connection-pool';

/**
 * The test oracle's client-side connection pool of one workload to one destination: open
 * connections, the idle ones among them, and requests waiting for one (its settings,
 * PoolSpec, are the model's: src/sim/connection-pool.ts). Connections are named by (port pool id,
 * port index), packed into one number; the request layer decides when to open, reuse or close
 * them. Idle connections are reused last-in first-out, as Go's net/http and Apache HttpClient do,
 * so the oldest idle ones are the first to time out.
 */

/** (port pool, port) as one number: pool · 2^21 + port (ports are < 2^21). */
export const connId = (pool: number, port: number): number => pool * 2097152 + port;
export const connPool = (id: number): number => Math.floor(id / 2097152);
export const connPort = (id: number): number => id % 2097152;

export class ConnectionPool {
  /** Connections open or being opened. */
  open = 0;
  /** Idle connections, most recently idle last. */
  readonly idle: number[] = [];
  /** Requests (request-table slots) waiting for a connection, first come first served. */
  readonly waiting: number[] = [];
  private waitHead = 0;

  constructor(readonly spec: PoolSpec) {}

  get waiters(): number {
    return this.waiting.length - this.waitHead;
  }

  wait(request: number): void {
    this.waiting.push(request);
  }

  /** The longest-waiting request, or -1. */
  nextWaiter(): number {
    if (this.waitHead === this.waiting.length) return -1;
    const r = this.waiting[this.waitHead++]!;
    if (this.waitHead > 1024 && this.waitHead * 2 > this.waiting.length) {
      this.waiting.splice(0, this.waitHead);
      this.waitHead = 0;
    }
    return r;
  }

  /** Removes a connection from the idle list (when it times out); false if it is not idle. */
  removeIdle(conn: number): boolean {
    const i = this.idle.lastIndexOf(conn);
    if (i < 0) return false;
    this.idle.splice(i, 1);
    return true;
  }
}
