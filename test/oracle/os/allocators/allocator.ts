import type { Tick } from '../../../../src/engine/time';
import type { AllocatorType } from '../../../../src/os/allocators';
import type { RandomStream } from '../../../../src/random/stream';
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

/**
 * An algorithm of the registry (src/os/allocators: its name, code, description, state) with the
 * oracle's implementation of it.
 */
export interface OracleAllocatorType extends AllocatorType {
  /**
   * A fresh instance for a host: its state (./index.ts allocatorState) drawn from `rng`
   * as the kernel's is; algorithms that do not care about `options` ignore them.
   */
  create(rng: RandomStream, options?: AllocatorOptions): Allocator;
}
