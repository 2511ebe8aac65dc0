import type { Allocator } from './allocator';

/**
 * RFC 6056 §3.3.1 algorithm 1, "simple port randomization": a uniformly random offset in the
 * range, then upward (wrapping) to the first suitable port. FreeBSD and OpenBSD connect(); the
 * bench-steady model. The bitset search returns exactly the port the linear probe would.
 */
export const randomStart: Allocator = {
  pick(pool, rng) {
    if (pool.free === 0) return -1;
    return pool.findFreeFrom(rng.below(pool.size));
  },
};
