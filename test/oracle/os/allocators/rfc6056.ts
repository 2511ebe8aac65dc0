import type { PortPool } from '../port-pool';
import { fmix, rotl, scramble } from './murmur';

/**
 * Shared parts of the RFC 6056 §3.3 algorithms (https://www.rfc-editor.org/rfc/rfc6056):
 * u32 arithmetic, the keyed hash standing in for the RFC's F() and G(), and the counter loop of
 * algorithms 3 and 4 done on the pool's bitset.
 *
 * Integer widths: the RFC's pseudo-code leaves them open. Here every counter, offset and sum is
 * an unsigned 32-bit integer (C's uint32_t), wrapping at 2^32, and a port is
 * min + (sum mod 2^32) mod num. (NetBSD's portalgo.c, the one kernel that ships all five
 * algorithms, uses uint16_t counters; see the algorithm files.)
 */

export const TWO_32 = 4294967296;

/**
 * x mod n for x a u32 (0 ≤ x < 2^32, possibly beyond int32) and 1 ≤ n < 2^30, in int32
 * arithmetic (a double % is several times slower): x = 2·(x >>> 1) + (x & 1).
 */
export function umod(x: number, n: number): number {
  return ((((x >>> 1) % n) << 1) + (x & 1)) % n;
}

/**
 * F(flow, secret) / G(flow, secret2): a keyed 32-bit hash of the pool's flow id (its 32-bit
 * identity of local address, remote address, remote port) under a 64-bit secret (k0, k1),
 * as a u32. murmur3_32 with seed k0 over the words (flow, k1): every input bit affects every
 * output bit, and hosts with different secrets map the same flow to unrelated values. Not
 * cryptographic: the RFC asks for a cryptographic hash (e.g. MD5) so an attacker cannot guess
 * offsets; the simulation only needs its statistics.
 */
export function keyedHash(flow: number, k0: number, k1: number): number {
  let h = k0 ^ scramble(flow);
  h = (Math.imul(rotl(h, 13), 5) + 0xe6546b64) | 0;
  h ^= scramble(k1);
  h = (Math.imul(rotl(h, 13), 5) + 0xe6546b64) | 0;
  return fmix(h ^ 8) >>> 0;
}

/**
 * The counter loop of RFC 6056 algorithms 3 and 4, `p = (s + k) mod 2^32 mod num` for
 * k = 0, 1, …, num − 1 (num = pool.size, s a u32), answered on the bitset: the k of the first
 * free p, or -1 when none of the num tries is free. The caller advances its counter by k + 1
 * (or num) and maps k to p = umod((s + k) mod 2^32, num).
 *
 * While s + k stays below 2^32 the tries are the consecutive indexes a, a + 1, … (mod num),
 * a = s mod num: the first free index at or after a, wrapping (PortPool.findFreeFrom). When
 * the u32 sum wraps during the call (s > 2^32 − num: once per 2^32 tries), the tries after the
 * wrap restart at index 0, so they are k = t, t + 1, … ↦ 0, 1, … (t = 2^32 − s) and the call
 * covers [a, a + t) and [0, num − t) (mod num): it may miss free ports, as the literal loop does.
 */
export function counterScan(pool: PortPool, s: number): number {
  const num = pool.size;
  const a = umod(s, num);
  const i = pool.findFreeFrom(a);
  if (i < 0) return -1;
  const k = i >= a ? i - a : i + num - a;
  const toWrap = TWO_32 - s; // tries before s + k reaches 2^32
  if (k < toWrap) return k;
  // Nothing free among the first toWrap tries; the rest are indexes 0 … num − toWrap − 1.
  const j = pool.findFreeFrom(0); // the lowest free index (the pool is not full)
  return j < num - toWrap ? toWrap + j : -1;
}
