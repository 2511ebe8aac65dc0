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
@inline export function exp1(s: usize): f64 { return -log1p(-uniform(s)); }

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

