import type { PortPool } from '../port-pool';
import type { Allocator } from './allocator';
import { counterScan, keyedHash, umod } from './rfc6056';

/**
 * RFC 6056 §3.3.3, algorithm 3, "simple hash-based port selection" (the scheme of Linux
 * connect() before 5.12, there with a parity split; NetBSD `hash`, portalgo.c `algo_hash`).
 * Reference: ../shared/reference/os-semantics.md §4.
 *
 * Per host: a secret key and one counter `next` (the RFC's next_ephemeral, 0 at boot), shared
 * by all destinations. Per call, for a pool of num ports (indexes = offsets from min):
 *   offset = F(flow, secret)                      (flow: the pool's local address, remote
 *                                                  address, remote port)
 *   repeat num times: p = (next + offset) mod num; next++; if p is free, answer p
 *   answer -1
 * so one destination sees consecutive ports (p, p + 1, …, wrapping) as long as no other
 * destination of the host allocates in between (each allocation anywhere moves `next`), and
 * different destinations start at unrelated offsets. All arithmetic is u32 (rfc6056.ts).
 *
 * Done on the bitset: the tries are consecutive indexes, so the answer is the first free index
 * at or after (next + offset) mod num, wrapping (rfc6056.ts counterScan, which also handles the
 * once-per-2^32 wrap of the u32 sum exactly), and `next` then advances by the number of tries
 * the loop would have made: k + 1 when the k-th try (from 0) succeeds, num when none does
 * (including a full pool). So `next` evolves exactly as in the RFC loop.
 *
 * Simplified or different:
 * - F is rfc6056.ts keyedHash (murmur3-style, 64-bit per-host secret drawn from the allocator
 *   stream at create()), not a cryptographic hash (the RFC suggests MD5); only its statistics
 *   matter here. The flow id is 32 bits, so distinct tuples can collide.
 * - NetBSD's `algo_hash` differs from the RFC in ways not modelled: its Fhash() draws a fresh
 *   random secret on every call (so its offset is random per call, not per destination), and
 *   its counter is a uint16_t (wrapping at 65536, so 65536 mod num ≠ 0 makes a seam).
 * - "Suitable" is the pool's free bit (reserved and held ports are not).
 *
 * Cost: one hash (a dozen integer ops) and one or two bitset searches (a few ctz steps, 32 words
 * skipped at a time) at any occupancy; no random draws per call, no allocation.
 */
export class HashAllocator implements Allocator {
  /** next_ephemeral (u32). */
  readonly next = new Uint32Array(1);
  /** Its secret. */
  readonly k0: number;
  readonly k1: number;

  /** `state`: the registry's (src/os/allocators): k0, k1, next_ephemeral. */
  constructor(state: Int32Array) {
    this.k0 = state[0]!;
    this.k1 = state[1]!;
    this.next[0] = state[2]!;
  }

  /** F(flow, secret) as a u32. */
  offset(flow: number): number {
    return keyedHash(flow, this.k0, this.k1);
  }

  pick(pool: PortPool): number {
    const num = pool.size;
    const next = this.next[0]!;
    const s = (next + this.offset(pool.flow)) >>> 0;
    const k = counterScan(pool, s);
    this.next[0] = next + (k >= 0 ? k + 1 : num); // Uint32Array stores mod 2^32
    return k >= 0 ? umod((s + k) >>> 0, num) : -1;
  }
}

