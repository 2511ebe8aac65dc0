// The RFC 6056 allocators of the kernel (../../os/allocators: random-pick, hash, double-hash,
// random-increments, and their shared helpers in rfc6056.ts), step for step. Their state (the
// hash secrets, counters and table, drawn from the host's stream when the JS engine makes them)
// is laid out per host by ../run-kernel.ts, at the host's allocator-state offset:
//   hash               k0 i32, k1 i32, next u32
//   double-hash        f0 i32, f1 i32, g0 i32, g1 i32, table u32 × DOUBLE_HASH_TABLE_LENGTH
//   random-increments  next u32

import { DOUBLE_HASH_TABLE_LENGTH, RANDOM_INCREMENTS_N } from '../../os/allocators/codes';
import { uniform } from './random';
import { findFreeFrom, fmix, isFree, P_FLOW, P_FREE, P_SIZE, pget, scramble } from './pools';

/** x mod n for a u32 x (rfc6056.ts umod). */
@inline function umod(x: u32, n: i32): i32 {
  return <i32>((((x >>> 1) % <u32>n) << 1) + (x & 1)) % n;
}

/** The keyed hash F(flow, k0, k1) as a u32 (rfc6056.ts keyedHash). */
function keyedHash(flow: i32, k0: i32, k1: i32): u32 {
  let h = k0 ^ scramble(flow);
  h = rotl<i32>(h, 13) * 5 + <i32>0xe6546b64;
  h ^= scramble(k1);
  h = rotl<i32>(h, 13) * 5 + <i32>0xe6546b64;
  return <u32>fmix(h ^ 8);
}

/** Tries from the counter value s to a free port, wrapping as a u32 counter does; -1 if none (rfc6056.ts counterScan). */
function counterScan(pp: usize, s: u32): i64 {
  const num = pget(pp, P_SIZE);
  const a = umod(s, num);
  const i = findFreeFrom(pp, a);
  if (i < 0) return -1;
  const k: i64 = i >= a ? i - a : i + num - a;
  const toWrap: i64 = 4294967296 - <i64>s;
  if (k < toWrap) return k;
  const j = findFreeFrom(pp, 0);
  return <i64>j < <i64>num - toWrap ? toWrap + j : -1;
}

/** rng.below(n). */
@inline function below(rng: usize, n: i32): i32 { return <i32>(uniform(rng) * <f64>n); }

/** random-pick: a fresh random port per try, up to range-size tries. */
export function randomPick(pp: usize, rng: usize): i32 {
  if (pget(pp, P_FREE) == 0) return -1;
  const num = pget(pp, P_SIZE);
  let p = below(rng, num);
  for (let count = num; count > 0; count--) {
    if (isFree(pp, p)) return p;
    p = below(rng, num);
  }
  return -1;
}

/** hash and double-hash: the counter `c` (a u32 in the state) advanced past the scan; the port or -1. */
function counterPick(pp: usize, c: usize, offset: u32): i32 {
  const num = pget(pp, P_SIZE);
  const t = load<u32>(c);
  const s = t + offset;
  const k = counterScan(pp, s);
  store<u32>(c, t + (k >= 0 ? <u32>k + 1 : <u32>num));
  return k >= 0 ? umod(s + <u32>k, num) : -1;
}

/** hash: keyed-hash offset + one per-host counter. */
export function hashPick(pp: usize, state: usize): i32 {
  return counterPick(pp, state + 8, keyedHash(pget(pp, P_FLOW), load<i32>(state), load<i32>(state, 4)));
}

/** double-hash: keyed-hash offset + one of the table's counters, picked by a second hash. */
export function doubleHashPick(pp: usize, state: usize): i32 {
  const flow = pget(pp, P_FLOW);
  const index = umod(keyedHash(flow, load<i32>(state, 8), load<i32>(state, 12)), DOUBLE_HASH_TABLE_LENGTH);
  return counterPick(pp, state + 16 + (<usize>index << 2), keyedHash(flow, load<i32>(state), load<i32>(state, 4)));
}

/** random-increments: the counter advanced by a random 1..N per try, up to range-size tries. */
export function randomIncrementsPick(pp: usize, state: usize, rng: usize): i32 {
  if (pget(pp, P_FREE) == 0) return -1;
  const num = pget(pp, P_SIZE);
  let next = load<u32>(state);
  for (let count = num; count > 0; count--) {
    next = next + <u32>below(rng, RANDOM_INCREMENTS_N) + 1;
    const p = umod(next, num);
    if (isFree(pp, p)) {
      store<u32>(state, next);
      return p;
    }
  }
  store<u32>(state, next);
  return -1;
}
