// The kernel's traffic: the duration distributions beyond constant, uniform and exponential
// (lognormal, Pareto, empirical: ../../random/distributions.ts Distribution.sample) and the
// arrival processes beyond constant and Poisson (rate curves evenly spaced or randomized,
// timestamp traces: ../../workload/arrivals.ts ArrivalProcess, ../../workload/rate-curve.ts
// CurveWalker.inverse), computed as the JS engine computes them, operation for operation.
// The random draws stay with the callers (./attempt.ts, ./lifecycle.ts), which hand the uniforms (durations)
// and the Exp(1) values (randomized curves) in; everything here is arithmetic on them.
//
// Layout (../traffic-layout.ts fills it): one record of TR_STRIDE f64 per workload at TRAFFIC,
// then each workload's arrays (empirical tables, mixture parts, curve arrays, trace times) where the record says.

import { ARRIVAL_RANDOM } from '../../workload/arrival-codes';
import { jsRound, v8cos, v8exp, v8log, v8pow } from './math';

let TRAFFIC: usize = 0;

// The record's fields (../traffic-layout.ts writes them in this order).
const TR_P3 = 0; // Pareto: 1 − (scale/max)^shape
const TR_TABLE = 1; // empirical: byte offset of the sorted values, the last one repeated
const TR_START = 2; // arrivals: the first possible arrival
const TR_UNIT = 3; // curves: Λ per unit of target
const TR_BASE = 4; // curves: Λ(start)
const TR_U = 5; // curves: the current target (randomized: running sum of Exp(1) · unit)
const TR_K = 6; // curves: arrivals so far; traces: index of the last timestamp replayed
const TR_CURVE = 7; // curves: byte offset of t[n + 1], a[n], b[n], gap[n], c[n + 1]; traces: of the times
const TR_N = 8; // curves: segments; traces: timestamps
const TR_PERIODIC = 9; // curves: 1 when the curve repeats
const TR_PERIOD = 10; // curves: ticks per period; traces: ticks between replays (Infinity: once)
const TR_PER_PERIOD = 11; // curves: Λ over one period
const TR_I = 12; // curves: the cursor's segment
const TR_CYCLE = 13; // curves and traces: the cursor's period
const TR_MIX = 14; // mixtures: byte offset of the parts (MP_STRIDE f64 each), then their empirical tables
const TR_THINK = 15; // closed-loop clients: their think time's distribution record (./distributions.ts DR_*; constant 0: none)
const TR_LATENCY = 21; // its connect latency's distribution record (constant 0: none)
const TR_STRIDE = 27;

// A mixture part's fields (../traffic-layout.ts mixtureArray writes them in this order).
const MP_CUMULATIVE = 0; // the cumulative share of the weights up to this part (the last one exactly 1)
export const MP_KIND = 1; // DIST_* (never a mixture)
export const MP_P1 = 2; // Distribution.p1
export const MP_P2 = 3; // Distribution.p2
export const MP_P3 = 4; // Distribution.p3 (Pareto)
export const MP_TABLE = 5; // empirical: byte offset of the sorted values, the last one repeated
const MP_STRIDE = 6;

/** Sets the region's offset (../traffic-layout.ts TR_STRIDE must match). */
export function initTraffic(at: usize): void { TRAFFIC = at; }

@inline function rec(w: i32): usize { return TRAFFIC + <usize>(w * TR_STRIDE) * 8; }
@inline function get(r: usize, f: i32): f64 { return load<f64>(r + (<usize>f << 3)); }
@inline function put(r: usize, f: i32, v: f64): void { store<f64>(r + (<usize>f << 3), v); }
@inline function at64(base: f64, i: i32): f64 { return load<f64>(<usize>base + (<usize>i << 3)); }

// ------------------------------------------------------------------------------- durations
/** Lognormal (Distribution.sample): e^(p1 + p2·z), z standard normal by Box–Muller from u1 then u2. */
export function lognormal(p1: f64, p2: f64, u1: f64, u2: f64): f64 {
  const z = Math.sqrt(-2 * v8log(1 - u1)) * v8cos(2 * Math.PI * u2);
  return jsRound(v8exp(p1 + p2 * z));
}

/** Pareto, possibly truncated (Distribution.sample): p1 · (1 − u·p3)^p2. */
export function pareto(p1: f64, p2: f64, p3: f64, u: f64): f64 {
  return jsRound(p1 * v8pow(1 - u * p3, p2));
}

/** Workload w's Pareto p3. */
export function paretoP3(w: i32): f64 { return get(rec(w), TR_P3); }

/** Workload w's empirical table (its byte offset). */
export function empiricalTable(w: i32): f64 { return get(rec(w), TR_TABLE); }

/** Empirical (Distribution.sample): interpolated between order statistics of table t; p1 = n − 1. */
export function empirical(t: f64, p1: f64, u: f64): f64 {
  const h = u * p1;
  const i = Math.floor(h);
  const k = <i32>i;
  const lo = at64(t, k);
  return jsRound(lo + (h - i) * (at64(t, k + 1) - lo));
}

/** Workload w's think time's distribution record (./distributions.ts). */
export function thinkRecord(w: i32): usize { return rec(w) + (<usize>TR_THINK << 3); }

/** Workload w's connect latency's distribution record (./distributions.ts). */
export function latencyRecord(w: i32): usize { return rec(w) + (<usize>TR_LATENCY << 3); }

/** Workload w's mixture's parts (their byte offset). */
export function mixtureParts(w: i32): f64 { return get(rec(w), TR_MIX); }

/** The part of the mixture at `parts` that uniform u picks (Distribution.sample: the first whose cumulative share exceeds u); its address. */
export function mixturePart(parts: f64, u: f64): usize {
  let p = <usize>parts;
  while (u >= load<f64>(p + (<usize>MP_CUMULATIVE << 3))) p += MP_STRIDE * 8;
  return p;
}

/** Field f (MP_*) of a mixture part. */
@inline export function partField(p: usize, f: i32): f64 { return load<f64>(p + (<usize>f << 3)); }

// -------------------------------------------------------------------------------- arrivals
/** ArrivalProcess.first for a curve (ARRIVAL_EVEN, ARRIVAL_RANDOM); e: the Exp(1) draw of a randomized one. */
export function curveFirst(w: i32, kind: i32, e: f64): f64 {
  const r = rec(w);
  put(r, TR_I, 0);
  put(r, TR_CYCLE, 0);
  put(r, TR_K, 0);
  const u = kind == ARRIVAL_RANDOM ? e * get(r, TR_UNIT) : 0;
  put(r, TR_U, u);
  return arrivalAt(r, get(r, TR_BASE) + u);
}

/** ArrivalProcess.next for a curve. */
export function curveNext(w: i32, kind: i32, e: f64): f64 {
  const r = rec(w);
  if (kind == ARRIVAL_RANDOM) {
    const u = get(r, TR_U) + e * get(r, TR_UNIT);
    put(r, TR_U, u);
    return arrivalAt(r, get(r, TR_BASE) + u);
  }
  const k = get(r, TR_K) + 1;
  put(r, TR_K, k);
  return arrivalAt(r, get(r, TR_BASE) + k * get(r, TR_UNIT));
}

/** ArrivalProcess.at: the whole tick of Λ⁻¹(target), never before start. */
function arrivalAt(r: usize, target: f64): f64 {
  const t = jsRound(inverse(r, target));
  const start = get(r, TR_START);
  return t < start ? start : t;
}

/** CurveWalker.inverse: inf{x : Λ(x) > u}, moving the cursor (targets never decrease). */
function inverse(r: usize, u: f64): f64 {
  const n = <i32>get(r, TR_N);
  const T = get(r, TR_CURVE);
  const A = T + <f64>((n + 1) * 8), B = A + <f64>(n * 8), GAP = B + <f64>(n * 8), C = GAP + <f64>(n * 8);
  const periodic = get(r, TR_PERIODIC) != 0;
  let base: f64 = 0;
  let i = <i32>get(r, TR_I);
  let cycle = get(r, TR_CYCLE);
  if (periodic) {
    const per = get(r, TR_PER_PERIOD);
    if (!(per > 0)) return Infinity;
    base = cycle * per;
    if (u - base >= per) {
      cycle = Math.floor(u / per);
      base = cycle * per;
      i = 0;
    }
    while (u - base >= at64(C, i + 1)) {
      if (++i == n) {
        i = 0;
        cycle += 1;
        base = cycle * per;
      }
    }
    put(r, TR_CYCLE, cycle);
  } else {
    while (i < n && u >= at64(C, i + 1)) i++;
    put(r, TR_I, <f64>i);
    if (i == n) return Infinity;
  }
  put(r, TR_I, <f64>i);
  const v = u - base - at64(C, i);
  let s: f64;
  if (!(v > 0)) s = 0;
  else if (at64(B, i) == 0) s = v * at64(GAP, i);
  else {
    const a = at64(A, i), x = v * 1e6;
    s = (2 * x) / (a + Math.sqrt(a * a + 2 * at64(B, i) * x));
  }
  const ti = at64(T, i);
  const len = at64(T, i + 1) - ti;
  if (s > len) s = len;
  return periodic ? ti + cycle * get(r, TR_PERIOD) + s : ti + s;
}

/** ArrivalProcess.first for a timestamp trace. */
export function traceFirst(w: i32): f64 {
  const r = rec(w);
  put(r, TR_K, 0);
  put(r, TR_CYCLE, 0);
  return get(r, TR_N) == 0 ? Infinity : get(r, TR_START) + at64(get(r, TR_CURVE), 0);
}

/** ArrivalProcess.next for a timestamp trace. */
export function traceNext(w: i32): f64 {
  const r = rec(w);
  let k = get(r, TR_K) + 1;
  let cycle = get(r, TR_CYCLE);
  const period = get(r, TR_PERIOD);
  if (k == get(r, TR_N)) {
    if (period == Infinity) {
      put(r, TR_K, k);
      return Infinity;
    }
    k = 0;
    cycle += 1;
    put(r, TR_CYCLE, cycle);
  }
  put(r, TR_K, k);
  const start = get(r, TR_START), x = at64(get(r, TR_CURVE), <i32>k);
  return cycle == 0 ? start + x : start + cycle * period + x;
}
