import type { RandomStream } from '../../../../src/random/stream';
import type { PortPool } from '../port-pool';
import type { Allocator } from './allocator';

/**
 * Linux bind(0) / bind(addr, 0) port selection: `inet_csk_find_open_port` in torvalds/linux
 * net/ipv4/inet_connection_sock.c (6.x: the 5.x logic of 01b2a995156d plus bhash2 and
 * `inet_sk_get_local_port_range`). Reference: ../shared/reference/os-semantics.md §1.5, §1.8,
 * §7; experiments D, E, F, R in §1.9.
 *
 * Per call, for a pool of N ports (indexes = offsets from the first port, `lo`), the kernel's
 * `low`/`high` being [0, N):
 * 1. Halves. Without SO_REUSEADDR (or N < 4) the whole range. With SO_REUSEADDR: first the
 *    lower half [0, H), H = 2·⌊N/4⌋, then, only if that finds nothing, the upper half [H, N).
 * 2. Per (half) range [low, high) of n ports: R = n rounded down to even (n if n = 1);
 *    offset = get_random_u32_below(R) | 1 — odd, the opposite of connect()'s preference for
 *    lo's parity ("to not pollute connect() users"). Here `rng.below(R)`: one draw per range
 *    scanned (two when the lower half is full).
 * 3. Scan low + offset, +2, … for R/2 positions, a position p ≥ high replaced by p − R; the
 *    first free one wins. Then the same from offset − 1 (the other parity). So odd offsets
 *    (ports of the parity opposite to lo) first, then even; within a parity, upward from a
 *    random point, wrapping. Nothing: -1 (EADDRINUSE).
 * Each call draws a fresh offset, so a bind(0) loop hands out the odd offsets in a random
 * order, then the even ones [exp D: 40009, 40003, 40005, 40001, 40007, then evens; with
 * SO_REUSEADDR 40001, 40003, 40000, 40002, then 40007, 40009, 40005, 40008, …; exp R: in
 * 40001–40010, even ports first].
 *
 * Odd-size ranges, as the kernel (R = n − 1): the odd offsets 1, 3, …, n − 2 are all visited,
 * but the even pass visits only R/2 of the (n + 1)/2 even offsets: it misses the top offset
 * n − 1 when offset = 1 (probability 2/R) and offset 0 otherwise. A call can thus answer
 * EADDRINUSE while that one end is free; a later call, with another offset, may reach it. In a
 * 3-port range offset is always 1, so the top port is never handed out. With SO_REUSEADDR
 * the lower half always has even size, the upper half has N's parity. Even N (the default
 * 32768–60999) is unaffected. A 1-port range (R = 1): both passes probe that port.
 *
 * Simplified or different from the kernel:
 * - "Free" is the pool's free bit: the simulation keeps it clear for every port with a
 *   conflicting owner (reserved ports, ports held by connect() or bind() users, TIME_WAIT), so
 *   `inet_csk_bind_conflict` with relax = false reduces to that bit. ip_autobind_reuse (the
 *   relaxed second round when everything is exhausted; default 0) is not modelled.
 * - A full pool answers -1 at once, without drawing (the kernel draws once per range scanned
 *   and fails too); only the allocator stream's position differs.
 * - IP_LOCAL_PORT_RANGE narrows [lo, hi] in the kernel (and keeps the odd-first rule, exp F);
 *   here the pool is the range.
 *
 * Cost: per range scanned one draw and at most four parity-restricted bitset searches
 * (PortPool.findFreeWithParity: one masked word, then 32 words per summary read), so at most
 * ~N/1024 summary reads per search even on a nearly full pool, where the kernel walks the
 * range port by port. No per-host state, no allocation.
 */
export class LinuxBindAllocator implements Allocator {
  constructor(readonly reuseAddr: boolean) {}

  pick(pool: PortPool, rng: RandomStream): number {
    if (pool.free === 0) return -1;
    const size = pool.size;
    if (this.reuseAddr && size >= 4) {
      const half = (size >> 2) << 1;
      const i = this.scan(pool, rng, 0, half);
      return i >= 0 ? i : this.scan(pool, rng, half, size);
    }
    return this.scan(pool, rng, 0, size);
  }

  /** One range [low, high): a fresh odd offset, the odd pass, then the even pass. */
  scan(pool: PortPool, rng: RandomStream, low: number, high: number): number {
    const n = high - low;
    const R = n > 1 ? n & ~1 : n;
    const offset = rng.below(R) | 1;
    if (R === 1) return pool.isFree(low) ? low : -1; // low + 1 ≥ high wraps to low; then low again
    const i = this.pass(pool, low + offset, high, R);
    return i >= 0 ? i : this.pass(pool, low + offset - 1, high, R);
  }

  /**
   * One parity pass from `start` (R even): positions start, start + 2, … below
   * min(high, start + R), then the wrapped ones p − R, which are the positions of start's
   * parity in [high − R, start). The first free one in that order, or -1.
   */
  pass(pool: PortPool, start: number, high: number, R: number): number {
    const end = start + R < high ? start + R : high;
    const i = pool.findFreeWithParity(start, end);
    if (i >= 0) return i;
    const wrapLow = high - R; // low, or low + 1 for an odd n
    return pool.findFreeWithParity(wrapLow + ((wrapLow ^ start) & 1), start);
  }
}

const PLAIN = new LinuxBindAllocator(false);
const REUSE_ADDR = new LinuxBindAllocator(true);

/** The instance for a socket with or without SO_REUSEADDR (no per-host state: shared). */
export function linuxBind(reuseAddr: boolean): LinuxBindAllocator {
  return reuseAddr ? REUSE_ADDR : PLAIN;
}

