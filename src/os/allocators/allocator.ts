import type { RandomStream } from '../../random/stream';
import type { PortPool } from '../port-pool';

/** A port-selection algorithm: picks a free index of the pool, or -1 when it is full (O(1)). */
export interface Allocator {
  readonly name: string;
  /** One line for `portsim profiles`, with its provenance. */
  readonly description: string;
  pick(pool: PortPool, rng: RandomStream): number;
}
