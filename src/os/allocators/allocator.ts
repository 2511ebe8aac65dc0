import type { Tick } from '../../engine/time';
import type { RandomStream } from '../../random/stream';
import type { PortPool } from '../port-pool';

/**
 * A port-selection algorithm at work for one host: picks a free index of the pool, or -1 when
 * it is full (O(1) then). `rng` is the host's allocator stream; `now` is the simulated time (for
 * algorithms whose secret changes with time); `pool.flow` identifies the pool's (source address,
 * destination address, destination port) for hash-based algorithms.
 */
export interface Allocator {
  pick(pool: PortPool, rng: RandomStream, now: Tick): number;
}

/** Per-socket facts an algorithm may depend on, fixed for an instance. */
export interface AllocatorOptions {
  /** The socket has SO_REUSEADDR. Only linux-bind uses it (lower half of the range first). */
  reuseAddr?: boolean;
}

/** An algorithm by name: its provenance, and a fresh instance per host (with its own state). */
export interface AllocatorType {
  readonly name: string;
  /** Its numeric code (codes.ts), as the kernel knows it. */
  readonly code: number;
  /** One line for `portsim profiles`, with its provenance. */
  readonly description: string;
  /**
   * A fresh instance. Secrets and tables are drawn from `rng` here (so a create() may consume
   * draws); algorithms that do not care about `options` ignore them.
   */
  create(rng: RandomStream, options?: AllocatorOptions): Allocator;
}
