import type { RandomStream } from '../../../../src/random/stream';
import type { PortPool } from '../port-pool';
import type { Allocator } from './allocator';
import { umod } from './rfc6056';
import { RANDOM_INCREMENTS_N } from '../../../../src/os/allocators/codes';

/** The RFC's example trade-off parameter N (also NetBSD's). */
export { RANDOM_INCREMENTS_N };

/**
 * RFC 6056 §3.3.5, algorithm 5, "random-increments port selection" (NetBSD `randinc`,
 * portalgo.c `algo_randinc`). Reference: ../shared/reference/os-semantics.md §4.
 *
 * Per host: one counter `next` (the RFC's next_ephemeral), random at boot, shared by all
 * destinations. Per call, for a pool of num ports:
 *   repeat num times: next += random() mod N + 1; p = next mod num; if p is free, answer p
 *   answer -1
 * with N = 500: successive tries are a random 1 … 500 apart (mean 250.5), so the next port is
 * hard to guess from the last one while the counter still sweeps the range in one direction,
 * keeping reuse of a recent port unlikely. `next` is a u32 (wraps at 2^32; rfc6056.ts),
 * drawn uniformly at create(). The increment is `rng.below(N) + 1`. Like algorithm 2 the call
 * gives up after num tries, and can fail while ports are free (the tries are not a
 * permutation of the range).
 *
 * Different from the RFC loop: a full pool answers -1 at once, without drawing and without
 * moving `next` (the loop would add num random increments and fail too); as `next` is a
 * random walk anyway, only the allocator stream's position differs. NetBSD's counter is a
 * uint16_t, lazily initialised to a random 16-bit value on first use (not modelled).
 * "Suitable" is the pool's free bit.
 *
 * Cost: one draw and one bit test per try; about num / f tries with f free ports (≤ num), so
 * cheap at low occupancy and up to ~num draws per call near exhaustion; no bitset shortcut
 * keeps the draws identical. No allocation.
 */
export class RandomIncrementsAllocator implements Allocator {
  /** next_ephemeral (u32). */
  readonly next = new Uint32Array(1);

  /** `state`: the registry's (src/os/allocators): next_ephemeral. */
  constructor(state: Int32Array) {
    this.next[0] = state[0]!;
  }

  pick(pool: PortPool, rng: RandomStream): number {
    if (pool.free === 0) return -1;
    const num = pool.size;
    let next = this.next[0]!;
    for (let count = num; count > 0; count--) {
      next = (next + rng.below(RANDOM_INCREMENTS_N) + 1) >>> 0;
      const p = umod(next, num);
      if (pool.isFree(p)) {
        this.next[0] = next;
        return p;
      }
    }
    this.next[0] = next;
    return -1;
  }
}

