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

/** An algorithm by name: its provenance, and a fresh instance per host (with its own state). */
export interface AllocatorType {
  readonly name: string;
  /** One line for `portsim profiles`, with its provenance. */
  readonly description: string;
  create(rng: RandomStream): Allocator;
}
