import type { RandomStream } from '../../../../src/random/stream';
import type { PortPool } from '../port-pool';
import type { Allocator } from './allocator';

/**
 * RFC 6056 §3.3.2, algorithm 2, "another simple port randomization algorithm" (NetBSD
 * `random_pick`, portalgo.c `algo_random_pick`). Reference: ../shared/reference/os-semantics.md §4.
 *
 * Per call, for a pool of num ports, no state kept between calls:
 *   p = random() mod num
 *   repeat num times: if p is free, answer p; p = random() mod num
 *   answer -1
 * Every try is a fresh uniform draw (`rng.below(num)`), so the pick is uniform over the free
 * ports (no bias toward ports after a busy run, unlike algorithm 1), but the call can fail
 * while ports are free: with f free ports of num, with probability (1 − f/num)^num (≈ e^−f
 * for large num: 37 % with one free port). That is the algorithm, not a simplification.
 * Like the RFC loop (and NetBSD), a failed call draws num + 1 numbers (it draws again after its
 * last check).
 *
 * Different from the RFC loop: a full pool answers -1 at once without drawing (the loop would
 * draw num + 1 numbers and fail too); only the allocator stream's position differs.
 * "Suitable" is the pool's free bit.
 *
 * Cost: one draw (two 32-bit outputs) and one bit test per try; the expected number of tries
 * is num / f, at most num (28 232 in the Linux default range): cheap while ports are plentiful,
 * up to ~num draws per call near exhaustion; no bitset shortcut keeps the draws identical. No
 * allocation.
 */
export const randomPick: Allocator = {
  pick(pool: PortPool, rng: RandomStream): number {
    if (pool.free === 0) return -1;
    const num = pool.size;
    let p = rng.below(num);
    for (let count = num; count > 0; count--) {
      if (pool.isFree(p)) return p;
      p = rng.below(num);
    }
    return -1;
  },
};
