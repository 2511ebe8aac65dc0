import type { Tick } from '../engine/time';

/**
 * A time-varying arrival rate λ(t): piecewise linear, in ticks (µs) and attempts per second.
 *
 * Segment i runs from t[i] to t[i + 1] with the rate moving linearly from r0[i] to r1[i] (a step
 * is two segments with r1[i] ≠ r0[i + 1]). The last knot may be Infinity: then the last segment
 * keeps its rate (r0 = r1) forever. The rate is 0 before t[0] and after a finite last knot,
 * unless the curve is `periodic`: then it repeats every t[n] − t[0] ticks, forever.
 *
 * The cumulative rate Λ(t) = ∫ λ from t[0] to t (expected attempts) is quadratic on each
 * segment, so it inverts in closed form: `CurveWalker` holds the per-segment figures and Λ;
 * inverting it (when arrival k happens) is written once, in the WebAssembly kernel
 * (../kernel/assembly/traffic.ts; the test oracle's: test/oracle/workload/rate-curve.ts).
 */
export interface RateCurve {
  /** Knot times in ticks (n + 1 for n segments); the last may be Infinity. */
  readonly t: Float64Array;
  /** Rate (per second) at the start of each segment. */
  readonly r0: Float64Array;
  /** Rate (per second) at the end of each segment. */
  readonly r1: Float64Array;
  readonly periodic: boolean;
}

/** A curve from knots and segment rates (checked: times increase, rates ≥ 0, an infinite last segment is flat). */
export function rateCurve(t: readonly number[], r0: readonly number[], r1: readonly number[], periodic = false): RateCurve {
  const n = r0.length;
  if (n < 1 || t.length !== n + 1 || r1.length !== n) throw new Error('rateCurve: need n + 1 knots and n start and end rates');
  for (let i = 0; i < n; i++) {
    if (!(t[i + 1]! > t[i]!) || !Number.isFinite(t[i]!)) throw new Error(`rateCurve: knot ${i + 1} (${t[i + 1]}) must be after knot ${i} (${t[i]})`);
    if (!(r0[i]! >= 0 && r1[i]! >= 0 && Number.isFinite(r0[i]!) && Number.isFinite(r1[i]!))) throw new Error(`rateCurve: rates of segment ${i} must be finite and ≥ 0`);
  }
  if (t[n] === Infinity && (periodic || r0[n - 1] !== r1[n - 1])) throw new Error('rateCurve: an endless last segment must have a constant rate and the curve cannot be periodic');
  return { t: Float64Array.from(t), r0: Float64Array.from(r0), r1: Float64Array.from(r1), periodic };
}

/**
 * Λ for one curve, with the per-segment quantities precomputed once. The WebAssembly kernel is
 * handed these arrays (../kernel/traffic-layout.ts) and inverts Λ with them
 * (../kernel/assembly/traffic.ts).
 */
export class CurveWalker {
  readonly n: number;
  readonly t: Float64Array;
  /** Rate per second at each segment's start. */
  readonly a: Float64Array;
  /** Slope: per second, per tick. */
  readonly b: Float64Array;
  /** Ticks per attempt at the segment's start rate (used for flat segments: exact k · gap). */
  readonly gap: Float64Array;
  /** Λ at each knot, from t[0] (within one period). */
  readonly c: Float64Array;
  readonly periodic: boolean;
  /** Length of a period in ticks, and Λ over one period. */
  readonly period: number;
  readonly perPeriod: number;

  constructor(curve: RateCurve) {
    const { t, r0, r1 } = curve;
    const n = r0.length;
    this.n = n;
    this.t = t;
    this.periodic = curve.periodic;
    this.a = new Float64Array(n);
    this.b = new Float64Array(n);
    this.gap = new Float64Array(n);
    this.c = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const len = t[i + 1]! - t[i]!;
      this.a[i] = r0[i]!;
      this.b[i] = len === Infinity ? 0 : (r1[i]! - r0[i]!) / len;
      this.gap[i] = 1e6 / r0[i]!;
      const area = len === Infinity ? (r0[i]! > 0 ? Infinity : 0) : (len * (r0[i]! + r1[i]!)) / 2e6;
      this.c[i + 1] = this.c[i]! + area;
    }
    this.period = t[n]! - t[0]!;
    this.perPeriod = this.c[n]!;
  }

  /** Λ(x): expected attempts in [t[0], x) (0 before t[0]). Pure: does not move the cursor. */
  cumulative(x: number): number {
    const t = this.t, n = this.n;
    if (!(x > t[0]!)) return 0;
    let cycles = 0;
    if (this.periodic) {
      cycles = Math.floor((x - t[0]!) / this.period);
      x -= cycles * this.period;
      if (x >= t[n]!) { cycles++; x -= this.period; } // float guard
      if (x < t[0]!) { cycles--; x += this.period; }
    } else if (x >= t[n]!) {
      return this.c[n]!;
    }
    let lo = 0, hi = n - 1; // last segment with t[i] ≤ x
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (t[mid]! <= x) lo = mid; else hi = mid - 1;
    }
    const s = x - t[lo]!;
    const within = this.c[lo]! + (this.a[lo]! * s + 0.5 * this.b[lo]! * s * s) / 1e6;
    return this.periodic ? cycles * this.perPeriod + within : within;
  }
}

/** Whole ticks of a time in seconds (rounded to the µs). */
export function ticksOf(seconds: number): Tick {
  return Math.round(seconds * 1e6);
}
