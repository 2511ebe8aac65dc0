/**
 * A client-side connection pool of one workload to one destination (an HTTP agent, a database
 * pool): its settings and their defaults. The kernel runs the pools (../kernel/assembly/requests.ts);
 * the test oracle's pool is test/oracle/sim/connection-pool.ts.
 */
export interface PoolSpec {
  /** Most connections open at once (MaxConnsPerHost, max pool size); Infinity: no cap. */
  maxSize: number;
  /** Most idle connections kept (MaxIdleConnsPerHost); the others close when their request ends. */
  maxIdle: number;
  /** An idle connection closes after this long, in ticks; Infinity: never. */
  idleTimeout: number;
  /** A connection closes after serving this many requests; Infinity: no cap. */
  maxRequests: number;
}

/** A pool's defaults: no size cap, every idle connection kept for 90 s (Go's IdleConnTimeout), no request cap. */
export const POOL_DEFAULTS: Readonly<PoolSpec> = { maxSize: Infinity, maxIdle: Infinity, idleTimeout: 90_000_000, maxRequests: Infinity };
