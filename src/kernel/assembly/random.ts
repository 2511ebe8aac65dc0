// The random streams (../../random/stream.ts: xoshiro128**) and V8's Math.log1p, as the JS engine
// draws them: same states, same draws.

@inline export function nextUint32(s: usize): u32 {
  const s0 = load<u32>(s), s1 = load<u32>(s, 4), s2 = load<u32>(s, 8) ^ s0, s3 = load<u32>(s, 12) ^ s1;
  const m = s1 * 5;
  const result = rotl<u32>(m, 7) * 9;
  store<u32>(s, s1 ^ s2, 4);
  store<u32>(s, s0 ^ s3);
  store<u32>(s, s2 ^ (s1 << 9), 8);
  store<u32>(s, rotl<u32>(s3, 11), 12);
  return result;
}
/**
 * Two steps of nextUint32 with the state held in locals, stored once. why: with a store and a
 * reload between the steps, the second step waited on the first one's stores.
 */
@inline export function uniform(s: usize): f64 {
  let s0 = load<u32>(s), s1 = load<u32>(s, 4), s2 = load<u32>(s, 8), s3 = load<u32>(s, 12);
  const hi = (rotl<u32>(s1 * 5, 7) * 9) >>> 5;
  let t = s1 << 9;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
  const lo = (rotl<u32>(s1 * 5, 7) * 9) >>> 6;
  t = s1 << 9;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
  store<u32>(s, s0); store<u32>(s, s1, 4); store<u32>(s, s2, 8); store<u32>(s, s3, 12);
  return (<f64>hi * 67108864.0 + <f64>lo) / 9007199254740992.0;
}

// log1p as V8 computes Math.log1p: fdlibm's s_log1p.c (Copyright (C) 1993 by Sun Microsystems,
// Inc. All rights reserved. Developed at SunSoft, a Sun Microsystems, Inc. business. Permission
// to use, copy, modify, and distribute this software is freely granted, provided that this
// notice is preserved), step for step. why not AssemblyScript's Math.log1p: it is musl's, which
// differs from V8's in the last bit for about 1 input in 1,400, and the kernel must draw exactly
// what the JS engine draws. test/kernel/equivalence.test.ts compares the two on 10^7 inputs.
const LN2_HI: f64 = 6.93147180369123816490e-01, LN2_LO: f64 = 1.90821492927058770002e-10;
const LP1: f64 = 6.666666666666735130e-01, LP2: f64 = 3.999999999940941908e-01, LP3: f64 = 2.857142874366239149e-01;
const LP4: f64 = 2.222219843214978396e-01, LP5: f64 = 1.818357216161805012e-01, LP6: f64 = 1.531383769920937332e-01;
const LP7: f64 = 1.479819860511658591e-01;
@inline function highWord(x: f64): i32 { return <i32>(reinterpret<u64>(x) >> 32); }
@inline function withHighWord(x: f64, hi: i32): f64 { return reinterpret<f64>((<u64><u32>hi << 32) | (reinterpret<u64>(x) & 0xFFFFFFFF)); }

export function log1p(x: f64): f64 {
  const hx = highWord(x);
  const ax = hx & 0x7FFFFFFF;
  let k = 1, hu = 0;
  let f: f64 = 0, c: f64 = 0;
  if (hx < 0x3FDA827A) { // 1 + x < sqrt(2)+
    if (ax >= 0x3FF00000) return x == -1.0 ? -Infinity : NaN; // x <= -1
    if (ax < 0x3E200000) { // |x| < 2^-29
      if (ax < 0x3C900000) return x; // |x| < 2^-54
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= <i32>0xBFD2BEC4) { k = 0; f = x; hu = 1; } // sqrt(2)/2- <= 1 + x < sqrt(2)+
  }
  if (hx >= 0x7FF00000) return x + x;
  if (k != 0) {
    let u: f64;
    if (hx < 0x43400000) {
      u = 1.0 + x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0); // correction term
      c /= u;
    } else {
      u = x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000FFFFF;
    if (hu < 0x6A09E) {
      u = withHighWord(u, hu | 0x3FF00000); // normalize u
    } else {
      k += 1;
      u = withHighWord(u, hu | 0x3FE00000); // normalize u/2
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1.0;
  }
  const hfsq = 0.5 * f * f;
  const dk = <f64>k;
  if (hu == 0) { // |f| < 2^-20
    if (f == 0) {
      if (k == 0) return 0;
      c += dk * LN2_LO;
      return dk * LN2_HI + c;
    }
    const R = hfsq * (1.0 - 0.66666666666666666 * f);
    if (k == 0) return f - R;
    return dk * LN2_HI - ((R - (dk * LN2_LO + c)) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const R = z * (LP1 + z * (LP2 + z * (LP3 + z * (LP4 + z * (LP5 + z * (LP6 + z * LP7))))));
  if (k == 0) return f - (hfsq - s * (hfsq + R));
  return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + (dk * LN2_LO + c))) - f);
}


/**
 * n outputs of the stream at `s` into `at` (u32), advancing it: an allocator's drawn words at the
 * start of a run (../kernel-layout.ts placeAllocatorState; Linux's are 65,540, which JavaScript drew
 * in 3-16 ms a task before V8 had optimized its loop).
 */
export function drawWords(s: usize, at: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<u32>(at + (<usize>i << 2), nextUint32(s));
}

/**
 * n uniforms into `at` (f64), the next n `uniform(s)` draws (./exp-ring.ts fills its batches here).
 * why through uniform rather than its steps with the state held in locals across the values: that
 * wrote xoshiro's step a second time, for no difference measured (in-process A/B, medians of 31:
 * tcp-fanout 0.96, burst 0.94, within this machine's noise).
 */
export function uniformsInto(s: usize, at: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(at + (<usize>i << 3), uniform(s));
}

/**
 * -log1p(-u) (exp1: an Exp(1) value) of each of n uniforms u in [0, 1) at `at` (f64, in place; n
 * even), bit for bit what log1p gives, two at a time (f64x2: each lane's arithmetic is IEEE
 * double arithmetic, the same operations in the same order as log1p's, so the same bits).
 * why: log1p is a chain of ~40 dependent operations with a branch on a coin toss (whether
 * 1 + x < sqrt(2)/2: k != 0, for u > 0.29 about); here both of its paths are computed in each
 * lane and the lane's own is picked by mask, so the pair has no branch to mispredict and two
 * values share each instruction. Why one final formula serves both paths: on the k == 0 path
 * (f = x, c = 0, hu = 1) dk·LN2_HI and dk·LN2_LO + c are +0, s·(hfsq + R) + 0 is s·(hfsq + R)
 * (nonzero: f is), and 0 − (A − f) is f − A exactly (rounding to nearest is symmetric): log1p's
 * k == 0 formula. On x in (-1, 0) the k != 0 path keeps k <= -1 (there 1 + x < 0.70710636,
 * below 0.70710659, where normalizing adds 1 to k), so the path alone says whether c counts.
 * A pair with a lane on one of log1p's rare paths — |u| < 2^-29, or hu == 0 (|f| < 2^-20): about
 * 1 in 2^19 — is redone by log1p itself (on 2·10^7 hu == 0 inputs the general formula gave
 * log1p's bits too, but nothing proves it for all). test/kernel/exp-ring.test.ts compares it
 * with log1p.
 */
export function expOfUniforms(at: usize, n: i32): void {
  // The constants, loaded from a table once. why not splats: V8 rebuilds a constant vector at each
  // use, three or four instructions each, as many as the arithmetic itself.
  const t = EXP_TABLE;
  const one = v128.load(t), half = v128.load(t, 16), two = v128.load(t, 32), bias = v128.load(t, 48), mant20 = v128.load(t, 64);
  const edge = v128.load(t, 80), mant = v128.load(t, 96), hu2 = v128.load(t, 112), smallEdge = v128.load(t, 128), tiny = v128.load(t, 144);
  const lp1 = v128.load(t, 160), lp2 = v128.load(t, 176), lp3 = v128.load(t, 192), lp4 = v128.load(t, 208), lp5 = v128.load(t, 224);
  const lp6 = v128.load(t, 240), lp7 = v128.load(t, 256), ln2Lo = v128.load(t, 272), ln2Hi = v128.load(t, 288);
  for (let i = 0; i < n; i += 2) {
    const p = at + (<usize>i << 3);
    const U = v128.load(p);
    const X = f64x2.neg(U);
    const AX = i64x2.shr_u(U, 32); // |x|'s high word (u >= 0)
    // the k != 0 path: u = 1 + x, c = (x - (u - 1)) / u, then u normalized into [sqrt(2)/2, sqrt(2))
    const V = f64x2.add(one, X);
    let k = i64x2.sub(i64x2.shr_u(V, 52), bias);
    const cv = f64x2.div(f64x2.sub(X, f64x2.sub(V, one)), V);
    let hu = v128.and(i64x2.shr_u(V, 32), mant20);
    const up = i64x2.gt_s(hu, edge); // hu >= 0x6A09E: u/2 normalized instead, k + 1
    k = i64x2.sub(k, up);
    // u's mantissa with the exponent of 1 (or of 1/2: 1.0's bits less 2^52)
    const vn = v128.or(v128.and(V, mant), i64x2.add(one, i64x2.shl(up, 52)));
    hu = v128.bitselect(i64x2.shr_u(i64x2.sub(hu2, hu), 2), hu, up); // (2^20 - hu) >> 2: positive, so shr_u (x64 has no 64-bit arithmetic shift)
    // the k == 0 path where sqrt(2)/2 <= 1 + x: f = x, c = 0, k = 0 (and hu = 1)
    const small = i64x2.lt_s(AX, smallEdge);
    const f = v128.bitselect(X, f64x2.sub(vn, one), small);
    const c = v128.andnot(cv, small);
    k = v128.andnot(k, small);
    const rare = v128.or(i64x2.lt_s(AX, tiny), v128.andnot(i64x2.eq(hu, v128.xor(hu, hu)), small));
    const dk = f64x2.convert_low_i32x4_s(v128.shuffle<i32>(k, k, 0, 2, 0, 2)); // k fits an i32: its low words
    const hfsq = f64x2.mul(f64x2.mul(half, f), f);
    const s = f64x2.div(f, f64x2.add(two, f));
    const z = f64x2.mul(s, s);
    let R = f64x2.add(lp6, f64x2.mul(z, lp7));
    R = f64x2.add(lp5, f64x2.mul(z, R));
    R = f64x2.add(lp4, f64x2.mul(z, R));
    R = f64x2.add(lp3, f64x2.mul(z, R));
    R = f64x2.add(lp2, f64x2.mul(z, R));
    R = f64x2.mul(z, f64x2.add(lp1, f64x2.mul(z, R)));
    // dk·LN2_HI - ((hfsq - (s·(hfsq + R) + (dk·LN2_LO + c))) - f), negated
    const inner = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, R)), f64x2.add(f64x2.mul(dk, ln2Lo), c));
    v128.store(p, f64x2.neg(f64x2.sub(f64x2.mul(dk, ln2Hi), f64x2.sub(f64x2.sub(hfsq, inner), f))));
    if (v128.any_true(rare)) {
      store<f64>(p, -log1p(-f64x2.extract_lane(U, 0)));
      store<f64>(p, -log1p(-f64x2.extract_lane(U, 1)), 8);
    }
  }
}

/** expOfUniforms' constants, each in both lanes: their order is the loads'. */
const EXP_TABLE = memory.data<u64>([
  0x3FF0000000000000, 0x3FF0000000000000, 0x3FE0000000000000, 0x3FE0000000000000, // 1.0, 0.5
  0x4000000000000000, 0x4000000000000000, 1023, 1023, 0xFFFFF, 0xFFFFF, 0x6A09D, 0x6A09D, // 2.0, exponent bias, hu's mask, hu's edge less 1
  0x000FFFFFFFFFFFFF, 0x000FFFFFFFFFFFFF, 0x00100000, 0x00100000, 0x3FD2BEC5, 0x3FD2BEC5, 0x3E200000, 0x3E200000, // mantissa, 2^20, k == 0 below, 2^-29
  reinterpret<u64>(LP1), reinterpret<u64>(LP1), reinterpret<u64>(LP2), reinterpret<u64>(LP2), reinterpret<u64>(LP3), reinterpret<u64>(LP3),
  reinterpret<u64>(LP4), reinterpret<u64>(LP4), reinterpret<u64>(LP5), reinterpret<u64>(LP5), reinterpret<u64>(LP6), reinterpret<u64>(LP6),
  reinterpret<u64>(LP7), reinterpret<u64>(LP7), reinterpret<u64>(LN2_LO), reinterpret<u64>(LN2_LO), reinterpret<u64>(LN2_HI), reinterpret<u64>(LN2_HI),
], 16);
