// Math.log, Math.exp, Math.cos and Math.pow as V8 (Node 20) computes them, for the kernel's
// duration draws (./traffic.ts): the JS engine draws lognormal and Pareto durations with these,
// and the kernel must draw exactly what it draws. why not AssemblyScript's Math: its log, exp and
// pow are musl's table-driven versions and its cos uses musl's newer kernel, which differ from
// V8's in the last bit for 1 input in 10 to 1 in 100 (measured); V8 keeps Sun's fdlibm 5.3
// algorithms (e_log.c, e_exp.c, k_cos.c, k_sin.c, e_rem_pio2.c, e_pow.c), ported here step for
// step. test/kernel/traffic.test.ts compares each with Node's on millions of inputs.
//
// The algorithms are fdlibm's: Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
// Developed at SunSoft, a Sun Microsystems, Inc. business. Permission to use, copy, modify, and
// distribute this software is freely granted, provided that this notice is preserved.

/**
 * JS Math.round: the nearest integer, halves toward +Infinity (not floor(x + 0.5), which rounds
 * 0.49999999999999994 up). Branch-free: whether the fraction is below one half is a coin toss.
 */
@inline export function jsRound(x: f64): f64 {
  const c = Math.ceil(x);
  return c - <f64>(<i32>(c - 0.5 > x));
}

@inline function hiWord(x: f64): i32 { return <i32>(reinterpret<u64>(x) >> 32); }
@inline function loWord(x: f64): u32 { return <u32>reinterpret<u64>(x); }
@inline function fromWords(hi: i32, lo: u32): f64 { return reinterpret<f64>((<u64><u32>hi << 32) | <u64>lo); }
@inline function setHi(x: f64, hi: i32): f64 { return fromWords(hi, loWord(x)); }
@inline function setLo(x: f64, lo: u32): f64 { return fromWords(hiWord(x), lo); }

const LN2_HI: f64 = 6.93147180369123816490e-01, LN2_LO: f64 = 1.90821492927058770002e-10;
const LG1: f64 = 6.666666666666735130e-01, LG2: f64 = 3.999999999940941908e-01, LG3: f64 = 2.857142874366239149e-01;
const LG4: f64 = 2.222219843214978396e-01, LG5: f64 = 1.818357216161805012e-01, LG6: f64 = 1.531383769920937332e-01;
const LG7: f64 = 1.479819860511658591e-01;
const TWO54: f64 = 1.80143985094819840000e+16;

/** Math.log (fdlibm e_log.c). */
export function v8log(x: f64): f64 {
  let hx = hiWord(x);
  const lx = loWord(x);
  let k = 0;
  if (hx < 0x00100000) { // x < 2^-1022
    if (((hx & 0x7FFFFFFF) | <i32>lx) == 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    hx = hiWord(x);
  }
  if (hx >= 0x7FF00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000FFFFF;
  let i = (hx + 0x95F64) & 0x100000;
  x = setHi(x, hx | (i ^ 0x3FF00000)); // normalize x or x/2
  k += i >> 20;
  const f = x - 1.0;
  if ((0x000FFFFF & (2 + hx)) < 3) { // -2^-20 <= f < 2^-20
    if (f == 0) {
      if (k == 0) return 0;
      const dk = <f64>k;
      return dk * LN2_HI + dk * LN2_LO;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    const dk = <f64>k;
    return dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const dk = <f64>k;
  const z = s * s;
  i = hx - 0x6147A;
  const w = z * z;
  const j = 0x6B851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

const P1: f64 = 1.66666666666666019037e-01, P2: f64 = -2.77777777770155933842e-03, P3: f64 = 6.61375632143793436117e-05;
const P4: f64 = -1.65339022054652515390e-06, P5: f64 = 4.13813679705723846039e-08;
const INVLN2: f64 = 1.44269504088896338700e+00;
const TWOM1000: f64 = 9.33263618503218878990e-302, TWO1023: f64 = 8.988465674311579539e307;

/** Math.exp (fdlibm e_exp.c, with V8's exact e for x = 1). */
export function v8exp(x: f64): f64 {
  let hx = hiWord(x);
  const xsb = (hx >> 31) & 1;
  hx &= 0x7FFFFFFF;
  if (hx >= 0x40862E42) { // |x| >= 709.78...
    if (hx >= 0x7FF00000) {
      if (((hx & 0xFFFFF) | <i32>loWord(x)) != 0) return x + x; // NaN
      return xsb == 0 ? x : 0.0;
    }
    if (x > 7.09782712893383973096e+02) return Infinity;
    if (x < -7.45133219101941108420e+02) return 0;
  }
  let hi: f64 = 0, lo: f64 = 0, k = 0;
  if (hx > 0x3FD62E42) { // |x| > 0.5 ln2
    if (hx < 0x3FF0A2B2) { // and |x| < 1.5 ln2
      if (x == 1.0) return 2.718281828459045;
      hi = xsb == 0 ? x - LN2_HI : x + LN2_HI;
      lo = xsb == 0 ? LN2_LO : -LN2_LO;
      k = 1 - xsb - xsb;
    } else {
      k = <i32>(INVLN2 * x + (xsb == 0 ? 0.5 : -0.5));
      const t = <f64>k;
      hi = x - t * LN2_HI;
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3E300000) { // |x| < 2^-28
    return 1.0 + x;
  }
  const t = x * x;
  const twopk = k >= -1021 ? fromWords(0x3FF00000 + (k << 20), 0) : fromWords(0x3FF00000 + ((k + 1000) << 20), 0);
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * TWO1023;
    return y * twopk;
  }
  return y * twopk * TWOM1000;
}

// cos: fdlibm's __kernel_cos, __kernel_sin and the small and medium cases of __ieee754_rem_pio2.
const C1: f64 = 4.16666666666666019037e-02, C2: f64 = -1.38888888888741095749e-03, C3: f64 = 2.48015872894767294178e-05;
const C4: f64 = -2.75573143513906633035e-07, C5: f64 = 2.08757232129817482790e-09, C6: f64 = -1.13596475577881948265e-11;
function kernelCos(x: f64, y: f64): f64 {
  const ix = hiWord(x) & 0x7FFFFFFF;
  if (ix < 0x3E400000 && <i32>x == 0) return 1.0; // |x| < 2^-27
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3FD33333) return 1.0 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  const qx = ix > 0x3FE90000 ? 0.28125 : fromWords(ix - 0x00200000, 0); // x/4
  const iz = 0.5 * z - qx;
  const a = 1.0 - qx;
  return a - (iz - (z * r - x * y));
}

const S1: f64 = -1.66666666666666324348e-01, S2: f64 = 8.33333333332248946124e-03, S3: f64 = -1.98412698298579493134e-04;
const S4: f64 = 2.75573137070700676789e-06, S5: f64 = -2.50507602534068634195e-08, S6: f64 = 1.58969099521155010221e-10;
/** __kernel_sin(x, y, 1). */
function kernelSin(x: f64, y: f64): f64 {
  const ix = hiWord(x) & 0x7FFFFFFF;
  if (ix < 0x3E400000 && <i32>x == 0) return x;
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

const INVPIO2: f64 = 6.36619772367581382433e-01;
const PIO2_1: f64 = 1.57079632673412561417e+00, PIO2_1T: f64 = 6.07710050650619224932e-11;
const PIO2_2: f64 = 6.07710050630396597660e-11, PIO2_2T: f64 = 2.02226624879595063154e-21;
const PIO2_3: f64 = 2.02226624871116645580e-21, PIO2_3T: f64 = 8.47842766036889956997e-32;
/** The reduced argument's tail (rem_pio2's y[1]); the head is returned with n in REM_N. */
let REM_Y1: f64 = 0;
let REM_N: i32 = 0;

/** x − n·π/2 as REM_Y0 + REM_Y1, for |x| ≤ 2^19·π/2 (fdlibm's cases for those). */
function remPio2(x: f64, hx: i32, ix: i32): f64 {
  let y0: f64, y1: f64, n: i32;
  if (ix < 0x4002D97C) { // |x| < 3π/4: n = ±1
    if (hx > 0) {
      let z = x - PIO2_1;
      if (ix != 0x3FF921FB) { y0 = z - PIO2_1T; y1 = (z - y0) - PIO2_1T; }
      else { z -= PIO2_2; y0 = z - PIO2_2T; y1 = (z - y0) - PIO2_2T; }
      REM_N = 1;
    } else {
      let z = x + PIO2_1;
      if (ix != 0x3FF921FB) { y0 = z + PIO2_1T; y1 = (z - y0) + PIO2_1T; }
      else { z += PIO2_2; y0 = z + PIO2_2T; y1 = (z - y0) + PIO2_2T; }
      REM_N = -1;
    }
    REM_Y1 = y1;
    return y0;
  }
  let t = Math.abs(x);
  n = <i32>(t * INVPIO2 + 0.5);
  const fn = <f64>n;
  let r = t - fn * PIO2_1;
  let w = fn * PIO2_1T; // first round, good to 85 bits
  // fdlibm's npio2_hw[n − 1] is the high word of n·π/2 (equal for every n < 32)
  if (n < 32 && ix != hiWord(fn * 1.5707963267948966)) {
    y0 = r - w;
  } else {
    const j = ix >> 20;
    y0 = r - w;
    let i = j - ((hiWord(y0) >> 20) & 0x7FF);
    if (i > 16) { // second iteration, good to 118 bits
      t = r;
      w = fn * PIO2_2;
      r = t - w;
      w = fn * PIO2_2T - ((t - r) - w);
      y0 = r - w;
      i = j - ((hiWord(y0) >> 20) & 0x7FF);
      if (i > 49) { // third iteration, 151 bits
        t = r;
        w = fn * PIO2_3;
        r = t - w;
        w = fn * PIO2_3T - ((t - r) - w);
        y0 = r - w;
      }
    }
  }
  y1 = (r - y0) - w;
  if (hx < 0) { REM_Y1 = -y1; REM_N = -n; return -y0; }
  REM_Y1 = y1;
  REM_N = n;
  return y0;
}

/**
 * Math.cos (fdlibm s_cos.c) for |x| ≤ 2^19·π/2 (NaN beyond: the kernel only takes the cosine of
 * 2π·u, u in [0, 1), for the Box–Muller normal).
 */
export function v8cos(x: f64): f64 {
  const hx = hiWord(x), ix = hx & 0x7FFFFFFF;
  if (ix <= 0x3FE921FB) return kernelCos(x, 0);
  if (ix > 0x413921FB) return NaN; // infinite, NaN, or outside the kernel's range
  const y0 = remPio2(x, hx, ix), y1 = REM_Y1;
  switch (REM_N & 3) {
    case 0: return kernelCos(y0, y1);
    case 1: return -kernelSin(y0, y1);
    case 2: return -kernelCos(y0, y1);
    default: return kernelSin(y0, y1);
  }
}

const BP1: f64 = 1.5, DP_H1: f64 = 5.84962487220764160156e-01, DP_L1: f64 = 1.35003920212974897128e-08;
const TWO53: f64 = 9007199254740992.0;
const L1: f64 = 5.99999999999994648725e-01, L2: f64 = 4.28571428578550184252e-01, L3: f64 = 3.33333329818377432918e-01;
const L4: f64 = 2.72728123808534006489e-01, L5: f64 = 2.30660745775561754067e-01, L6: f64 = 2.06975017800338417784e-01;
const LN2: f64 = 6.93147180559945286227e-01, LG2_H: f64 = 6.93147182464599609375e-01, LG2_L: f64 = -1.90465429995776804525e-09;
const OVT: f64 = 8.0085662595372944372e-17;
const CP: f64 = 9.61796693925975554329e-01, CP_H: f64 = 9.61796700954437255859e-01, CP_L: f64 = -7.02846165095275826516e-09;
const IVLN2: f64 = 1.44269504088896338700e+00, IVLN2_H: f64 = 1.44269502162933349609e+00, IVLN2_L: f64 = 1.92596299112661746887e-08;

/** 2^n·x (fdlibm s_scalbn.c), for the normal x and the n pow hands it (a result below 2^-1022). */
function scalbn(x: f64, n: i32): f64 {
  const hx = hiWord(x);
  let k = ((hx & 0x7FF00000) >> 20) + n;
  if (k > 0x7FE) return x > 0 ? Infinity : -Infinity;
  if (k > 0) return setHi(x, (hx & <i32>0x800FFFFF) | (k << 20));
  if (k <= -54) return x > 0 ? 0.0 : -0.0;
  k += 54;
  return setHi(x, (hx & <i32>0x800FFFFF) | (k << 20)) * 5.55111512312578270212e-17; // 2^-54
}

/**
 * Math.pow (fdlibm e_pow.c, with ECMAScript's NaN for (±1) ** ±Infinity). The kernel raises
 * numbers in (0, 1] to negative powers (Pareto durations); every case is ported.
 */
// eslint-disable-next-line max-lines-per-function -- fdlibm's e_pow.c, kept whole and in its order so that it can be read against the original line by line
export function v8pow(x: f64, y: f64): f64 {
  let hx = hiWord(x), hy = hiWord(y);
  const lx = loWord(x), ly = loWord(y);
  let ix = hx & 0x7FFFFFFF;
  const iy = hy & 0x7FFFFFFF;
  if ((iy | <i32>ly) == 0) return 1.0;
  if (ix > 0x7FF00000 || (ix == 0x7FF00000 && lx != 0) || iy > 0x7FF00000 || (iy == 0x7FF00000 && ly != 0)) return x + y;
  // y an odd integer (1), an even one (2) or not an integer (0), when x < 0
  let yisint = 0;
  if (hx < 0) {
    if (iy >= 0x43400000) yisint = 2;
    else if (iy >= 0x3FF00000) {
      const k = (iy >> 20) - 0x3FF;
      if (k > 20) {
        const j = ly >> (52 - k);
        if ((j << (52 - k)) == ly) yisint = 2 - <i32>(j & 1);
      } else if (ly == 0) {
        const j = iy >> (20 - k);
        if ((j << (20 - k)) == iy) yisint = 2 - (j & 1);
      }
    }
  }
  if (ly == 0) {
    if (iy == 0x7FF00000) { // y is ±Infinity
      if (((ix - 0x3FF00000) | <i32>lx) == 0) return NaN;
      if (ix >= 0x3FF00000) return hy >= 0 ? y : 0.0;
      return hy < 0 ? -y : 0.0;
    }
    if (iy == 0x3FF00000) return hy < 0 ? 1.0 / x : x;
    if (hy == 0x40000000) return x * x;
    if (hy == 0x3FE00000 && hx >= 0) return Math.sqrt(x);
  }
  let ax = Math.abs(x);
  if (lx == 0 && (ix == 0x7FF00000 || ix == 0 || ix == 0x3FF00000)) { // x is ±0, ±Infinity, ±1
    let z = ax;
    if (hy < 0) z = 1.0 / z;
    if (hx < 0) {
      if (((ix - 0x3FF00000) | yisint) == 0) z = NaN;
      else if (yisint == 1) z = -z;
    }
    return z;
  }
  let n = (hx >> 31) + 1;
  if ((n | yisint) == 0) return NaN; // (x < 0) ** non-integer
  let s: f64 = 1.0;
  if ((n | (yisint - 1)) == 0) s = -1.0;
  let t1: f64, t2: f64;
  if (iy > 0x41E00000) { // |y| > 2^31
    if (iy > 0x43F00000) {
      if (ix <= 0x3FEFFFFF) return hy < 0 ? Infinity : 0.0;
      if (ix >= 0x3FF00000) return hy > 0 ? Infinity : 0.0;
    }
    if (ix < 0x3FEFFFFF) return hy < 0 ? s * Infinity : s * 0.0;
    if (ix > 0x3FF00000) return hy > 0 ? s * Infinity : s * 0.0;
    const t = ax - 1.0;
    const w = (t * t) * (0.5 - t * (0.3333333333333333333333 - t * 0.25));
    const u = IVLN2_H * t;
    const v = t * IVLN2_L - w * IVLN2;
    t1 = setLo(u + v, 0);
    t2 = v - (t1 - u);
  } else {
    n = 0;
    if (ix < 0x00100000) { ax *= TWO53; n -= 53; ix = hiWord(ax); }
    n += (ix >> 20) - 0x3FF;
    const j = ix & 0x000FFFFF;
    ix = j | 0x3FF00000;
    let k = 0;
    if (j <= 0x3988E) k = 0;
    else if (j < 0xBB67A) k = 1;
    else { k = 0; n += 1; ix -= 0x00100000; }
    ax = setHi(ax, ix);
    const bp = k == 0 ? 1.0 : BP1;
    let u = ax - bp;
    let v = 1.0 / (ax + bp);
    const ss = u * v;
    const s_h = setLo(ss, 0);
    let t_h = fromWords(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18), 0);
    let t_l = ax - (t_h - bp);
    const s_l = v * ((u - s_h * t_h) - s_h * t_l);
    let s2 = ss * ss;
    let r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
    r += s_l * (s_h + ss);
    s2 = s_h * s_h;
    t_h = setLo(3.0 + s2 + r, 0);
    t_l = r - ((t_h - 3.0) - s2);
    u = s_h * t_h;
    v = s_l * t_h + t_l * ss;
    const p_h = setLo(u + v, 0);
    const p_l = v - (p_h - u);
    const z_h = CP_H * p_h;
    const z_l = CP_L * p_h + p_l * CP + (k == 0 ? 0.0 : DP_L1);
    const dp_h = k == 0 ? 0.0 : DP_H1;
    const t = <f64>n;
    t1 = setLo(((z_h + z_l) + dp_h) + t, 0);
    t2 = z_l - (((t1 - t) - dp_h) - z_h);
  }
  return powTail(y, t1, t2, s);
}

/** pow's second half: 2^(y·(t1 + t2)) times the sign s. */
function powTail(y: f64, t1: f64, t2: f64, s: f64): f64 {
  const y1 = setLo(y, 0);
  let p_l = (y - y1) * t1 + y * t2;
  let p_h = y1 * t1;
  let z = p_l + p_h;
  let j = hiWord(z);
  let i = <i32>loWord(z);
  if (j >= 0x40900000) { // z >= 1024
    if (((j - 0x40900000) | i) != 0) return s * Infinity;
    if (p_l + OVT > z - p_h) return s * Infinity;
  } else if ((j & 0x7FFFFFFF) >= 0x4090CC00) { // z <= -1075
    if (((j - <i32>0xC090CC00) | i) != 0) return s * 0.0;
    if (p_l <= z - p_h) return s * 0.0;
  }
  i = j & 0x7FFFFFFF;
  let k = (i >> 20) - 0x3FF;
  let n = 0;
  if (i > 0x3FE00000) { // |z| > 0.5: n = [z + 0.5]
    n = j + (0x00100000 >> (k + 1));
    k = ((n & 0x7FFFFFFF) >> 20) - 0x3FF;
    const t = fromWords(n & ~(0x000FFFFF >> k), 0);
    n = ((n & 0x000FFFFF) | 0x00100000) >> (20 - k);
    if (j < 0) n = -n;
    p_h -= t;
  }
  let t = setLo(p_l + p_h, 0);
  const u = t * LG2_H;
  const v = (p_l - (t - p_h)) * LN2 + t * LG2_L;
  z = u + v;
  const w = v - (z - u);
  t = z * z;
  const q = z - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const r = (z * q) / ((q - 2.0) - (w + z * w));
  z = 1.0 - (r - z);
  j = hiWord(z) + (n << 20);
  if ((j >> 20) <= 0) z = scalbn(z, n);
  else z = setHi(z, j);
  return s * z;
}
