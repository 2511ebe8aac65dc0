import { ESTABLISHED, FREE, PortPool } from '../port-pool';
import { RandomStream } from '../../../../src/random/stream';

/** Shared helpers of the allocator tests (not a test file). */

/** An allocator stream as the tests make them; two calls with one seed give twins. */
export function stream(seed: string): RandomStream {
  return new RandomStream('alloc', `test/allocators/${seed}`);
}

/** A pool of `size` ports with about `reservedShare` of them reserved (never when size ≤ 3). */
export function poolWithReserved(size: number, occ: RandomStream, reservedShare = 0.05): PortPool {
  const reserved = size > 3 ? Array.from({ length: size }, (_, i) => i).filter(() => occ.uniform() < reservedShare) : [];
  return new PortPool(size, reserved);
}

/** Takes every free port with probability `share`. */
export function fill(pool: PortPool, occ: RandomStream, share: number): void {
  for (let i = 0; i < pool.size; i++) if (pool.state[i] === FREE && occ.uniform() < share) pool.take(i);
}

/** Takes every free port. */
export function fillAll(pool: PortPool): void {
  for (let i = 0; i < pool.size; i++) if (pool.state[i] === FREE) pool.take(i);
}

/**
 * One step of a random workload around a pick: keep the picked port (unless the pool would
 * fall below `minFree` free ports) and release up to `releases` random held ports with
 * probability `p` each, so occupancy wanders and free ports appear anywhere.
 */
export function churn(pool: PortPool, occ: RandomStream, got: number, now: number, minFree = 1, releases = 2, p = 0.6): void {
  if (got >= 0 && pool.free > minFree) pool.take(got);
  for (let r = 0; r < releases; r++) {
    const i = occ.below(pool.size);
    if (pool.state[i] === ESTABLISHED && occ.uniform() < p) pool.release(i, now);
  }
}

/** A 32-bit flow identity, as the simulation derives it (FNV-1a of "source>address:port"). */
export function flowOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
