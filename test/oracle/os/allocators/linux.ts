import { TICKS_PER_SECOND, type Tick } from '../../../../src/engine/time';
import type { RandomStream } from '../../../../src/random/stream';
import type { PortPool } from '../port-pool';
import type { Allocator } from './allocator';
import { fmix, rotl, scramble } from './murmur';
import { PERTURB_TABLE_SIZE } from '../../../../src/os/allocators/codes';

export { PERTURB_TABLE_SIZE };

/**
 * Linux ≥ 5.18 / 6.x TCP connect() port selection: `__inet_hash_connect` in torvalds/linux
 * net/ipv4/inet_hashtables.c, with `secure_ipv4_port_ephemeral` (net/core/secure_seq.c) as the
 * hash. Mirrors the "insufficient TCP source port randomness" series merged for 5.18 and
 * backported to the 4.9–5.15 stable trees (b2d057560b81 64-bit hash, 4dfa9b438ee3 re-salt every
 * 10 s, 4c2c8f03a5ab 2^16 perturb table, ca7af0402550 random bump), and 207184853dbd (≈6.8)
 * for the step-1 scan of a socket with IP_LOCAL_PORT_RANGE. Reference:
 * ../shared/reference/os-semantics.md §1.2, §1.4, experiments A, B, N1/N2, Q, R, S in §1.9;
 * RFC 6056 §3.3.4 (algorithm 4, double hash).
 *
 * Per call, for a pool of N ports (indexes are offsets from the first port, `lo`):
 * 1. R = N, rounded down to even when the step is 2 and N > 1 (the kernel's `remaining`).
 * 2. h = 64-bit keyed hash of (flow, floor(now / 10 s)); `flow` is the pool's 32-bit identity
 *    of (source address, destination address, destination port), the source port is not an
 *    input. idx = low 16 bits of h; offset = (table[idx] + high 32 bits of h) mod 2^32 mod R;
 *    with step 2, bit 0 cleared.
 * 3. Scan k = 0, step, 2·step, … < R at position offset + k, minus R once it reaches N; the first
 *    free position wins (reserved ports are never free). With step 2, then the same from
 *    offset + 1 (the other parity). Nothing: -1 (EADDRNOTAVAIL).
 * 4. On success at scan index k: table[idx] += max(k, step·U{0..7}) + step.
 *
 * Simplified or different from the kernel:
 * - The hash. The kernel uses SipHash-2-4 keyed by the boot-time `net_secret` over (saddr,
 *   daddr, dport, jiffies / (10·HZ)). Here: a murmur3-style two-lane mix of the pool's 32-bit
 *   flow id (FNV-1a of "source>address:port", so distinct tuples can collide in 32 bits, which
 *   the kernel's full tuple does not) and the epoch, under a 128-bit per-host secret. Only its
 *   statistics matter here (well-mixed, fixed within an epoch, unrelated across epochs); it is
 *   not cryptographic. Epochs start at t = 0 rather than at the kernel's jiffies origin.
 * - The table and the secret are per simulated host (the kernel's are per boot, shared by all
 *   network namespaces), drawn from the host's allocator stream at create() (the kernel fills
 *   the table with random bytes on first use: the same thing). A pool shared by every
 *   destination (`sharing: global`, not how Linux connect() works) has flow 0, so all its picks
 *   hash as one tuple.
 * - Odd-size ranges with step 2, as the kernel: the scan visits R = N - 1 positions per pass,
 *   so the two ends lo and hi (same parity) are never both visited by one call: hi is skipped
 *   when offset is 0, lo otherwise, and the call answers EADDRNOTAVAIL if that end is the only
 *   free port (a later call, with another offset, may take it; exp S saw all 11 of
 *   40000–40010 used by a connect loop). Even-size ranges (the default 32768–60999) are
 *   unaffected.
 * - No bind() users, no per-port bind buckets: a port is unavailable exactly when the pool says
 *   it is not free (held for this tuple, or reserved); TIME_WAIT reuse (tcp_tw_reuse) is not
 *   modelled.
 *
 * Cost: one hash (a few dozen integer ops) and, per pass, a search of the pool's free bitset
 * restricted to one parity (PortPool.findFreeWithParity): one masked word, then the pool's
 * per-parity summary skips 32 words at a time, so even a nearly full pool — the case where the
 * kernel's port-by-port loop walks the whole range, and where a linear parity scan here would
 * cost ~N/2 probes per pass — takes at most ~N/1024 summary reads (28 in the default range).
 * Measured in the default range: ≈ 45–50 ns per call at any occupancy, ≈ 7 ns on a full
 * pool; no allocation per call.
 */

/** Re-salt period of the hash: jiffies / (10 * HZ). */
export const EPOCH_TICKS = 10 * TICKS_PER_SECOND;

export class LinuxConnectAllocator implements Allocator {
  /** The perturbation table (`table_perturb`), random at creation. */
  readonly table = new Uint32Array(PERTURB_TABLE_SIZE);
  /**
   * Low and high 32 bits of the last hash(), as int32. why a typed array: values ≥ 2^30 are not
   * V8 small integers, so plain fields could box a heap number per call.
   */
  readonly hashOut = new Int32Array(2);
  /** Scan index k of the last successful scan(). */
  k = 0;
  readonly key0: number;
  readonly key1: number;
  readonly key2: number;
  readonly key3: number;

  /** `step` 2: parity split (default); 1: a socket with IP_LOCAL_PORT_RANGE (≥ 6.8). */
  /** `state`: the registry's (src/os/allocators): key0..key3, then the table. */
  constructor(state: Int32Array, readonly step: 1 | 2) {
    [this.key0, this.key1, this.key2, this.key3] = [state[0]!, state[1]!, state[2]!, state[3]!];
    this.table.set(new Uint32Array(state.buffer, state.byteOffset + 16, PERTURB_TABLE_SIZE));
  }

  /**
   * The 64-bit keyed hash of (flow, epoch) into hashOut: two murmur3-style lanes, each
   * absorbing both words under its own half of the secret, cross-added and finalized.
   */
  hash(flow: number, epoch: number): void {
    let h1 = this.key0 ^ scramble(flow);
    h1 = Math.imul(rotl(h1, 13), 5) + 0xe6546b64;
    h1 ^= scramble(epoch ^ this.key2);
    h1 = Math.imul(rotl(h1, 13), 5) + 0xe6546b64;
    let h2 = this.key1 ^ scramble(epoch);
    h2 = Math.imul(rotl(h2, 17), 5) + 0x38b34ae5;
    h2 ^= scramble(flow ^ this.key3);
    h2 = Math.imul(rotl(h2, 17), 5) + 0x38b34ae5;
    h1 = (h1 + h2) | 0;
    h2 = (h2 + h1) | 0;
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 = (h1 + h2) | 0;
    h2 = (h2 + h1) | 0;
    this.hashOut[0] = h1;
    this.hashOut[1] = h2;
  }

  /** R: the range size the offset and the scan wrap use (the kernel's `remaining`). */
  remaining(size: number): number {
    return this.step === 2 && size > 1 ? size & ~1 : size;
  }

  /**
   * The kernel's scan from `offset` (already reduced mod R, bit 0 cleared for step 2): the free
   * index it lands on, with its scan index in `k`, or -1. With step 2 on an odd-size pool one
   * end is not visited (see the file comment).
   */
  scan(pool: PortPool, offset: number): number {
    const size = pool.size;
    if (this.step === 1) {
      // R = N: positions offset … N-1, then 0 … offset-1, every index once; exactly the
      // first free index at or after offset, wrapping.
      const i = pool.findFreeFrom(offset);
      if (i >= 0) this.k = i >= offset ? i - offset : i + size - offset;
      return i;
    }
    const R = this.remaining(size);
    // First pass: offset's parity (even offsets: lo's parity). Positions offset + k for
    // k < R; those at or past N wrap to offset + k - R ≥ N - R.
    let i = this.pass(pool, offset, size, R);
    if (i >= 0) return i;
    if (R > 1) {
      i = this.pass(pool, offset + 1, size, R);
      if (i >= 0) return i;
    }
    return -1;
  }

  /** One parity pass from `start`: [start, min(N, start + R)), then the wrapped [N - R, start). */
  private pass(pool: PortPool, start: number, size: number, R: number): number {
    const end = start + R < size ? start + R : size;
    let i = pool.findFreeWithParity(start, end);
    if (i >= 0) {
      this.k = i - start;
      return i;
    }
    const low = size - R; // 0, or 1 for an odd size
    i = pool.findFreeWithParity(low + ((low ^ start) & 1), start);
    if (i >= 0) this.k = i + R - start;
    return i;
  }

  pick(pool: PortPool, rng: RandomStream, now: Tick): number {
    if (pool.free === 0) return -1;
    const step = this.step;
    const R = this.remaining(pool.size);
    this.hash(pool.flow, Math.floor(now / EPOCH_TICKS));
    const index = this.hashOut[0]! & (PERTURB_TABLE_SIZE - 1);
    const table = this.table;
    const x = (table[index]! + this.hashOut[1]!) >>> 0; // u32 sum, as the kernel's `offset`
    // x mod R in int32 arithmetic (a double % is several times slower): x = 2·(x >>> 1) + bit 0.
    let offset = ((((x >>> 1) % R) << 1) + (x & 1)) % R;
    if (step === 2) offset &= ~1;
    const i = this.scan(pool, offset);
    if (i >= 0) {
      // get_random_u32_below(8): the top 3 bits of one draw, uniform on 0..7.
      const u = step * (rng.nextUint32() >>> 29);
      table[index] = table[index]! + (this.k > u ? this.k : u) + step; // Uint32Array wraps mod 2^32
    }
    return i;
  }
}


