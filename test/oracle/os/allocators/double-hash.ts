import type { PortPool } from '../port-pool';
import type { Allocator } from './allocator';
import { counterScan, keyedHash, umod } from './rfc6056';
import { DOUBLE_HASH_TABLE_LENGTH } from '../../../../src/os/allocators/codes';

/** The RFC's suggested TABLE_LENGTH. */
export { DOUBLE_HASH_TABLE_LENGTH };

/**
 * RFC 6056 §3.3.4, algorithm 4, "double-hash port selection" (NetBSD `doublehash`, portalgo.c
 * `algo_doublehash`; Linux ≥ 5.12 connect() is a variant of it, see ./linux.ts). Reference:
 * ../shared/reference/os-semantics.md §4.
 *
 * Per host: two secret keys and a table of TABLE_LENGTH = 10 counters (the RFC's suggestion),
 * initialised with random values. Per call, for a pool of num ports:
 *   offset = F(flow, secret1); index = G(flow, secret2) mod TABLE_LENGTH
 *   repeat num times: p = (offset + table[index]) mod num; table[index]++; if p is free, answer p
 *   answer -1
 * As algorithm 3, but destinations whose flows hash to different slots have independent
 * counters: allocating for one does not move another's sequence (only those sharing its slot).
 * All arithmetic is u32 (rfc6056.ts).
 *
 * Done on the bitset exactly as ./hash.ts: the first free index at or after
 * (offset + table[index]) mod num, wrapping, and table[index] advanced by the number of tries
 * the RFC loop would have made (k + 1, or num when none is free), so the table evolves exactly
 * as in the RFC loop.
 *
 * Simplified or different:
 * - F and G are rfc6056.ts keyedHash under two independent 64-bit per-host secrets drawn from
 *   the allocator stream at create(), then the 10 table entries (uniform u32 each); not
 *   cryptographic (only the statistics matter). The flow id is 32 bits.
 * - NetBSD's `algo_doublehash` differs from the RFC in ways not modelled: one table of 8
 *   uint16_t entries for the whole kernel (every protocol and range), and F/G from an Fhash()
 *   that draws a fresh random secret on every call (so offset and slot are random per call).
 *
 * Cost: two hashes and one or two bitset searches at any occupancy; no random draws per call,
 * no allocation.
 */
export class DoubleHashAllocator implements Allocator {
  /** table[] (u32 counters), random at creation. */
  readonly table = new Uint32Array(DOUBLE_HASH_TABLE_LENGTH);
  /** Its two secrets. */
  readonly f0: number;
  readonly f1: number;
  readonly g0: number;
  readonly g1: number;

  /** `state`: the registry's (src/os/allocators): f0, f1, g0, g1, then the table. */
  constructor(state: Int32Array) {
    [this.f0, this.f1, this.g0, this.g1] = [state[0]!, state[1]!, state[2]!, state[3]!];
    this.table.set(state.subarray(4, 4 + DOUBLE_HASH_TABLE_LENGTH));
  }

  /** F(flow, secret1) as a u32. */
  offset(flow: number): number {
    return keyedHash(flow, this.f0, this.f1);
  }

  /** G(flow, secret2) mod TABLE_LENGTH. */
  slot(flow: number): number {
    return umod(keyedHash(flow, this.g0, this.g1), DOUBLE_HASH_TABLE_LENGTH);
  }

  pick(pool: PortPool): number {
    const num = pool.size;
    const flow = pool.flow;
    const index = this.slot(flow);
    const t = this.table[index]!;
    const s = (this.offset(flow) + t) >>> 0;
    const k = counterScan(pool, s);
    this.table[index] = t + (k >= 0 ? k + 1 : num); // Uint32Array stores mod 2^32
    return k >= 0 ? umod((s + k) >>> 0, num) : -1;
  }
}

